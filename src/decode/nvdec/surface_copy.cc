#include "decode/nvdec/surface_copy.h"

namespace nvcast::nvdec {
namespace {

CUresult copy_plane(const driver::CudaApi& cuda, CUdeviceptr src, size_t src_pitch, const Frame& dst, int plane) {
    CUDA_MEMCPY2D c{};
    c.srcMemoryType = CU_MEMORYTYPE_DEVICE;
    c.srcDevice = src;
    c.srcPitch = src_pitch;
    c.dstMemoryType = CU_MEMORYTYPE_DEVICE;
    c.dstDevice = reinterpret_cast<CUdeviceptr>(dst.data(plane));
    c.dstPitch = static_cast<size_t>(dst.pitch(plane));
    c.WidthInBytes = plane_row_bytes(dst.format(), dst.width(), plane);
    c.Height = static_cast<size_t>(plane_rows(dst.format(), dst.height(), plane));
    return cuda.memcpy_2d_async(&c, nullptr);
}

}  // namespace

CUresult copy_surface(const driver::CudaApi& cuda, CUdeviceptr src, size_t src_pitch, size_t chroma_offset,
                      const Frame& dst) {
    CUresult r = copy_plane(cuda, src, src_pitch, dst, 0);
    if (r == CUDA_SUCCESS) r = copy_plane(cuda, src + chroma_offset, src_pitch, dst, 1);
    if (r == CUDA_SUCCESS) r = cuda.stream_synchronize(nullptr);
    return r;
}

CUresult copy_device_frame(const driver::CudaApi& cuda, const Frame& src, const Frame& dst) {
    CUresult r = CUDA_SUCCESS;
    for (int p = 0; p < 2 && r == CUDA_SUCCESS; ++p)
        r = copy_plane(cuda, reinterpret_cast<CUdeviceptr>(src.data(p)), static_cast<size_t>(src.pitch(p)), dst, p);
    if (r == CUDA_SUCCESS) r = cuda.stream_synchronize(nullptr);
    return r;
}

}  // namespace nvcast::nvdec

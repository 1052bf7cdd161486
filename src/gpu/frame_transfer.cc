#include "gpu/frame_transfer.h"

#include <string>

#include "nvcast/error.h"
#if NVCAST_HAVE_GPU_KERNELS
#include "gpu/cuda_check.h"
#endif

namespace nvcast::gpu {

void copy_frame(const Frame& src, Frame& dst, void* stream) {
    if (src.format() != dst.format() || src.width() != dst.width() || src.height() != dst.height())
        throw Error(ErrorCode::InvalidArgument, "copy_frame: frames differ in format or size");
    if (src.memory() == MemoryType::Host && dst.memory() == MemoryType::Host) {
        copy_frame_pixels(src, dst);
        return;
    }
#if NVCAST_HAVE_GPU_KERNELS
    for (int p = 0; p < src.plane_count(); ++p)
        cuda_check(cudaMemcpy2DAsync(dst.data(p), static_cast<size_t>(dst.pitch(p)), src.data(p),
                                     static_cast<size_t>(src.pitch(p)), plane_row_bytes(src.format(), src.width(), p),
                                     static_cast<size_t>(plane_rows(src.format(), src.height(), p)), cudaMemcpyDefault,
                                     static_cast<cudaStream_t>(stream)),
                   "copying a frame between host and device");
#else
    (void)stream;
    throw Error(ErrorCode::Unavailable, "a frame in CUDA device memory, but this build of nvcast has no CUDA support");
#endif
}

void copy_frame_now(const Frame& src, Frame& dst) {
    copy_frame(src, dst, nullptr);
#if NVCAST_HAVE_GPU_KERNELS
    if (src.memory() == MemoryType::Cuda || dst.memory() == MemoryType::Cuda)
        cuda_check(cudaStreamSynchronize(nullptr), "copying a frame between host and device");
#endif
}

}  // namespace nvcast::gpu

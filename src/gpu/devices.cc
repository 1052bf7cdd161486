#include "gpu/devices.h"

#include "nvcast/error.h"
#if NVCAST_HAVE_GPU_KERNELS
#include "gpu/cuda_check.h"
#endif

namespace nvcast::gpu {

std::vector<DeviceInfo> list_devices() noexcept {
    std::vector<DeviceInfo> devices;
#if NVCAST_HAVE_GPU_KERNELS
    int count = 0;
    if (cudaGetDeviceCount(&count) != cudaSuccess) return devices;
    int current = 0;
    cudaGetDevice(&current);
    for (int d = 0; d < count; ++d) {
        cudaDeviceProp prop{};
        if (cudaGetDeviceProperties(&prop, d) != cudaSuccess) continue;
        DeviceInfo info{d, prop.name, 0, prop.totalGlobalMem};
        if (cudaSetDevice(d) == cudaSuccess) cudaMemGetInfo(&info.free_bytes, &info.total_bytes);
        devices.push_back(std::move(info));
    }
    cudaSetDevice(current);
#endif
    return devices;
}

void use_device(int device) {
    if (device < 0) return;
#if NVCAST_HAVE_GPU_KERNELS
    cuda_check(cudaSetDevice(device), ("selecting CUDA device " + std::to_string(device)).c_str());
#endif
}

CudaStream::CudaStream(int device) : device_(device) {
#if NVCAST_HAVE_GPU_KERNELS
    use_device(device);
    cudaStream_t s = nullptr;
    cuda_check(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking), "creating a CUDA stream");
    stream_ = s;
#endif
}

CudaStream::~CudaStream() {
#if NVCAST_HAVE_GPU_KERNELS
    if (stream_) cudaStreamDestroy(static_cast<cudaStream_t>(stream_));
#endif
}

void CudaStream::synchronize() const {
#if NVCAST_HAVE_GPU_KERNELS
    if (stream_) cuda_check(cudaStreamSynchronize(static_cast<cudaStream_t>(stream_)), "waiting for a CUDA stream");
#endif
}

}  // namespace nvcast::gpu

#include "ipc/device_ring.h"

#include <unistd.h>

#include <cstring>
#include <string>
#include <utility>

#include "ipc/shared_memory.h"
#include "nvcast/error.h"

#if NVCAST_HAVE_GPU_KERNELS
#include <cuda.h>
#include <cudaTypedefs.h>
#include <cuda_runtime_api.h>

#include "gpu/cuda_check.h"
#include "nvcast/log.h"
#endif

namespace nvcast::ipc {

#if NVCAST_HAVE_GPU_KERNELS
namespace {

// The driver's virtual-memory calls, through the runtime (which already loaded the driver), so
// nvcast never links libcuda itself.
struct VirtualMemoryApi {
    PFN_cuMemGetAllocationGranularity_v10020 granularity = nullptr;
    PFN_cuMemCreate_v10020 create = nullptr;
    PFN_cuMemRelease_v10020 release = nullptr;
    PFN_cuMemExportToShareableHandle_v10020 export_handle = nullptr;
    PFN_cuMemImportFromShareableHandle_v10020 import_handle = nullptr;
    PFN_cuMemAddressReserve_v10020 reserve = nullptr;
    PFN_cuMemAddressFree_v10020 address_free = nullptr;
    PFN_cuMemMap_v10020 map = nullptr;
    PFN_cuMemUnmap_v10020 unmap = nullptr;
    PFN_cuMemSetAccess_v10020 set_access = nullptr;
    PFN_cuStreamWriteValue64_v11070 write_value = nullptr;
    PFN_cuGetErrorName_v6000 error_name = nullptr;
};

template <typename Fn>
void bind(Fn& fn, const char* name) {
    void* p = nullptr;
    cudaDriverEntryPointQueryResult found{};
    if (cudaGetDriverEntryPointByVersion(name, &p, 12000, cudaEnableDefault, &found) != cudaSuccess ||
        found != cudaDriverEntryPointSuccess || p == nullptr)
        throw Error(ErrorCode::Unavailable,
                    std::string("ipc: the CUDA driver has no ") + name + " (device-memory channels need CUDA 12 or newer)");
    fn = reinterpret_cast<Fn>(p);
}

const VirtualMemoryApi& vmm() {
    static const VirtualMemoryApi api = [] {
        VirtualMemoryApi a;
        bind(a.granularity, "cuMemGetAllocationGranularity");
        bind(a.create, "cuMemCreate");
        bind(a.release, "cuMemRelease");
        bind(a.export_handle, "cuMemExportToShareableHandle");
        bind(a.import_handle, "cuMemImportFromShareableHandle");
        bind(a.reserve, "cuMemAddressReserve");
        bind(a.address_free, "cuMemAddressFree");
        bind(a.map, "cuMemMap");
        bind(a.unmap, "cuMemUnmap");
        bind(a.set_access, "cuMemSetAccess");
        bind(a.write_value, "cuStreamWriteValue64");
        bind(a.error_name, "cuGetErrorName");
        return a;
    }();
    return api;
}

void check(CUresult r, const char* what) {
    if (r == CUDA_SUCCESS) return;
    const char* name = "unknown";
    vmm().error_name(r, &name);
    throw Error(r == CUDA_ERROR_OUT_OF_MEMORY ? ErrorCode::ResourceExhausted : ErrorCode::DeviceLost,
                std::string("ipc: ") + what + ": CUDA error " + name);
}

CUmemAllocationProp allocation_properties(int device) {
    CUmemAllocationProp prop{};
    prop.type = CU_MEM_ALLOCATION_TYPE_PINNED;
    prop.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
    prop.location.id = device;
    prop.requestedHandleTypes = CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR;
    return prop;
}

// The flags page: released[kMaxFrameSlots].
constexpr size_t kFlagsBytes = kMaxFrameSlots * sizeof(uint64_t);

std::string uuid_text(const uint8_t (&u)[16]) {
    static const char* digits = "0123456789abcdef";
    std::string s = "GPU-";
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
        s += digits[u[i] >> 4];
        s += digits[u[i] & 15];
    }
    return s;
}

}  // namespace

struct DeviceRing::Impl {
    int device = 0;
    CUmemGenericAllocationHandle handle = 0;
    CUdeviceptr address = 0;
    size_t bytes = 0;
    int fd = -1;  // the publisher's export
    DeviceRingWire wire;
    SharedMemory flags;            // released[kMaxFrameSlots], shared with the peer
    bool flags_registered = false;
    CUdeviceptr flags_device = 0;  // the subscriber: where its GPU work writes them

    ~Impl() {
        cudaSetDevice(device);
        if (flags_registered) cudaHostUnregister(flags.data());
        if (address) {
            vmm().unmap(address, bytes);
            vmm().address_free(address, bytes);
        }
        if (handle) vmm().release(handle);
        if (fd >= 0) ::close(fd);
    }

    // Reserves an address range for the allocation and lets this device read and write it.
    void map_here() {
        check(vmm().reserve(&address, bytes, 0, 0, 0), "reserving device addresses for the frame ring");
        check(vmm().map(address, bytes, 0, handle, 0), "mapping the frame ring");
        CUmemAccessDesc access{};
        access.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
        access.location.id = device;
        access.flags = CU_MEM_ACCESS_FLAGS_PROT_READWRITE;
        check(vmm().set_access(address, bytes, &access, 1), "granting access to the frame ring");
    }

    // The subscriber's GPU writes the flags: pin the page and map it into the device's addresses.
    void let_gpu_write_flags() {
        gpu::cuda_check(cudaHostRegister(flags.data(), flags.size(), cudaHostRegisterMapped),
                        "ipc: registering the frame ring's flags with CUDA");
        flags_registered = true;
        void* device_view = nullptr;
        gpu::cuda_check(cudaHostGetDevicePointer(&device_view, flags.data(), 0),
                        "ipc: mapping the frame ring's flags for the GPU");
        flags_device = reinterpret_cast<CUdeviceptr>(device_view);
    }

    void write(int slot, uint64_t token) const {
        gpu::cuda_check(cudaSetDevice(device), "ipc: selecting the ring's CUDA device");
        check(vmm().write_value(CU_STREAM_LEGACY, flags_device + sizeof(uint64_t) * static_cast<size_t>(slot), token,
                                CU_STREAM_WRITE_VALUE_DEFAULT),
              "marking a frame slot");
    }

    uint64_t read(int slot) const {
        return __atomic_load_n(reinterpret_cast<const uint64_t*>(flags.data()) + slot, __ATOMIC_ACQUIRE);
    }
};

DeviceRing DeviceRing::create(size_t bytes) {
    auto impl = std::make_unique<Impl>();
    gpu::cuda_check(cudaGetDevice(&impl->device), "ipc: finding the current CUDA device");
    gpu::cuda_check(cudaSetDevice(impl->device), "ipc: selecting the CUDA device");
    const CUmemAllocationProp prop = allocation_properties(impl->device);
    size_t granularity = 0;
    check(vmm().granularity(&granularity, &prop, CU_MEM_ALLOC_GRANULARITY_RECOMMENDED), "querying the allocation granularity");
    impl->bytes = (bytes + granularity - 1) / granularity * granularity;
    check(vmm().create(&impl->handle, impl->bytes, &prop, 0), "allocating the shareable frame ring");
    impl->wire.allocation_bytes = impl->bytes;
    impl->flags = SharedMemory::create(kFlagsBytes, "nvcast-ring-flags");
    impl->map_here();
    check(vmm().export_handle(&impl->fd, impl->handle, CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR, 0),
          "exporting the frame ring as a file descriptor");
    gpu::cuda_check(cudaMemset(reinterpret_cast<void*>(impl->address), 0, impl->bytes), "ipc: clearing the frame ring");
    cudaDeviceProp props{};
    gpu::cuda_check(cudaGetDeviceProperties(&props, impl->device), "ipc: reading the device's identity");
    std::memcpy(impl->wire.device_uuid, &props.uuid, sizeof impl->wire.device_uuid);
    DeviceRing r;
    r.impl_ = std::move(impl);
    return r;
}

DeviceRing DeviceRing::import(int ring_fd, int flags_fd, const DeviceRingWire& wire) {
    auto impl = std::make_unique<Impl>();
    impl->fd = ring_fd;  // closed by ~Impl whatever happens; imported memory does not need it
    impl->flags = SharedMemory::map(flags_fd, kFlagsBytes);
    int count = 0;
    if (cudaGetDeviceCount(&count) != cudaSuccess) count = 0;
    impl->device = -1;
    for (int i = 0; i < count && impl->device < 0; ++i) {
        cudaDeviceProp props{};
        if (cudaGetDeviceProperties(&props, i) == cudaSuccess &&
            std::memcmp(&props.uuid, wire.device_uuid, sizeof wire.device_uuid) == 0)
            impl->device = i;
    }
    if (impl->device < 0) {
        impl->device = 0;
        throw Error(ErrorCode::Unavailable, "ipc: the publisher's frames live on CUDA device " +
                                                uuid_text(wire.device_uuid) + ", which this process does not see (" +
                                                std::to_string(count) + " devices visible; check CUDA_VISIBLE_DEVICES)");
    }
    gpu::cuda_check(cudaSetDevice(impl->device), "ipc: selecting the publisher's CUDA device");
    impl->bytes = wire.allocation_bytes;
    impl->wire = wire;
    check(vmm().import_handle(&impl->handle, reinterpret_cast<void*>(static_cast<uintptr_t>(ring_fd)),
                              CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR),
          "importing the publisher's frame ring");
    ::close(impl->fd);
    impl->fd = -1;
    impl->map_here();
    impl->let_gpu_write_flags();
    DeviceRing r;
    r.impl_ = std::move(impl);
    return r;
}

void DeviceRing::mark_released(int slot, uint64_t token) noexcept {
    // Runs where a frame's last copy dies (any thread, destructors): report, never throw. The
    // publisher then finds the flag unchanged and waits until it notices this process is gone.
    try {
        impl_->write(slot, token);
    } catch (const Error& e) {
        log(LogLevel::Warn, e.what());
    }
}

uint64_t DeviceRing::released_token(int slot) const { return impl_->read(slot); }

uint8_t* DeviceRing::data() const noexcept { return reinterpret_cast<uint8_t*>(impl_->address); }
std::array<int, 2> DeviceRing::fds() const noexcept { return {impl_->fd, impl_->flags.fd()}; }
const DeviceRingWire& DeviceRing::wire() const noexcept { return impl_->wire; }

#else  // without CUDA

struct DeviceRing::Impl {
    DeviceRingWire wire;
};

DeviceRing DeviceRing::create(size_t) {
    throw Error(ErrorCode::Unavailable,
                "ipc: frames in CUDA device memory need a build of nvcast with CUDA (this one was built without nvcc)");
}

DeviceRing DeviceRing::import(int ring_fd, int flags_fd, const DeviceRingWire&) {
    ::close(ring_fd);
    ::close(flags_fd);
    throw Error(ErrorCode::Unavailable, "ipc: the publisher shares frames in CUDA device memory, and this build of "
                                        "nvcast has no CUDA (built without nvcc); publish host frames instead");
}

void DeviceRing::mark_released(int, uint64_t) noexcept {}
uint64_t DeviceRing::released_token(int) const { return 0; }
uint8_t* DeviceRing::data() const noexcept { return nullptr; }
std::array<int, 2> DeviceRing::fds() const noexcept { return {-1, -1}; }
const DeviceRingWire& DeviceRing::wire() const noexcept { return impl_->wire; }

#endif

DeviceRing::DeviceRing() = default;
DeviceRing::~DeviceRing() = default;
DeviceRing::DeviceRing(DeviceRing&&) noexcept = default;
DeviceRing& DeviceRing::operator=(DeviceRing&&) noexcept = default;

}  // namespace nvcast::ipc

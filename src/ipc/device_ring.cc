#include "ipc/device_ring.h"

#include <unistd.h>

#include <cstring>
#include <string>
#include <utility>
#include <vector>

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

cudaEvent_t interprocess_event(char (&wire)[64]) {
    cudaEvent_t e = nullptr;
    gpu::cuda_check(cudaEventCreateWithFlags(&e, cudaEventInterprocess | cudaEventDisableTiming),
                    "ipc: creating an inter-process CUDA event");
    cudaIpcEventHandle_t h{};
    static_assert(sizeof h == sizeof wire);
    gpu::cuda_check(cudaIpcGetEventHandle(&h, e), "ipc: exporting a CUDA event");
    std::memcpy(wire, &h, sizeof h);
    return e;
}

cudaEvent_t open_event(const char (&wire)[64]) {
    cudaIpcEventHandle_t h{};
    std::memcpy(&h, wire, sizeof h);
    cudaEvent_t e = nullptr;
    gpu::cuda_check(cudaIpcOpenEventHandle(&e, h), "ipc: opening the publisher's CUDA event");
    return e;
}

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
    std::vector<cudaEvent_t> ready, released;

    ~Impl() {
        cudaSetDevice(device);
        for (cudaEvent_t e : ready) cudaEventDestroy(e);
        for (cudaEvent_t e : released) cudaEventDestroy(e);
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
};

DeviceRing DeviceRing::create(size_t bytes, int slots) {
    auto impl = std::make_unique<Impl>();
    gpu::cuda_check(cudaGetDevice(&impl->device), "ipc: finding the current CUDA device");
    gpu::cuda_check(cudaSetDevice(impl->device), "ipc: selecting the CUDA device");
    const CUmemAllocationProp prop = allocation_properties(impl->device);
    size_t granularity = 0;
    check(vmm().granularity(&granularity, &prop, CU_MEM_ALLOC_GRANULARITY_RECOMMENDED), "querying the allocation granularity");
    impl->bytes = (bytes + granularity - 1) / granularity * granularity;
    check(vmm().create(&impl->handle, impl->bytes, &prop, 0), "allocating the shareable frame ring");
    impl->map_here();
    check(vmm().export_handle(&impl->fd, impl->handle, CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR, 0),
          "exporting the frame ring as a file descriptor");
    gpu::cuda_check(cudaMemset(reinterpret_cast<void*>(impl->address), 0, impl->bytes), "ipc: clearing the frame ring");
    cudaDeviceProp props{};
    gpu::cuda_check(cudaGetDeviceProperties(&props, impl->device), "ipc: reading the device's identity");
    std::memcpy(impl->wire.device_uuid, &props.uuid, sizeof impl->wire.device_uuid);
    impl->wire.allocation_bytes = impl->bytes;
    for (int i = 0; i < slots; ++i) {
        impl->ready.push_back(interprocess_event(impl->wire.ready[i]));
        impl->released.push_back(interprocess_event(impl->wire.released[i]));
    }
    DeviceRing r;
    r.impl_ = std::move(impl);
    return r;
}

DeviceRing DeviceRing::import(int fd, const DeviceRingWire& wire, int slots) {
    auto impl = std::make_unique<Impl>();
    impl->fd = fd;  // closed by ~Impl whatever happens; imported memory does not need it
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
    check(vmm().import_handle(&impl->handle, reinterpret_cast<void*>(static_cast<uintptr_t>(fd)),
                              CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR),
          "importing the publisher's frame ring");
    ::close(impl->fd);
    impl->fd = -1;
    impl->map_here();
    impl->wire = wire;
    for (int i = 0; i < slots; ++i) {
        impl->ready.push_back(open_event(wire.ready[i]));
        impl->released.push_back(open_event(wire.released[i]));
    }
    DeviceRing r;
    r.impl_ = std::move(impl);
    return r;
}

void DeviceRing::renew_released_events() {
    cudaSetDevice(impl_->device);
    for (size_t i = 0; i < impl_->released.size(); ++i) {
        cudaEventDestroy(impl_->released[i]);
        impl_->released[i] = interprocess_event(impl_->wire.released[i]);
    }
}

void DeviceRing::mark_ready(int slot) {
    gpu::cuda_check(cudaSetDevice(impl_->device), "ipc: selecting the ring's CUDA device");
    gpu::cuda_check(cudaEventRecord(impl_->ready[static_cast<size_t>(slot)], cudaStreamLegacy),
                    "ipc: marking a frame ready");
}

void DeviceRing::wait_ready(int slot) const {
    gpu::cuda_check(cudaEventSynchronize(impl_->ready[static_cast<size_t>(slot)]), "ipc: waiting for the publisher's frame");
}

void DeviceRing::mark_released(int slot) noexcept {
    // Runs where a frame's last copy dies (any thread, destructors): report, never throw.
    cudaError_t r = cudaSetDevice(impl_->device);
    if (r == cudaSuccess) r = cudaEventRecord(impl_->released[static_cast<size_t>(slot)], cudaStreamLegacy);
    if (r != cudaSuccess)
        log(LogLevel::Warn, std::string("ipc: marking a device frame released failed: ") + cudaGetErrorName(r));
}

void DeviceRing::wait_released(int slot) const {
    gpu::cuda_check(cudaEventSynchronize(impl_->released[static_cast<size_t>(slot)]),
                    "ipc: waiting for the subscriber to finish with a frame");
}

uint8_t* DeviceRing::data() const noexcept { return reinterpret_cast<uint8_t*>(impl_->address); }
int DeviceRing::fd() const noexcept { return impl_->fd; }
const DeviceRingWire& DeviceRing::wire() const noexcept { return impl_->wire; }

#else  // without CUDA

struct DeviceRing::Impl {
    DeviceRingWire wire;
};

DeviceRing DeviceRing::create(size_t, int) {
    throw Error(ErrorCode::Unavailable,
                "ipc: frames in CUDA device memory need a build of nvcast with CUDA (this one was built without nvcc)");
}

DeviceRing DeviceRing::import(int fd, const DeviceRingWire&, int) {
    ::close(fd);
    throw Error(ErrorCode::Unavailable, "ipc: the publisher shares frames in CUDA device memory, and this build of "
                                        "nvcast has no CUDA (built without nvcc); publish host frames instead");
}

void DeviceRing::renew_released_events() {}
void DeviceRing::mark_ready(int) {}
void DeviceRing::wait_ready(int) const {}
void DeviceRing::mark_released(int) noexcept {}
void DeviceRing::wait_released(int) const {}
uint8_t* DeviceRing::data() const noexcept { return nullptr; }
int DeviceRing::fd() const noexcept { return -1; }
const DeviceRingWire& DeviceRing::wire() const noexcept { return impl_->wire; }

#endif

DeviceRing::DeviceRing() = default;
DeviceRing::~DeviceRing() = default;
DeviceRing::DeviceRing(DeviceRing&&) noexcept = default;
DeviceRing& DeviceRing::operator=(DeviceRing&&) noexcept = default;

}  // namespace nvcast::ipc

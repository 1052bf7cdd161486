// libcuda.so.1 stand-in: the CUDA driver calls NVENC clients load. Device memory is
// host memory (so an NVENC emulator can read it), contexts are bookkeeping objects,
// and every call checks its arguments the way the driver does. Calls no NVENC client
// needs are stubs returning CUDA_ERROR_NOT_SUPPORTED (see cuda_stubs.cc).
#include "cuda/cuda_emu.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <pthread.h>

#include <ffnvcodec/dynlink_cuda.h>

#include "common/faults.h"

#define EXPORT extern "C" __attribute__((visibility("default")))

namespace {

// The driver's numeric codes (dynlink_cuda.h only names a few).
enum : int {
    kSuccess = 0,
    kInvalidValue = 1,
    kOutOfMemory = 2,
    kNotInitialized = 3,
    kNoDevice = 100,
    kInvalidDevice = 101,
    kInvalidContext = 201,
    kInvalidHandle = 400,
    kNotSupported = 801,
};

CUresult status(int code) { return static_cast<CUresult>(code); }

constexpr uint32_t kContextMagic = 0x43545845;  // "EXTC"

}  // namespace

struct CUctx_st {
    uint32_t magic = kContextMagic;
    int device = 0;
    bool primary = false;
    int primary_refs = 0;
};
struct CUstream_st { int unused = 0; };
struct CUevent_st { int unused = 0; };

namespace {

std::mutex g_mutex;
std::atomic<bool> g_initialized{false};
std::set<CUcontext> g_contexts;
// Primary contexts live as long as the process (a thread may still have one pushed); the map is
// never destroyed so they stay reachable at exit (LeakSanitizer).
std::map<int, CUcontext>& g_primary = *new std::map<int, CUcontext>;
std::map<uint64_t, uint64_t> g_allocations;  // base -> bytes

// Each thread's context stack. Thread-specific data rather than thread_local: a thread_local in a
// dlopen'ed library lives in dynamic TLS, which GCC 12's LeakSanitizer crashes on (glibc 2.36)
// when it scans threads at exit. The key's destructor frees a stack when its thread ends.
using ContextStack = std::vector<CUcontext>;
pthread_key_t context_stack_key() {
    static const pthread_key_t key = [] {
        pthread_key_t k;
        pthread_key_create(&k, [](void* stack) { delete static_cast<ContextStack*>(stack); });
        return k;
    }();
    return key;
}
ContextStack& this_thread_stack() {
    auto* stack = static_cast<ContextStack*>(pthread_getspecific(context_stack_key()));
    if (!stack) {
        stack = new ContextStack;
        pthread_setspecific(context_stack_key(), stack);
    }
    return *stack;
}

int device_count() {
    const char* env = std::getenv("NVCAST_EMU_DEVICES");
    const int n = env ? std::atoi(env) : 1;
    return std::clamp(n, 0, 16);
}

bool live_context(CUcontext ctx) {
    std::lock_guard lock(g_mutex);
    return ctx && g_contexts.count(ctx) && ctx->magic == kContextMagic;
}

int check_device(CUdevice dev) {
    if (!g_initialized) return kNotInitialized;
    if (dev < 0 || dev >= device_count()) return kInvalidDevice;
    return kSuccess;
}

bool device_range(uint64_t ptr, uint64_t bytes) {
    std::lock_guard lock(g_mutex);
    auto it = g_allocations.upper_bound(ptr);
    if (it == g_allocations.begin()) return false;
    --it;
    return ptr >= it->first && ptr + bytes <= it->first + it->second;
}

int allocate(CUdeviceptr* dptr, size_t bytes) {
    if (!g_initialized) return kNotInitialized;
    if (!dptr || bytes == 0) return kInvalidValue;
    if (this_thread_stack().empty()) return kInvalidContext;
    const size_t rounded = (bytes + 255) / 256 * 256;
    void* p = std::aligned_alloc(256, rounded);
    if (!p) return kOutOfMemory;
    std::lock_guard lock(g_mutex);
    *dptr = reinterpret_cast<uint64_t>(p);
    g_allocations[*dptr] = bytes;
    return kSuccess;
}

// Resolves one side of a copy to a host address; checks device ranges.
int resolve(CUmemorytype type, const void* host, CUdeviceptr device, size_t offset, size_t span, const void** out) {
    switch (static_cast<int>(type)) {
        case 1:  // CU_MEMORYTYPE_HOST
            if (!host) return kInvalidValue;
            *out = static_cast<const uint8_t*>(host) + offset;
            return kSuccess;
        case 2:  // CU_MEMORYTYPE_DEVICE
        case 4:  // CU_MEMORYTYPE_UNIFIED
            if (!device_range(device + offset, span)) return kInvalidValue;
            *out = reinterpret_cast<const void*>(device + offset);
            return kSuccess;
        default: return kNotSupported;  // CUDA arrays are not emulated
    }
}

}  // namespace

EXPORT int nvcast_emu_cuda_context_device(const void* ctx) {
    CUcontext c = const_cast<CUcontext>(static_cast<const CUctx_st*>(ctx));
    return live_context(c) ? c->device : -1;
}

EXPORT int nvcast_emu_cuda_is_device_range(uint64_t ptr, uint64_t bytes) { return device_range(ptr, bytes) ? 1 : 0; }

EXPORT CUresult cuInit(unsigned int flags) {
    if (flags != 0) return status(kInvalidValue);
    if (device_count() == 0) return status(kNoDevice);
    g_initialized = true;
    return status(kSuccess);
}

EXPORT CUresult cuDriverGetVersion(int* version) {
    if (!version) return status(kInvalidValue);
    *version = 12040;
    return status(kSuccess);
}

EXPORT CUresult cuDeviceGetCount(int* count) {
    if (!g_initialized) return status(kNotInitialized);
    if (!count) return status(kInvalidValue);
    *count = device_count();
    return status(kSuccess);
}

EXPORT CUresult cuDeviceGet(CUdevice* device, int ordinal) {
    if (!g_initialized) return status(kNotInitialized);
    if (!device) return status(kInvalidValue);
    if (ordinal < 0 || ordinal >= device_count()) return status(kInvalidDevice);
    *device = ordinal;
    return status(kSuccess);
}

EXPORT CUresult cuDeviceGetName(char* name, int len, CUdevice dev) {
    if (int e = check_device(dev)) return status(e);
    if (!name || len <= 0) return status(kInvalidValue);
    const std::string n = nvcast::emu::gpu_name(dev);
    std::snprintf(name, static_cast<size_t>(len), "%s", n.c_str());
    return status(kSuccess);
}

EXPORT CUresult cuDeviceComputeCapability(int* major, int* minor, CUdevice dev) {
    if (int e = check_device(dev)) return status(e);
    if (!major || !minor) return status(kInvalidValue);
    *major = 9;
    *minor = 0;
    return status(kSuccess);
}

EXPORT CUresult cuDeviceGetAttribute(int* value, CUdevice_attribute attribute, CUdevice dev) {
    if (int e = check_device(dev)) return status(e);
    if (!value) return status(kInvalidValue);
    switch (static_cast<int>(attribute)) {
        case 75: *value = 9; break;   // compute capability major
        case 76: *value = 0; break;   // compute capability minor
        case 16: *value = 132; break; // multiprocessor count
        case 33: *value = 1; break;   // integrated: no
        default: *value = 0; break;
    }
    return status(kSuccess);
}

EXPORT CUresult cuDeviceTotalMem_v2(size_t* bytes, CUdevice dev) {
    if (int e = check_device(dev)) return status(e);
    if (!bytes) return status(kInvalidValue);
    *bytes = size_t{80} << 30;
    return status(kSuccess);
}

EXPORT CUresult cuDeviceGetUuid(CUuuid* uuid, CUdevice dev) {
    if (int e = check_device(dev)) return status(e);
    if (!uuid) return status(kInvalidValue);
    std::memset(uuid, 0, sizeof *uuid);
    uuid->bytes[0] = static_cast<char>(dev + 1);
    return status(kSuccess);
}

EXPORT CUresult cuCtxCreate_v2(CUcontext* pctx, unsigned int /*flags*/, CUdevice dev) {
    if (int e = check_device(dev)) return status(e);
    if (!pctx) return status(kInvalidValue);
    auto* ctx = new CUctx_st;
    ctx->device = dev;
    {
        std::lock_guard lock(g_mutex);
        g_contexts.insert(ctx);
    }
    this_thread_stack().push_back(ctx);
    *pctx = ctx;
    return status(kSuccess);
}

EXPORT CUresult cuCtxDestroy_v2(CUcontext ctx) {
    if (!g_initialized) return status(kNotInitialized);
    {
        std::lock_guard lock(g_mutex);
        if (!ctx || !g_contexts.count(ctx) || ctx->primary) return status(kInvalidContext);
        g_contexts.erase(ctx);
    }
    auto& stack = this_thread_stack();
    stack.erase(std::remove(stack.begin(), stack.end(), ctx), stack.end());
    delete ctx;
    return status(kSuccess);
}

EXPORT CUresult cuCtxPushCurrent_v2(CUcontext ctx) {
    if (!g_initialized) return status(kNotInitialized);
    if (!live_context(ctx)) return status(kInvalidContext);
    this_thread_stack().push_back(ctx);
    return status(kSuccess);
}

EXPORT CUresult cuCtxPopCurrent_v2(CUcontext* pctx) {
    if (!g_initialized) return status(kNotInitialized);
    auto& stack = this_thread_stack();
    if (stack.empty()) return status(kInvalidContext);
    if (pctx) *pctx = stack.back();
    stack.pop_back();
    return status(kSuccess);
}

EXPORT CUresult cuCtxGetCurrent(CUcontext* pctx) {
    if (!g_initialized) return status(kNotInitialized);
    if (!pctx) return status(kInvalidValue);
    const auto& stack = this_thread_stack();
    *pctx = stack.empty() ? nullptr : stack.back();
    return status(kSuccess);
}

EXPORT CUresult cuCtxGetDevice(CUdevice* device) {
    if (!g_initialized) return status(kNotInitialized);
    if (!device) return status(kInvalidValue);
    const auto& stack = this_thread_stack();
    if (stack.empty()) return status(kInvalidContext);
    *device = stack.back()->device;
    return status(kSuccess);
}

EXPORT CUresult cuCtxSetLimit(CUlimit, size_t) { return status(this_thread_stack().empty() ? kInvalidContext : kSuccess); }
EXPORT CUresult cuCtxSynchronize() { return status(this_thread_stack().empty() ? kInvalidContext : kSuccess); }

EXPORT CUresult cuDevicePrimaryCtxRetain(CUcontext* pctx, CUdevice dev) {
    if (int e = check_device(dev)) return status(e);
    if (!pctx) return status(kInvalidValue);
    std::lock_guard lock(g_mutex);
    CUcontext& ctx = g_primary[dev];
    if (!ctx) {
        ctx = new CUctx_st;
        ctx->device = dev;
        ctx->primary = true;
        g_contexts.insert(ctx);
    }
    ++ctx->primary_refs;
    *pctx = ctx;
    return status(kSuccess);
}

EXPORT CUresult cuDevicePrimaryCtxRelease(CUdevice dev) {
    if (int e = check_device(dev)) return status(e);
    std::lock_guard lock(g_mutex);
    auto it = g_primary.find(dev);
    if (it == g_primary.end() || it->second->primary_refs == 0) return status(kInvalidContext);
    --it->second->primary_refs;  // kept alive: it may still be on a thread's stack
    return status(kSuccess);
}

EXPORT CUresult cuDevicePrimaryCtxSetFlags(CUdevice dev, unsigned int) { return status(check_device(dev)); }
EXPORT CUresult cuDevicePrimaryCtxReset(CUdevice dev) { return status(check_device(dev)); }
EXPORT CUresult cuDevicePrimaryCtxGetState(CUdevice dev, unsigned int* flags, int* active) {
    if (int e = check_device(dev)) return status(e);
    if (!flags || !active) return status(kInvalidValue);
    std::lock_guard lock(g_mutex);
    auto it = g_primary.find(dev);
    *flags = 0;
    *active = it != g_primary.end() && it->second->primary_refs > 0;
    return status(kSuccess);
}

EXPORT CUresult cuMemAlloc_v2(CUdeviceptr* dptr, size_t bytes) { return status(allocate(dptr, bytes)); }
EXPORT CUresult cuMemAllocManaged(CUdeviceptr* dptr, size_t bytes, unsigned int) { return status(allocate(dptr, bytes)); }

// Page-locked host memory is ordinary host memory here.
EXPORT CUresult cuMemAllocHost_v2(void** ptr, size_t bytes) {
    if (!g_initialized) return status(kNotInitialized);
    if (!ptr || bytes == 0) return status(kInvalidValue);
    *ptr = std::malloc(bytes);
    return status(*ptr ? kSuccess : kOutOfMemory);
}
EXPORT CUresult cuMemFreeHost(void* ptr) {
    std::free(ptr);
    return status(kSuccess);
}

// Emulated GPUs never reach each other's memory.
EXPORT CUresult cuDeviceCanAccessPeer(int* can_access, CUdevice dev, CUdevice peer) {
    if (!can_access) return status(kInvalidValue);
    if (int e = check_device(dev)) return status(e);
    if (int e = check_device(peer)) return status(e);
    *can_access = 0;
    return status(kSuccess);
}

EXPORT CUresult cuMemAllocPitch_v2(CUdeviceptr* dptr, size_t* pitch, size_t width_bytes, size_t height,
                                   unsigned int element_bytes) {
    if (!pitch || width_bytes == 0 || height == 0) return status(kInvalidValue);
    if (element_bytes != 4 && element_bytes != 8 && element_bytes != 16) return status(kInvalidValue);
    const size_t p = (width_bytes + 511) / 512 * 512;
    const int e = allocate(dptr, p * height);
    if (e == kSuccess) *pitch = p;
    return status(e);
}

EXPORT CUresult cuMemFree_v2(CUdeviceptr dptr) {
    if (!g_initialized) return status(kNotInitialized);
    if (dptr == 0) return status(kSuccess);
    {
        std::lock_guard lock(g_mutex);
        if (!g_allocations.erase(dptr)) return status(kInvalidValue);
    }
    std::free(reinterpret_cast<void*>(dptr));
    return status(kSuccess);
}

EXPORT CUresult cuMemGetAddressRange_v2(CUdeviceptr* base, size_t* size, CUdeviceptr ptr) {
    std::lock_guard lock(g_mutex);
    auto it = g_allocations.upper_bound(ptr);
    if (it == g_allocations.begin()) return status(kInvalidValue);
    --it;
    if (ptr >= it->first + it->second) return status(kInvalidValue);
    if (base) *base = it->first;
    if (size) *size = it->second;
    return status(kSuccess);
}

EXPORT CUresult cuMemcpy2D_v2(const CUDA_MEMCPY2D* c) {
    if (!g_initialized) return status(kNotInitialized);
    if (!c) return status(kInvalidValue);
    if (c->Height == 0 || c->WidthInBytes == 0) return status(kSuccess);
    if (c->srcPitch < c->WidthInBytes && c->Height > 1) return status(kInvalidValue);
    if (c->dstPitch < c->WidthInBytes && c->Height > 1) return status(kInvalidValue);
    const size_t src_off = c->srcY * c->srcPitch + c->srcXInBytes;
    const size_t dst_off = c->dstY * c->dstPitch + c->dstXInBytes;
    const size_t src_span = (c->Height - 1) * c->srcPitch + c->WidthInBytes;
    const size_t dst_span = (c->Height - 1) * c->dstPitch + c->WidthInBytes;
    const void* src = nullptr;
    const void* dst = nullptr;
    if (int e = resolve(c->srcMemoryType, c->srcHost, c->srcDevice, src_off, src_span, &src)) return status(e);
    if (int e = resolve(c->dstMemoryType, c->dstHost, c->dstDevice, dst_off, dst_span, &dst)) return status(e);
    for (size_t y = 0; y < c->Height; ++y)
        std::memmove(const_cast<uint8_t*>(static_cast<const uint8_t*>(dst)) + y * c->dstPitch,
                     static_cast<const uint8_t*>(src) + y * c->srcPitch, c->WidthInBytes);
    return status(kSuccess);
}

EXPORT CUresult cuMemcpy2DAsync_v2(const CUDA_MEMCPY2D* c, CUstream) { return cuMemcpy2D_v2(c); }

namespace {
CUresult linear_copy(void* dst, const void* src, size_t bytes, bool dst_device, bool src_device) {
    if (!g_initialized) return status(kNotInitialized);
    if (!dst || !src) return status(kInvalidValue);
    if (dst_device && !device_range(reinterpret_cast<uint64_t>(dst), bytes)) return status(kInvalidValue);
    if (src_device && !device_range(reinterpret_cast<uint64_t>(src), bytes)) return status(kInvalidValue);
    std::memmove(dst, src, bytes);
    return status(kSuccess);
}
void* dev(CUdeviceptr p) { return reinterpret_cast<void*>(p); }
}  // namespace

EXPORT CUresult cuMemcpy(CUdeviceptr dst, CUdeviceptr src, size_t n) { return linear_copy(dev(dst), dev(src), n, true, true); }
EXPORT CUresult cuMemcpyAsync(CUdeviceptr dst, CUdeviceptr src, size_t n, CUstream) { return cuMemcpy(dst, src, n); }
EXPORT CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void* src, size_t n) { return linear_copy(dev(dst), src, n, true, false); }
EXPORT CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void* src, size_t n, CUstream) { return cuMemcpyHtoD_v2(dst, src, n); }
EXPORT CUresult cuMemcpyDtoH_v2(void* dst, CUdeviceptr src, size_t n) { return linear_copy(dst, dev(src), n, false, true); }
EXPORT CUresult cuMemcpyDtoHAsync_v2(void* dst, CUdeviceptr src, size_t n, CUstream) { return cuMemcpyDtoH_v2(dst, src, n); }
EXPORT CUresult cuMemcpyDtoD_v2(CUdeviceptr dst, CUdeviceptr src, size_t n) { return linear_copy(dev(dst), dev(src), n, true, true); }
EXPORT CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr dst, CUdeviceptr src, size_t n, CUstream) { return cuMemcpyDtoD_v2(dst, src, n); }

EXPORT CUresult cuMemsetD8Async(CUdeviceptr dst, unsigned char value, size_t n, CUstream) {
    if (!device_range(dst, n)) return status(kInvalidValue);
    std::memset(dev(dst), value, n);
    return status(kSuccess);
}
EXPORT CUresult cuMemsetD8_v2(CUdeviceptr dst, unsigned char value, size_t n) { return cuMemsetD8Async(dst, value, n, nullptr); }

EXPORT CUresult cuStreamCreate(CUstream* stream, unsigned int) {
    if (!stream) return status(kInvalidValue);
    if (this_thread_stack().empty()) return status(kInvalidContext);
    *stream = new CUstream_st;
    return status(kSuccess);
}
EXPORT CUresult cuStreamDestroy_v2(CUstream stream) {
    if (!stream) return status(kInvalidHandle);
    delete stream;
    return status(kSuccess);
}
EXPORT CUresult cuStreamDestroy(CUstream stream) { return cuStreamDestroy_v2(stream); }  // pre-_v2 name GStreamer loads
EXPORT CUresult cuStreamQuery(CUstream) { return status(kSuccess); }
EXPORT CUresult cuStreamSynchronize(CUstream) { return status(kSuccess); }
EXPORT CUresult cuEventCreate(CUevent* event, unsigned int) {
    if (!event) return status(kInvalidValue);
    *event = new CUevent_st;
    return status(kSuccess);
}
EXPORT CUresult cuEventDestroy_v2(CUevent event) {
    if (!event) return status(kInvalidHandle);
    delete event;
    return status(kSuccess);
}
EXPORT CUresult cuEventRecord(CUevent event, CUstream) { return status(event ? kSuccess : kInvalidHandle); }
EXPORT CUresult cuEventQuery(CUevent event) { return status(event ? kSuccess : kInvalidHandle); }
EXPORT CUresult cuEventSynchronize(CUevent event) { return status(event ? kSuccess : kInvalidHandle); }

namespace {
struct ErrorText { int code; const char* name; const char* text; };
constexpr ErrorText kErrors[] = {
    {kSuccess, "CUDA_SUCCESS", "no error"},
    {kInvalidValue, "CUDA_ERROR_INVALID_VALUE", "invalid argument"},
    {kOutOfMemory, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory"},
    {kNotInitialized, "CUDA_ERROR_NOT_INITIALIZED", "initialization error"},
    {kNoDevice, "CUDA_ERROR_NO_DEVICE", "no CUDA-capable device is detected"},
    {kInvalidDevice, "CUDA_ERROR_INVALID_DEVICE", "invalid device ordinal"},
    {kInvalidContext, "CUDA_ERROR_INVALID_CONTEXT", "invalid device context"},
    {kInvalidHandle, "CUDA_ERROR_INVALID_HANDLE", "invalid resource handle"},
    {kNotSupported, "CUDA_ERROR_NOT_SUPPORTED", "operation not supported (nvcast CUDA emulator)"},
    {205, "CUDA_ERROR_MAP_FAILED", "mapping of buffer object failed"},  // the NVDEC emulator's map fault
    {999, "CUDA_ERROR_UNKNOWN", "unknown error"},
};
}  // namespace

EXPORT CUresult cuGetErrorName(CUresult error, const char** name) {
    if (!name) return status(kInvalidValue);
    for (const auto& e : kErrors)
        if (e.code == static_cast<int>(error)) {
            *name = e.name;
            return status(kSuccess);
        }
    *name = nullptr;
    return status(kInvalidValue);
}

EXPORT CUresult cuGetErrorString(CUresult error, const char** text) {
    if (!text) return status(kInvalidValue);
    for (const auto& e : kErrors)
        if (e.code == static_cast<int>(error)) {
            *text = e.text;
            return status(kSuccess);
        }
    *text = nullptr;
    return status(kInvalidValue);
}

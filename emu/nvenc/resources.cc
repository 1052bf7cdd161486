// Buffers a session owns: host input buffers, bitstream buffers, registered CUDA
// device memory and its mappings. Every handle is checked for ownership.
#include <algorithm>
#include <cstring>

#include "common/faults.h"
#include "cuda/cuda_emu.h"
#include "nvenc/emu.h"

namespace nvcast::emu {

InputBuffer* Session::find_input(void* p) {
    for (auto& b : inputs_)
        if (b.get() == p) return b.get();
    return nullptr;
}
BitstreamBuffer* Session::find_bitstream(void* p) {
    for (auto& b : bitstreams_)
        if (b.get() == p) return b.get();
    return nullptr;
}
RegisteredResource* Session::find_registered(void* p) {
    for (auto& r : registered_)
        if (r.get() == p) return r.get();
    return nullptr;
}
MappedResource* Session::find_mapped(void* p) {
    for (auto& m : mapped_)
        if (m.get() == p) return m.get();
    return nullptr;
}

NVENCSTATUS Session::create_input(NV_ENC_CREATE_INPUT_BUFFER* p) {
    if (!p) return fail(NV_ENC_ERR_INVALID_PTR, "NvEncCreateInputBuffer: params is NULL");
    if (!struct_version_ok(p->version, api_, 1, false))
        return fail(NV_ENC_ERR_INVALID_VERSION, "NV_ENC_CREATE_INPUT_BUFFER.version does not match the session's API");
    if (!initialized_) return fail(NV_ENC_ERR_ENCODER_NOT_INITIALIZED, "encoder not initialized");
    if (lost_) return fail(NV_ENC_ERR_DEVICE_NOT_EXIST, "the device was lost");
    const BufferLayout layout = layout_of(p->bufferFmt);
    if (!layout.supported) return fail(NV_ENC_ERR_INVALID_PARAM, "bufferFmt is not an input format of this GPU");
    if (p->width == 0 || p->height == 0 || p->width > 8192 || p->height > 8192)
        return fail(NV_ENC_ERR_INVALID_PARAM, "input buffer size out of range");
    const Faults faults = current_faults();
    if (faults.oom_at_buffer >= 0 && static_cast<int>(inputs_.size()) == faults.oom_at_buffer)
        return fail(NV_ENC_ERR_OUT_OF_MEMORY, "out of video memory (emulated fault oom_at_buffer)");
    auto b = std::make_unique<InputBuffer>();
    b->owner = this;
    b->width = p->width;
    b->height = p->height;
    b->format = p->bufferFmt;
    const uint32_t row = p->width * static_cast<uint32_t>(layout.bytes_per_sample);
    b->pitch = (row + 255) / 256 * 256;
    const size_t bytes = layout.frame_bytes(b->pitch, p->height);
    b->storage.reset(new (std::nothrow) uint8_t[bytes]);
    if (!b->storage) return fail(NV_ENC_ERR_OUT_OF_MEMORY, "out of memory for an input buffer");
    std::memset(b->storage.get(), 0, bytes);
    p->inputBuffer = b.get();
    inputs_.push_back(std::move(b));
    return NV_ENC_SUCCESS;
}

NVENCSTATUS Session::destroy_input(void* buffer) {
    for (auto it = inputs_.begin(); it != inputs_.end(); ++it)
        if (it->get() == buffer) {
            inputs_.erase(it);
            return NV_ENC_SUCCESS;
        }
    return fail(NV_ENC_ERR_INVALID_PARAM, "not an input buffer of this session");
}

NVENCSTATUS Session::lock_input(NV_ENC_LOCK_INPUT_BUFFER* p) {
    if (!p) return fail(NV_ENC_ERR_INVALID_PTR, "NvEncLockInputBuffer: params is NULL");
    if (!struct_version_ok(p->version, api_, 1, false))
        return fail(NV_ENC_ERR_INVALID_VERSION, "NV_ENC_LOCK_INPUT_BUFFER.version does not match the session's API");
    if (lost_) return fail(NV_ENC_ERR_DEVICE_NOT_EXIST, "the device was lost");
    InputBuffer* b = find_input(p->inputBuffer);
    if (!b) return fail(NV_ENC_ERR_INVALID_PARAM, "not an input buffer of this session");
    if (b->locked) return p->doNotWait ? NV_ENC_ERR_LOCK_BUSY : fail(NV_ENC_ERR_INVALID_CALL, "input buffer already locked");
    b->locked = true;
    p->bufferDataPtr = b->storage.get();
    p->pitch = b->pitch;
    return NV_ENC_SUCCESS;
}

NVENCSTATUS Session::unlock_input(void* buffer) {
    InputBuffer* b = find_input(buffer);
    if (!b) return fail(NV_ENC_ERR_INVALID_PARAM, "not an input buffer of this session");
    if (!b->locked) return fail(NV_ENC_ERR_INVALID_CALL, "input buffer is not locked");
    b->locked = false;
    return NV_ENC_SUCCESS;
}

NVENCSTATUS Session::create_bitstream(NV_ENC_CREATE_BITSTREAM_BUFFER* p) {
    if (!p) return fail(NV_ENC_ERR_INVALID_PTR, "NvEncCreateBitstreamBuffer: params is NULL");
    if (!struct_version_ok(p->version, api_, 1, false))
        return fail(NV_ENC_ERR_INVALID_VERSION, "NV_ENC_CREATE_BITSTREAM_BUFFER.version does not match the session's API");
    if (!initialized_) return fail(NV_ENC_ERR_ENCODER_NOT_INITIALIZED, "encoder not initialized");
    if (lost_) return fail(NV_ENC_ERR_DEVICE_NOT_EXIST, "the device was lost");
    auto b = std::make_unique<BitstreamBuffer>();
    b->owner = this;
    // The size field is deprecated; the driver sizes the buffer for the worst case.
    const size_t frame = static_cast<size_t>(init_.encodeWidth) * init_.encodeHeight;
    b->capacity = static_cast<uint32_t>(std::max<size_t>(frame * 4 + (1u << 20), p->size));
    p->bitstreamBuffer = b.get();
    p->bitstreamBufferPtr = nullptr;
    bitstreams_.push_back(std::move(b));
    return NV_ENC_SUCCESS;
}

NVENCSTATUS Session::destroy_bitstream(void* buffer) {
    for (auto it = bitstreams_.begin(); it != bitstreams_.end(); ++it)
        if (it->get() == buffer) {
            for (auto p = pending_.begin(); p != pending_.end(); ++p)
                if (*p == it->get()) {
                    pending_.erase(p);
                    break;
                }
            bitstreams_.erase(it);
            return NV_ENC_SUCCESS;
        }
    return fail(NV_ENC_ERR_INVALID_PARAM, "not a bitstream buffer of this session");
}

NVENCSTATUS Session::register_resource(NV_ENC_REGISTER_RESOURCE* p) {
    if (!p) return fail(NV_ENC_ERR_INVALID_PTR, "NvEncRegisterResource: params is NULL");
    if (!struct_version_ok(p->version, api_, api_.revisions().register_resource, false))
        return fail(NV_ENC_ERR_INVALID_VERSION, "NV_ENC_REGISTER_RESOURCE.version does not match the session's API");
    if (lost_) return fail(NV_ENC_ERR_DEVICE_NOT_EXIST, "the device was lost");
    if (!p->resourceToRegister) return fail(NV_ENC_ERR_INVALID_PTR, "resourceToRegister is NULL");
    if (p->resourceType != NV_ENC_INPUT_RESOURCE_TYPE_CUDADEVICEPTR)
        return fail(NV_ENC_ERR_UNIMPLEMENTED, "only CUDA device pointers can be registered with the emulator");
    if (p->bufferUsage != NV_ENC_INPUT_IMAGE)
        return fail(NV_ENC_ERR_UNSUPPORTED_PARAM, "only NV_ENC_INPUT_IMAGE registrations are emulated");
    const BufferLayout layout = layout_of(p->bufferFormat);
    if (!layout.supported) return fail(NV_ENC_ERR_INVALID_PARAM, "bufferFormat is not an input format of this GPU");
    if (p->width == 0 || p->height == 0) return fail(NV_ENC_ERR_INVALID_PARAM, "width and height must be > 0");
    if (p->pitch < p->width * static_cast<uint32_t>(layout.bytes_per_sample))
        return fail(NV_ENC_ERR_INVALID_PARAM, "pitch is smaller than a row of pixels");
    const uint64_t ptr = reinterpret_cast<uint64_t>(p->resourceToRegister);
    if (!nvcast_emu_cuda_is_device_range(ptr, layout.frame_bytes(p->pitch, p->height)))
        return fail(NV_ENC_ERR_RESOURCE_REGISTER_FAILED,
                    "resourceToRegister is not a CUDA allocation large enough for a " + std::to_string(p->width) + "x" +
                        std::to_string(p->height) + " frame with pitch " + std::to_string(p->pitch));
    auto r = std::make_unique<RegisteredResource>();
    r->owner = this;
    r->device_ptr = ptr;
    r->width = p->width;
    r->height = p->height;
    r->pitch = p->pitch;
    r->format = p->bufferFormat;
    p->registeredResource = r.get();
    registered_.push_back(std::move(r));
    return NV_ENC_SUCCESS;
}

NVENCSTATUS Session::unregister_resource(void* resource) {
    for (auto it = registered_.begin(); it != registered_.end(); ++it)
        if (it->get() == resource) {
            if ((*it)->mapped) return fail(NV_ENC_ERR_INVALID_CALL, "resource is still mapped; unmap it first");
            registered_.erase(it);
            return NV_ENC_SUCCESS;
        }
    return fail(NV_ENC_ERR_RESOURCE_NOT_REGISTERED, "resource is not registered with this session");
}

NVENCSTATUS Session::map_resource(NV_ENC_MAP_INPUT_RESOURCE* p) {
    if (!p) return fail(NV_ENC_ERR_INVALID_PTR, "NvEncMapInputResource: params is NULL");
    if (!struct_version_ok(p->version, api_, 4, false))
        return fail(NV_ENC_ERR_INVALID_VERSION, "NV_ENC_MAP_INPUT_RESOURCE.version does not match the session's API");
    if (lost_) return fail(NV_ENC_ERR_DEVICE_NOT_EXIST, "the device was lost");
    RegisteredResource* r = find_registered(p->registeredResource);
    if (!r) return fail(NV_ENC_ERR_RESOURCE_NOT_REGISTERED, "registeredResource is not registered with this session");
    if (r->mapped) return fail(NV_ENC_ERR_MAP_FAILED, "resource is already mapped");
    auto m = std::make_unique<MappedResource>();
    m->resource = r;
    r->mapped = true;
    p->mappedResource = m.get();
    p->mappedBufferFmt = r->format;
    mapped_.push_back(std::move(m));
    return NV_ENC_SUCCESS;
}

NVENCSTATUS Session::unmap_resource(void* mapped) {
    for (auto it = mapped_.begin(); it != mapped_.end(); ++it)
        if (it->get() == mapped) {
            (*it)->resource->mapped = false;
            mapped_.erase(it);
            return NV_ENC_SUCCESS;
        }
    return fail(NV_ENC_ERR_RESOURCE_NOT_MAPPED, "not a mapped resource of this session");
}

}  // namespace nvcast::emu

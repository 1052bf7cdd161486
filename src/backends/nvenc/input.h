// Getting a frame into NVENC: host frames are copied into an NVENC input buffer
// (converting the layout where nvcast's and NVENC's differ); CUDA device frames are
// registered once (cached) and mapped per frame — no copy.
#pragma once

#include <cstdint>
#include <list>

#include "backends/nvenc/session_handle.h"
#include "nvcast/frame.h"

namespace nvcast::nvenc {

// The NVENC buffer format a host frame of `format` is uploaded as; throws Unsupported for the rest.
NV_ENC_BUFFER_FORMAT buffer_format_for(PixelFormat format);
// The NVENC buffer format a device frame of `format` is registered as (no conversion possible).
NV_ENC_BUFFER_FORMAT device_format_for(PixelFormat format);

// Copies `frame` into a locked input buffer (`base`, `pitch`) in NVENC's layout.
void upload_host_frame(const Frame& frame, uint8_t* base, uint32_t pitch);

// Throws Unsupported unless the device frame is one allocation with NVENC's plane layout.
void check_device_layout(const Frame& frame);

// Registered CUDA surfaces of one session, keyed by address and layout.
class ResourceCache {
public:
    explicit ResourceCache(const SessionHandle& session, size_t capacity = 16) : session_(session), capacity_(capacity) {}
    ~ResourceCache();
    ResourceCache(const ResourceCache&) = delete;
    ResourceCache& operator=(const ResourceCache&) = delete;

    // Registers (or reuses) and maps the frame's surface; returns the mapped input handle.
    NV_ENC_INPUT_PTR map(const Frame& frame);
    void unmap(NV_ENC_INPUT_PTR mapped);
    size_t registrations() const { return registrations_; }  // total nvEncRegisterResource calls
    size_t size() const { return entries_.size(); }

private:
    struct Entry {
        uint64_t ptr = 0;
        uint32_t pitch = 0, width = 0, height = 0;
        NV_ENC_BUFFER_FORMAT format = NV_ENC_BUFFER_FORMAT_UNDEFINED;
        NV_ENC_REGISTERED_PTR registered = nullptr;
        NV_ENC_INPUT_PTR mapped = nullptr;
    };
    const SessionHandle& session_;
    size_t capacity_;
    size_t registrations_ = 0;
    std::list<Entry> entries_;  // most recently used first
};

}  // namespace nvcast::nvenc

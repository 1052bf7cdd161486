// One open NVENC session handle on a device: the function table for the negotiated
// API, the encoder pointer, and error reporting that names the GPU.
#pragma once

#include <memory>
#include <string>

#include "backends/nvenc/api_version.h"
#include "backends/nvenc/device.h"
#include "backends/nvenc/status.h"

namespace nvcast::nvenc {

class SessionHandle {
public:
    // Opens a session (nvEncOpenEncodeSessionEx); throws the mapped Error on failure.
    SessionHandle(std::shared_ptr<DeviceContext> device, ApiVersion api);
    ~SessionHandle();
    SessionHandle(const SessionHandle&) = delete;
    SessionHandle& operator=(const SessionHandle&) = delete;

    const NV_ENCODE_API_FUNCTION_LIST& fn() const { return fn_; }
    void* encoder() const { return encoder_; }
    ApiVersion api() const { return api_; }
    DeviceContext& device() const { return *device_; }
    const std::shared_ptr<DeviceContext>& device_ptr() const { return device_; }

    FailureContext failure(bool at_open = false) const;
    // Throws the mapped Error unless `status` is NV_ENC_SUCCESS.
    void check(NVENCSTATUS status, const char* call) const;

    // nvEncEncodePicture with `pic` in the revision this session's API uses (4 before
    // API 12.0, 6 from it); sets pic.version. Returns the driver's status unchecked.
    NVENCSTATUS encode_picture(NV_ENC_PIC_PARAMS& pic) const;

private:
    std::shared_ptr<DeviceContext> device_;
    ApiVersion api_;
    NV_ENCODE_API_FUNCTION_LIST fn_{};
    void* encoder_ = nullptr;
};

// The driver's highest API (NvEncodeAPIGetMaxSupportedVersion).
ApiVersion driver_max_api(const Driver& driver);

}  // namespace nvcast::nvenc

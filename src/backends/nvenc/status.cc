#include "backends/nvenc/status.h"

namespace nvcast::nvenc {

const char* status_name(NVENCSTATUS s) noexcept {
    switch (s) {
        case NV_ENC_SUCCESS: return "NV_ENC_SUCCESS";
        case NV_ENC_ERR_NO_ENCODE_DEVICE: return "NV_ENC_ERR_NO_ENCODE_DEVICE";
        case NV_ENC_ERR_UNSUPPORTED_DEVICE: return "NV_ENC_ERR_UNSUPPORTED_DEVICE";
        case NV_ENC_ERR_INVALID_ENCODERDEVICE: return "NV_ENC_ERR_INVALID_ENCODERDEVICE";
        case NV_ENC_ERR_INVALID_DEVICE: return "NV_ENC_ERR_INVALID_DEVICE";
        case NV_ENC_ERR_DEVICE_NOT_EXIST: return "NV_ENC_ERR_DEVICE_NOT_EXIST";
        case NV_ENC_ERR_INVALID_PTR: return "NV_ENC_ERR_INVALID_PTR";
        case NV_ENC_ERR_INVALID_EVENT: return "NV_ENC_ERR_INVALID_EVENT";
        case NV_ENC_ERR_INVALID_PARAM: return "NV_ENC_ERR_INVALID_PARAM";
        case NV_ENC_ERR_INVALID_CALL: return "NV_ENC_ERR_INVALID_CALL";
        case NV_ENC_ERR_OUT_OF_MEMORY: return "NV_ENC_ERR_OUT_OF_MEMORY";
        case NV_ENC_ERR_ENCODER_NOT_INITIALIZED: return "NV_ENC_ERR_ENCODER_NOT_INITIALIZED";
        case NV_ENC_ERR_UNSUPPORTED_PARAM: return "NV_ENC_ERR_UNSUPPORTED_PARAM";
        case NV_ENC_ERR_LOCK_BUSY: return "NV_ENC_ERR_LOCK_BUSY";
        case NV_ENC_ERR_NOT_ENOUGH_BUFFER: return "NV_ENC_ERR_NOT_ENOUGH_BUFFER";
        case NV_ENC_ERR_INVALID_VERSION: return "NV_ENC_ERR_INVALID_VERSION";
        case NV_ENC_ERR_MAP_FAILED: return "NV_ENC_ERR_MAP_FAILED";
        case NV_ENC_ERR_NEED_MORE_INPUT: return "NV_ENC_ERR_NEED_MORE_INPUT";
        case NV_ENC_ERR_ENCODER_BUSY: return "NV_ENC_ERR_ENCODER_BUSY";
        case NV_ENC_ERR_EVENT_NOT_REGISTERD: return "NV_ENC_ERR_EVENT_NOT_REGISTERD";
        case NV_ENC_ERR_GENERIC: return "NV_ENC_ERR_GENERIC";
        case NV_ENC_ERR_INCOMPATIBLE_CLIENT_KEY: return "NV_ENC_ERR_INCOMPATIBLE_CLIENT_KEY";
        case NV_ENC_ERR_UNIMPLEMENTED: return "NV_ENC_ERR_UNIMPLEMENTED";
        case NV_ENC_ERR_RESOURCE_REGISTER_FAILED: return "NV_ENC_ERR_RESOURCE_REGISTER_FAILED";
        case NV_ENC_ERR_RESOURCE_NOT_REGISTERED: return "NV_ENC_ERR_RESOURCE_NOT_REGISTERED";
        case NV_ENC_ERR_RESOURCE_NOT_MAPPED: return "NV_ENC_ERR_RESOURCE_NOT_MAPPED";
    }
    return "NVENCSTATUS(unknown)";
}

ErrorCode error_code_for(NVENCSTATUS s, const FailureContext& c) noexcept {
    switch (s) {
        case NV_ENC_ERR_NO_ENCODE_DEVICE:
        case NV_ENC_ERR_UNSUPPORTED_DEVICE:
        case NV_ENC_ERR_INVALID_VERSION:
        case NV_ENC_ERR_INCOMPATIBLE_CLIENT_KEY: return ErrorCode::Unavailable;
        case NV_ENC_ERR_DEVICE_NOT_EXIST: return c.at_open ? ErrorCode::Unavailable : ErrorCode::DeviceLost;
        case NV_ENC_ERR_OUT_OF_MEMORY: return ErrorCode::ResourceExhausted;
        case NV_ENC_ERR_INVALID_PARAM: return ErrorCode::InvalidArgument;
        case NV_ENC_ERR_UNSUPPORTED_PARAM:
        case NV_ENC_ERR_UNIMPLEMENTED: return ErrorCode::Unsupported;
        case NV_ENC_ERR_INVALID_CALL:
        case NV_ENC_ERR_ENCODER_NOT_INITIALIZED: return ErrorCode::InvalidState;
        default: return ErrorCode::EncoderFailure;
    }
}

std::string status_message(NVENCSTATUS s, const std::string& call, const FailureContext& c) {
    const std::string gpu = "'" + (c.gpu_name.empty() ? std::string("unknown GPU") : c.gpu_name) + "'" +
                            (c.device >= 0 ? " (CUDA device " + std::to_string(c.device) + ")" : "");
    std::string m;
    switch (s) {
        case NV_ENC_ERR_NO_ENCODE_DEVICE:
        case NV_ENC_ERR_UNSUPPORTED_DEVICE:
            m = "this GPU " + gpu + " has no NVENC engine (data-center GPUs such as A100, H100 and H200 have none); "
                "use a software backend or nvh264 (nvcast's own H.264 encoder; its CUDA port is pending)";
            break;
        case NV_ENC_ERR_INVALID_VERSION:
            m = "the NVIDIA driver does not support the NVENC API version nvcast asked for; update the driver";
            break;
        case NV_ENC_ERR_OUT_OF_MEMORY:
            if (c.at_open && c.sessions_open > 0)
                m = "concurrent NVENC session limit reached on " + gpu + " (" + std::to_string(c.sessions_open) +
                    " nvcast session(s) already open in this process; consumer GPUs allow only a few): close other "
                    "encoders or use another GPU";
            else if (c.at_open)
                m = "out of GPU memory opening an NVENC session on " + gpu +
                    " (or the driver's concurrent-session limit was reached by other processes); free GPU memory or "
                    "close other encoders";
            else
                m = "out of GPU memory on " + gpu + "; lower the resolution or the number of streams";
            break;
        case NV_ENC_ERR_DEVICE_NOT_EXIST:
            m = c.at_open ? "GPU " + gpu + " is not available to NVENC (device removed or driver reset)"
                          : "GPU " + gpu + " was lost mid-stream (device removed, Xid error or driver reset)";
            break;
        case NV_ENC_ERR_INVALID_DEVICE:
        case NV_ENC_ERR_INVALID_ENCODERDEVICE:
            m = "the CUDA context handed to NVENC is not valid for " + gpu;
            break;
        case NV_ENC_ERR_INVALID_PARAM: m = "the driver rejected a parameter"; break;
        case NV_ENC_ERR_UNSUPPORTED_PARAM: m = "this GPU/driver does not support a requested feature"; break;
        case NV_ENC_ERR_INCOMPATIBLE_CLIENT_KEY: m = "the driver rejected the client key"; break;
        case NV_ENC_ERR_ENCODER_BUSY:
        case NV_ENC_ERR_LOCK_BUSY: m = "the encoder is busy; retry"; break;
        case NV_ENC_ERR_NOT_ENOUGH_BUFFER: m = "the output buffer is too small for the encoded picture"; break;
        case NV_ENC_ERR_MAP_FAILED:
        case NV_ENC_ERR_RESOURCE_REGISTER_FAILED:
        case NV_ENC_ERR_RESOURCE_NOT_REGISTERED:
        case NV_ENC_ERR_RESOURCE_NOT_MAPPED:
            m = "NVENC could not use the CUDA input surface (is it device memory of the same GPU, large enough, "
                "with planes laid out contiguously?)";
            break;
        default: m = "NVENC call failed"; break;
    }
    m = "nvenc: " + call + " failed with " + status_name(s) + ": " + m;
    if (!c.driver_detail.empty()) m += " [driver: " + c.driver_detail + "]";
    return m;
}

void throw_status(NVENCSTATUS s, const std::string& call, const FailureContext& c) {
    throw Error(error_code_for(s, c), status_message(s, call, c));
}

}  // namespace nvcast::nvenc

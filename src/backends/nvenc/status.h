// NVENCSTATUS -> an nvcast Error with a message a user can act on.
#pragma once

#include <string>

#include <ffnvcodec/nvEncodeAPI.h>

#include "nvcast/error.h"

namespace nvcast::nvenc {

// What the caller knows when a call fails: it goes into the message.
struct FailureContext {
    std::string gpu_name;        // "NVIDIA H200"
    int device = -1;             // CUDA ordinal
    int sessions_open = 0;       // nvcast sessions open in this process on that device
    std::string driver_detail;   // nvEncGetLastErrorString, if any
    bool at_open = false;        // the failure happened opening the session
};

const char* status_name(NVENCSTATUS status) noexcept;
ErrorCode error_code_for(NVENCSTATUS status, const FailureContext& context) noexcept;
std::string status_message(NVENCSTATUS status, const std::string& call, const FailureContext& context);
[[noreturn]] void throw_status(NVENCSTATUS status, const std::string& call, const FailureContext& context);

}  // namespace nvcast::nvenc

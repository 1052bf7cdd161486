// Capability queries (nvEncGetEncodeCaps) -> nvcast Capabilities, and the check of a
// config against them before a session is initialized: each unsupported feature
// fails with its own message naming the GPU.
#pragma once

#include <optional>
#include <string>

#include "backends/nvenc/session_handle.h"
#include "nvcast/config.h"
#include "nvcast/encoder.h"

namespace nvcast::nvenc {

const GUID& codec_guid(Codec codec);

struct NvencCaps {
    Capabilities caps;
    int max_b_frames = 0;
    bool lookahead = false;
    bool custom_vbv = false;
    bool async = false;
    int engines = 1;
};

// True when the session's GPU lists `codec` among its encode GUIDs.
bool codec_supported(const SessionHandle& session, Codec codec);
NvencCaps query_caps(const SessionHandle& session, Codec codec);
// Throws Error(Unsupported / InvalidArgument) for the first feature the GPU lacks.
void check_config(const EncoderConfig& config, const NvencCaps& caps, const std::string& gpu_name);

}  // namespace nvcast::nvenc

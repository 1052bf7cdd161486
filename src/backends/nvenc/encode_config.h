// nvcast EncoderConfig -> NV_ENC_INITIALIZE_PARAMS + NV_ENC_CONFIG, starting from
// the driver's preset (P1..P7 + tuning, nvEncGetEncodePresetConfigEx).
#pragma once

#include "backends/nvenc/session_handle.h"
#include "nvcast/config.h"

namespace nvcast::nvenc {

const GUID& preset_guid(int preset);
NV_ENC_TUNING_INFO tuning_info(Tuning tuning);

struct SessionParams {
    NV_ENC_INITIALIZE_PARAMS init{};
    NV_ENC_CONFIG config{};  // init.encodeConfig points here after bind()
    NV_ENC_BUFFER_FORMAT host_format = NV_ENC_BUFFER_FORMAT_UNDEFINED;  // what host frames are uploaded as
    void bind() { init.encodeConfig = &config; }
};

// Fills `out` for `config`; the session provides the preset defaults.
void build_session_params(const SessionHandle& session, const EncoderConfig& config, SessionParams& out);
// Writes the rate-control part (also used by live bitrate changes).
void apply_rate_control(const EncoderConfig& config, NV_ENC_RC_PARAMS& rc);

}  // namespace nvcast::nvenc

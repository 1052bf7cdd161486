// NVENC API version negotiation: which API each codec needs, what the driver
// offers (NvEncodeAPIGetMaxSupportedVersion), and struct versions for the API
// actually used. nvcast speaks the lowest API that has what the codec needs, so
// it runs on the widest range of drivers.
#pragma once

#include <cstdint>
#include <string>

#include "backends/nvenc/api12.h"
#include "nvcast/config.h"

namespace nvcast::nvenc {

struct ApiVersion {
    uint32_t major = 0;
    uint32_t minor = 0;
    // As NvEncodeAPIGetMaxSupportedVersion reports it: (major << 4) | minor.
    static ApiVersion from_ordinal(uint32_t v) { return {v >> 4, v & 0xf}; }
    uint32_t ordinal() const { return (major << 4) | minor; }
    // As NV_ENC_OPEN_ENCODE_SESSION_EX_PARAMS::apiVersion wants it (NVENCAPI_VERSION).
    uint32_t packed() const { return major | (minor << 24); }
    // NVENCAPI_STRUCT_VERSION(rev) [| 1u << 31] for this API.
    uint32_t struct_version(uint32_t rev, bool high_bit = false) const {
        return packed() | (rev << 16) | (0x7u << 28) | (high_bit ? (1u << 31) : 0u);
    }
    // Revisions of the structs whose layout changed between the APIs nvcast speaks.
    StructRevisions revisions() const { return struct_revisions(major); }
    std::string text() const { return std::to_string(major) + "." + std::to_string(minor); }
    friend bool operator<(ApiVersion a, ApiVersion b) { return a.ordinal() < b.ordinal(); }
};

// The lowest API with what `codec` needs: 10.0 for H.264/HEVC (P1..P7 presets and
// tuning info), 12.0 for AV1.
ApiVersion required_api(Codec codec);
// The newest API this build can speak for `codec` (11.1 headers; 12.0 declarations for AV1).
ApiVersion newest_api(Codec codec);
// Linux driver release that introduced an API, e.g. "520.56" for 12.0.
std::string minimum_driver_for(ApiVersion api);
// The installed driver version from /proc/driver/nvidia/version ("" when unknown).
std::string installed_driver_version();

// The API a session for `codec` uses with a driver offering `driver_max`;
// throws Error(Unavailable) "driver supports API 11.0, need 12.0 for AV1: driver >= 520.56".
ApiVersion negotiate(Codec codec, ApiVersion driver_max);

}  // namespace nvcast::nvenc

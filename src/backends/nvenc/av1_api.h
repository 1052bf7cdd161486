// AV1 in the NVENC API (12.0+). The API 11.1 headers nvcast builds against
// (Debian's libffmpeg-nvenc-dev) predate AV1, so what the AV1 path needs is declared
// here from NVIDIA's documented API. Untested on hardware: no machine available to
// this project has an AV1-capable NVENC (Ada or newer).
#pragma once

#include <ffnvcodec/nvEncodeAPI.h>

namespace nvcast::nvenc {

// {0A352289-0AA7-4759-862D-5D15CD16D254}
inline constexpr GUID kCodecAv1Guid = {0x0a352289, 0x0aa7, 0x4759, {0x86, 0x2d, 0x5d, 0x15, 0xcd, 0x16, 0xd2, 0x54}};
// {5F2A39F5-F14E-4F95-9A9E-B76D568FCF97}
inline constexpr GUID kAv1ProfileMainGuid = {0x5f2a39f5, 0xf14e, 0x4f95, {0x9a, 0x9e, 0xb7, 0x6d, 0x56, 0x8f, 0xcf, 0x97}};

// The union every codec config lives in keeps its size across API versions (the
// AV1 config was added inside it), which is what lets one NV_ENC_CONFIG layout
// serve H.264, HEVC and AV1.
static_assert(sizeof(NV_ENC_CODEC_CONFIG) == 320 * sizeof(uint32_t) + 64 * sizeof(void*) ||
                  sizeof(NV_ENC_CODEC_CONFIG) >= 320 * sizeof(uint32_t),
              "NV_ENC_CODEC_CONFIG must hold 320 words (AV1 config fits inside)");
static_assert(sizeof(GUID) == 16, "GUID layout");

}  // namespace nvcast::nvenc

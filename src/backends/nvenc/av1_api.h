// AV1 in the NVENC API (12.0+). The API 11.1 headers nvcast builds against
// (Debian's libffmpeg-nvenc-dev) predate AV1, so what the AV1 path needs is declared
// here from NVIDIA's documented API: the codec and profile GUIDs, used to detect AV1
// support (nvEncGetEncodeGUIDs on an API 12.0 session) and report its capabilities.
// Encoding AV1 also needs the API 12 revisions of the session structures (NV_ENC_CONFIG
// with its AV1 block, NV_ENC_PIC_PARAMS, ...), which are not declared yet: creating an
// AV1 session fails with a clear message. Untested on hardware: no machine available to
// this project has an AV1-capable NVENC (Ada or newer).
#pragma once

#include <ffnvcodec/nvEncodeAPI.h>

namespace nvcast::nvenc {

// {0A352289-0AA7-4759-862D-5D15CD16D254}
inline constexpr GUID kCodecAv1Guid = {0x0a352289, 0x0aa7, 0x4759, {0x86, 0x2d, 0x5d, 0x15, 0xcd, 0x16, 0xd2, 0x54}};
// {5F2A39F5-F14E-4F95-9A9E-B76D568FCF97}
inline constexpr GUID kAv1ProfileMainGuid = {0x5f2a39f5, 0xf14e, 0x4f95, {0x9a, 0x9e, 0xb7, 0x6d, 0x56, 0x8f, 0xcf, 0x97}};

// The struct layouts nvcast hands the driver (API 11.1 revisions, LP64). NVIDIA keeps a
// struct's size fixed within a revision (reserved fields absorb additions), so a header
// update that changes one of these is a new revision and must be looked at.
static_assert(sizeof(void*) != 8 || sizeof(NV_ENC_CONFIG) == 3584, "NV_ENC_CONFIG v7 layout");
static_assert(sizeof(void*) != 8 || sizeof(NV_ENC_CODEC_CONFIG) == 1792, "NV_ENC_CODEC_CONFIG layout");
static_assert(sizeof(NV_ENC_RC_PARAMS) == 128, "NV_ENC_RC_PARAMS v1 layout");
static_assert(sizeof(void*) != 8 || sizeof(NV_ENC_INITIALIZE_PARAMS) == 1808, "NV_ENC_INITIALIZE_PARAMS v5 layout");
static_assert(sizeof(void*) != 8 || sizeof(NV_ENC_PIC_PARAMS) == 3344, "NV_ENC_PIC_PARAMS v4 layout");
static_assert(sizeof(void*) != 8 || sizeof(NV_ENC_LOCK_BITSTREAM) == 1544, "NV_ENC_LOCK_BITSTREAM v1 layout");
static_assert(sizeof(GUID) == 16, "GUID layout");

}  // namespace nvcast::nvenc

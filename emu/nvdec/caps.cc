// cuvidGetDecoderCaps as an H200 (Hopper) answers it, per NVIDIA's NVDEC application note:
// H.264 8-bit up to 4096x4096; HEVC and VP9 8/10/12-bit up to 8192x8192; no AV1 (it needs an
// Ampere GA10x/Ada/Blackwell NVDEC), no H.264 High 10. Only 4:2:0 is emulated (a real Hopper
// also decodes HEVC 4:4:4). Outputs: NV12 and P016 for 8-bit, P016 for deeper streams.
#include "nvdec/nvdec_emu.h"

namespace nvcast::emu::nvdec {
namespace {

struct Limits {
    cudaVideoCodec codec;
    unsigned max_depth;
    unsigned max_size, min_width, min_height;
};

constexpr Limits kLimits[] = {
    {cudaVideoCodec_H264, 8, 4096, 48, 16},
    {cudaVideoCodec_HEVC, 12, 8192, 144, 144},
    {cudaVideoCodec_VP9, 12, 8192, 128, 128},
};

}  // namespace
}  // namespace nvcast::emu::nvdec

using namespace nvcast::emu::nvdec;

NVCAST_EMU_EXPORT CUresult cuvidGetDecoderCaps(CUVIDDECODECAPS* caps) {
    if (!caps) return status(kInvalidValue);
    CUcontext current = nullptr;
    if (cuCtxGetCurrent(&current) != CUDA_SUCCESS || !current) return status(kInvalidContext);  // as the driver
    const unsigned depth = caps->nBitDepthMinus8 + 8;
    caps->bIsSupported = 0;  // unsupported: every OUT field is zero
    caps->nNumNVDECs = 0;
    caps->nOutputFormatMask = 0;
    caps->nMaxWidth = caps->nMaxHeight = caps->nMaxMBCount = 0;
    caps->nMinWidth = caps->nMinHeight = 0;
    caps->bIsHistogramSupported = 0;
    caps->nCounterBitDepth = 0;
    caps->nMaxHistogramBins = 0;
    if (caps->eChromaFormat != cudaVideoChromaFormat_420) return status(kSuccess);
    for (const Limits& l : kLimits) {
        if (l.codec != caps->eCodecType || depth > l.max_depth || (depth != 8 && depth != 10 && depth != 12)) continue;
        caps->bIsSupported = 1;
        caps->nNumNVDECs = 7;  // an H200 has seven
        caps->nOutputFormatMask = static_cast<unsigned short>(
            depth == 8 ? (1u << cudaVideoSurfaceFormat_NV12) | (1u << cudaVideoSurfaceFormat_P016)
                       : (1u << cudaVideoSurfaceFormat_P016));
        caps->nMaxWidth = caps->nMaxHeight = l.max_size;
        caps->nMaxMBCount = (l.max_size / 16) * (l.max_size / 16);
        caps->nMinWidth = static_cast<unsigned short>(l.min_width);
        caps->nMinHeight = static_cast<unsigned short>(l.min_height);
    }
    return status(kSuccess);
}

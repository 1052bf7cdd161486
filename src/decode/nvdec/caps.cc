#include "decode/nvdec/caps.h"

#include <cstdint>
#include "driver/cuda_driver.h"
#include "nvcast/error.h"

namespace nvcast::nvdec {
namespace {

std::string describe(InputCodec codec, int bit_depth) {
    return std::string(to_string(codec)) + " " + std::to_string(bit_depth) + "-bit 4:2:0";
}

// Which GPUs add a feature (NVIDIA's NVDEC application note), for the refusal message.
std::string hint(InputCodec codec, int bit_depth) {
    if (codec == InputCodec::AV1) return " (AV1 decoding needs an Ampere GA10x, Ada or newer GPU; nvcast decodes it on the CPU)";
    if (codec == InputCodec::H264 && bit_depth > 8) return " (H.264 High 10 decoding needs a Blackwell GPU)";
    return "";
}

}  // namespace

cudaVideoCodec to_cuvid(InputCodec codec) {
    switch (codec) {
        case InputCodec::H264: return cudaVideoCodec_H264;
        case InputCodec::HEVC: return cudaVideoCodec_HEVC;
        case InputCodec::VP9: return cudaVideoCodec_VP9;
        case InputCodec::AV1: return cudaVideoCodec_AV1;
    }
    return cudaVideoCodec_NumCodecs;
}

DecodeCaps query_caps(const NvcuvidApi& cuvid, InputCodec codec, int bit_depth) {
    CUVIDDECODECAPS c{};
    c.eCodecType = to_cuvid(codec);
    c.eChromaFormat = cudaVideoChromaFormat_420;
    c.nBitDepthMinus8 = static_cast<unsigned>(bit_depth - 8);
    const CUresult r = cuvid.get_decoder_caps(&c);
    if (r != CUDA_SUCCESS)
        throw Error(ErrorCode::Unavailable, "cuvidGetDecoderCaps failed for " + describe(codec, bit_depth) + ": " +
                                                driver::cuda_error_text(driver::load_cuda(), r));
    DecodeCaps caps;
    caps.supported = c.bIsSupported != 0;
    caps.decoders = c.nNumNVDECs;
    caps.output_formats = c.nOutputFormatMask;
    caps.max_width = static_cast<int>(c.nMaxWidth);
    caps.max_height = static_cast<int>(c.nMaxHeight);
    caps.min_width = c.nMinWidth;
    caps.min_height = c.nMinHeight;
    caps.max_macroblocks = c.nMaxMBCount;
    return caps;
}

std::string bit_depth_problem(InputCodec codec, int bit_depth) {
    if (bit_depth == 8 || bit_depth == 10) return "";
    return "nvcast's NVDEC path outputs NV12 (8-bit) or P010 (10-bit): a " + std::to_string(bit_depth) + "-bit " +
           std::string(to_string(codec)) + " stream is not supported";
}

std::string caps_problem(const DecodeCaps& caps, InputCodec codec, int bit_depth, int width, int height,
                         const std::string& gpu) {
    const std::string what = describe(codec, bit_depth);
    if (!caps.supported)
        return "NVDEC on " + gpu + " cannot decode " + what + ": cuvidGetDecoderCaps reports it unsupported" +
               hint(codec, bit_depth);
    const int surface = bit_depth > 8 ? cudaVideoSurfaceFormat_P016 : cudaVideoSurfaceFormat_NV12;
    if (!(caps.output_formats & (1u << surface)))
        return "NVDEC on " + gpu + " decodes " + what + " but cannot output it as " +
               (bit_depth > 8 ? "P010/P016" : "NV12");
    if (width <= 0 || height <= 0) return "";
    const uint64_t macroblocks = static_cast<uint64_t>((width + 15) / 16) * static_cast<uint64_t>((height + 15) / 16);
    if (width > caps.max_width || height > caps.max_height || width < caps.min_width || height < caps.min_height ||
        (caps.max_macroblocks && macroblocks > caps.max_macroblocks))
        return "NVDEC on " + gpu + " cannot decode " + what + " at " + std::to_string(width) + "x" +
               std::to_string(height) + ": it takes " + std::to_string(caps.min_width) + "x" +
               std::to_string(caps.min_height) + " up to " + std::to_string(caps.max_width) + "x" +
               std::to_string(caps.max_height) + " (at most " + std::to_string(caps.max_macroblocks) +
               " macroblocks)";
    return "";
}

}  // namespace nvcast::nvdec

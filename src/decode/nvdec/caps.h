// What NVDEC on one GPU can decode (cuvidGetDecoderCaps), and why a stream is refused.
#pragma once

#include <string>

#include <ffnvcodec/dynlink_cuda.h>
#include <ffnvcodec/dynlink_nvcuvid.h>

#include "decode/nvdec/nvcuvid_loader.h"
#include "decode/stream_format.h"

namespace nvcast::nvdec {

cudaVideoCodec to_cuvid(InputCodec codec);

struct DecodeCaps {
    bool supported = false;
    int decoders = 0;  // NVDEC engines that can take it
    unsigned output_formats = 0;  // bit per cudaVideoSurfaceFormat
    int max_width = 0, max_height = 0, min_width = 0, min_height = 0;
    unsigned max_macroblocks = 0;
};

// Caps of the GPU whose context is current, for 4:2:0 at `bit_depth`. Throws Error(Unavailable)
// when the query itself fails.
DecodeCaps query_caps(const NvcuvidApi& cuvid, InputCodec codec, int bit_depth);

// Why a `width`x`height` 4:2:0 stream (coded size, or display size when that is all that is
// known; 0 = unknown) at `bit_depth` cannot be decoded with these caps, "" when it can.
// `gpu` names the device in the message ("'NVIDIA H200' (CUDA device 0)").
std::string caps_problem(const DecodeCaps& caps, InputCodec codec, int bit_depth, int width, int height,
                         const std::string& gpu);

// The bit depths nvcast's NVDEC output formats carry (NV12, P010): "" or why not.
std::string bit_depth_problem(InputCodec codec, int bit_depth);

}  // namespace nvcast::nvdec

// Builds without libavformat/libavcodec: media inputs and decoding are reported as missing, not
// silently skipped.
#include "core/text.h"
#include "nvcast/decode.h"
#include "nvcast/error.h"
#include "nvcast/source.h"

namespace nvcast {

std::unique_ptr<VideoDecoder> open_decoder(const std::string& path) {
    throw Error(ErrorCode::Unavailable, "cannot decode '" + path + "': this build of nvcast has no libavcodec");
}

std::vector<Frame> decode_all(const std::string& path) {
    open_decoder(path);  // throws
    return {};
}

std::unique_ptr<FrameSource> open_elementary_nvdec(const std::string& path, const InputOptions& options);

std::unique_ptr<FrameSource> open_media(const std::string& url, const InputOptions& options) {
    const bool elementary = ends_with_ci(url, ".h264") || ends_with_ci(url, ".264") || ends_with_ci(url, ".h265") ||
                            ends_with_ci(url, ".hevc") || ends_with_ci(url, ".265") || ends_with_ci(url, ".ivf");
    if (elementary) return open_elementary_nvdec(url, options);
    throw Error(ErrorCode::Unsupported, "input '" + url +
                                            "': this build of nvcast reads only Y4M, raw video, synthetic input and "
                                            "(on NVDEC) .h264/.hevc/.ivf files; media files, URLs and devices need "
                                            "libavformat");
}

std::vector<std::string> list_capture_inputs() { return {}; }

}  // namespace nvcast

// Builds without libavcodec: decoding is reported as missing, not silently skipped.
#include "nvcast/decode.h"
#include "nvcast/error.h"

namespace nvcast {

std::unique_ptr<VideoDecoder> open_decoder(const std::string& path) {
    throw Error(ErrorCode::Unavailable, "cannot decode '" + path + "': this build of nvcast has no libavcodec");
}

std::vector<Frame> decode_all(const std::string& path) {
    open_decoder(path);  // throws
    return {};
}

}  // namespace nvcast

// Decoding with libavcodec, as an independent judge of what nvcast encodes
// (tests, `nvcast encode --psnr`). Available when built with libavcodec/libavformat
// (NVCAST_HAVE_LIBAV is defined in nvcast/features.h).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "nvcast/frame.h"

namespace nvcast {

class VideoDecoder {
public:
    virtual ~VideoDecoder() = default;
    // Next decoded frame in display order as a host frame (I420, I444, I420_10 or I444_10 for what
    // nvcast encodes), pts in the file's time base; false after the last one.
    virtual bool read(Frame& frame) = 0;
};

// Opens any file libavformat can demux: .h264, .hevc, .ivf, .obu, .mp4, .mkv, .ts. Throws Error
// (Unsupported in a build without libavformat).
std::unique_ptr<VideoDecoder> open_decoder(const std::string& path);

// Convenience for tests: every frame of a file.
std::vector<Frame> decode_all(const std::string& path);

}  // namespace nvcast

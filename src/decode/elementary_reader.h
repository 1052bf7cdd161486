// Reads compressed video packets from elementary-stream files without libavformat (the
// GPU machine has no FFmpeg libraries): Annex-B H.264/HEVC (.h264 .264 .avc .h265 .hevc
// .265) and IVF (.ivf; VP9 or AV1, told by the header's fourcc).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "decode/stream_format.h"

namespace nvcast::nvdec {

class ElementaryReader {
public:
    // Picks the format by extension. Throws Error(Io) for a missing/unreadable file,
    // Error(InvalidData) for a bad header, Error(Unsupported) for another extension or fourcc.
    static std::unique_ptr<ElementaryReader> open(const std::string& path);
    virtual ~ElementaryReader() = default;

    virtual InputCodec codec() const = 0;
    // The stream format as far as the file header says (Annex-B: size unknown, 0x0; the
    // bit depth is only known to the decoder, 8 here).
    virtual StreamFormat format() const = 0;
    // The next packet: an IVF frame with its pts, or the next chunk of an Annex-B byte
    // stream with pts = kNoPts. False at the end. Throws Error(InvalidData) for a truncated
    // or corrupt container (never for corrupt video data: that is the decoder's to find).
    virtual bool next(std::vector<uint8_t>& packet, int64_t& pts) = 0;
};

}  // namespace nvcast::nvdec

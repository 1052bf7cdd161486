#include "backends/software_common.h"

#include <algorithm>
#include <string>

namespace nvcast::sw {

void check_input_frame(const EncoderConfig& c, const Frame& f, std::string_view backend) {
    const std::string name(backend);
    if (f.empty()) throw Error(ErrorCode::InvalidArgument, name + ": empty frame sent to the encoder");
    if (f.width() != c.width || f.height() != c.height)
        throw Error(ErrorCode::InvalidArgument,
                    name + ": frame is " + std::to_string(f.width()) + "x" + std::to_string(f.height()) +
                        " but the session was opened for " + std::to_string(c.width) + "x" +
                        std::to_string(c.height) + " (scale it first, e.g. nvcast encode --scale)");
    if (f.memory() != MemoryType::Host)
        throw Error(ErrorCode::InvalidArgument,
                    name + " encodes host frames; this frame is in CUDA memory (copy it to the host, or use the "
                           "nvenc backend, which takes device frames)");
    const FormatInfo& fi = format_info(f.format());
    if (fi.packed_rgb)
        throw Error(ErrorCode::Unsupported, name + " encodes YUV; frame format " + std::string(fi.name) +
                                                " must be converted first (nvcast encode does it with "
                                                "--input-format conversion)");
    const bool frame_444 = fi.chroma_shift_x == 0;
    if (frame_444 != (c.chroma == ChromaFormat::YUV444))
        throw Error(ErrorCode::InvalidArgument,
                    name + ": frame format " + std::string(fi.name) + " is " + (frame_444 ? "4:4:4" : "4:2:0") +
                        " but the session encodes " + (c.chroma == ChromaFormat::YUV444 ? "4:4:4" : "4:2:0"));
}

PixelFormat planar_format_for(const EncoderConfig& c) {
    if (c.chroma == ChromaFormat::YUV444) return c.bit_depth > 8 ? PixelFormat::I444_10 : PixelFormat::I444;
    return c.bit_depth > 8 ? PixelFormat::I420_10 : PixelFormat::I420;
}

const Frame& to_planar(const Frame& in, PixelFormat target, Frame& scratch) {
    if (in.format() == target && in.memory() == MemoryType::Host) return in;
    convert_yuv_layout(in, target, scratch);
    return scratch;
}

const char* x26x_preset_name(int preset) {
    static const char* const kNames[] = {"ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow"};
    return kNames[std::clamp(preset, 1, 7) - 1];
}

void unsupported(std::string_view backend, const std::string& what, const std::string& hint) {
    throw Error(ErrorCode::Unsupported, std::string(backend) + " cannot " + what + (hint.empty() ? "" : " (" + hint + ")"));
}

int64_t peak_bitrate(const RateControl& rc) {
    if (rc.max_bitrate > 0) return rc.max_bitrate;
    return rc.mode == RateControlMode::VBR ? rc.bitrate * 3 / 2 : rc.bitrate;
}

int64_t vbv_bits(const RateControl& rc) { return rc.vbv_size > 0 ? rc.vbv_size : peak_bitrate(rc); }

}  // namespace nvcast::sw

// open_source(): picks a source from the spec string.
#include <string>
#include <vector>

#include "core/text.h"
#include "nvcast/error.h"
#include "nvcast/ipc.h"
#include "nvcast/source.h"

namespace nvcast {
namespace {

constexpr std::string_view kSyntheticPrefix = "synthetic:";
constexpr std::string_view kDeviceSyntheticPrefix = "cuda-synthetic:";
constexpr std::string_view kIpcPrefix = "ipc:";
constexpr int64_t kDefaultSyntheticFrames = 300;

// "[cuda-]synthetic:1920x1080@60[:frames]" (rate may be fractional as "30000/1001").
std::unique_ptr<FrameSource> open_synthetic_spec(std::string_view spec, std::string_view prefix,
                                                 const InputOptions& raw) {
    const std::string usage = "expected " + std::string(prefix) +
                              "WIDTHxHEIGHT[@FPS][:FRAMES], e.g. " + std::string(prefix) + "1920x1080@60:300";
    std::string_view rest = spec.substr(prefix.size());
    int64_t frames = raw.frames >= 0 ? raw.frames : kDefaultSyntheticFrames;
    if (const size_t colon = rest.find(':'); colon != std::string_view::npos) {
        auto n = parse_int<int64_t>(rest.substr(colon + 1));
        if (!n || *n <= 0) throw Error(ErrorCode::InvalidArgument, "bad frame count in '" + std::string(spec) + "': " + usage);
        frames = raw.frames >= 0 ? std::min(*n, raw.frames) : *n;
        rest = rest.substr(0, colon);
    }
    int fps_num = raw.fps_num, fps_den = raw.fps_den;
    if (const size_t at = rest.find('@'); at != std::string_view::npos) {
        std::string_view rate = rest.substr(at + 1);
        fps_den = 1;
        if (const size_t slash = rate.find('/'); slash != std::string_view::npos) {
            auto den = parse_int<int>(rate.substr(slash + 1));
            if (!den || *den <= 0) throw Error(ErrorCode::InvalidArgument, "bad frame rate in '" + std::string(spec) + "': " + usage);
            fps_den = *den;
            rate = rate.substr(0, slash);
        }
        auto num = parse_int<int>(rate);
        if (!num || *num <= 0) throw Error(ErrorCode::InvalidArgument, "bad frame rate in '" + std::string(spec) + "': " + usage);
        fps_num = *num;
        rest = rest.substr(0, at);
    }
    const auto size = parse_frame_size(rest);
    if (!size) throw Error(ErrorCode::InvalidArgument, "bad size in '" + std::string(spec) + "': " + usage);
    if (prefix == kDeviceSyntheticPrefix)
        return open_device_synthetic(size->first, size->second, fps_num, fps_den, frames, raw.format);
    return open_synthetic(size->first, size->second, fps_num, fps_den, frames, raw.format);
}

// Extensions of raw video files (frames of one format back to back, nothing else).
bool is_raw_video_name(const std::string& path) {
    for (const char* ext : {".yuv", ".raw", ".nv12", ".i420", ".p010", ".rgb", ".rgba", ".bgra"})
        if (ends_with_ci(path, ext)) return true;
    return false;
}

}  // namespace

DecoderChoice parse_decoder_choice(std::string_view name) {
    if (name == "auto") return DecoderChoice::Auto;
    if (name == "cpu") return DecoderChoice::Cpu;
    if (name == "nvdec") return DecoderChoice::Nvdec;
    throw Error(ErrorCode::InvalidArgument, "decoder '" + std::string(name) + "' is invalid (allowed: auto, cpu, nvdec)");
}

std::string_view to_string(DecoderChoice choice) noexcept {
    switch (choice) {
        case DecoderChoice::Auto: return "auto";
        case DecoderChoice::Cpu: return "cpu";
        case DecoderChoice::Nvdec: return "nvdec";
    }
    return "?";
}

std::unique_ptr<FrameSource> open_source(std::string_view spec, const InputOptions& options) {
    if (spec.starts_with(kSyntheticPrefix)) return open_synthetic_spec(spec, kSyntheticPrefix, options);
    if (spec.starts_with(kDeviceSyntheticPrefix)) return open_synthetic_spec(spec, kDeviceSyntheticPrefix, options);
    if (spec.starts_with(kIpcPrefix)) return ipc::open_subscriber(spec.substr(kIpcPrefix.size()), options.timeout_s);
    const std::string path(spec);
    if (ends_with_ci(path, ".y4m")) return open_y4m(path);
    // A size (or a raw extension) says the file is raw video; everything else is for libavformat.
    if (is_raw_video_name(path) || (options.width > 0 && options.demuxer.empty())) return open_raw(path, options);
    return open_media(path, options);
}

std::vector<Frame> read_frames(FrameSource& source, int64_t max_frames) {
    const SourceInfo& info = source.info();
    if (info.memory != MemoryType::Host)
        throw Error(ErrorCode::InvalidArgument, "read_frames keeps host frames; this source reads into device memory");
    std::vector<Frame> frames;
    Frame read;
    while ((max_frames < 0 || static_cast<int64_t>(frames.size()) < max_frames) && source.read(read)) {
        Frame copy = Frame::allocate(read.format(), read.width(), read.height());
        copy_frame_pixels(read, copy);  // the source may reuse its buffer for the next frame
        frames.push_back(std::move(copy));
    }
    return frames;
}

}  // namespace nvcast

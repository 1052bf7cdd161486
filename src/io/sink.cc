#include <filesystem>

#include "core/text.h"
#include "io/sinks.h"
#include "nvcast/error.h"
#include "nvcast/features.h"

namespace nvcast {

StreamInfo stream_info_for(const EncoderConfig& config, std::vector<uint8_t> codec_headers) {
    StreamInfo info;
    info.codec = config.codec;
    info.width = config.width;
    info.height = config.height;
    info.fps_num = config.fps_num;
    info.fps_den = config.fps_den;
    info.color = config.color;
    info.codec_headers = std::move(codec_headers);
    return info;
}

std::unique_ptr<PacketSink> open_sink(const std::string& path, const StreamInfo& info) {
    const std::string ext = to_lower(std::filesystem::path(path).extension().string());
    auto require_codec = [&](Codec codec, const char* what) {
        if (info.codec != codec)
            throw Error(ErrorCode::InvalidArgument, "output '" + path + "': " + what + " holds " +
                                                        std::string(to_string(codec)) + ", but the codec is " +
                                                        std::string(to_string(info.codec)));
    };
    if (ext == ".h264" || ext == ".264" || ext == ".avc" || ext == ".jsv") {
        require_codec(Codec::H264, "an H.264 Annex-B file");
        return open_annexb_sink(path, info);
    }
    if (ext == ".h265" || ext == ".265" || ext == ".hevc") {
        require_codec(Codec::HEVC, "an HEVC Annex-B file");
        return open_annexb_sink(path, info);
    }
    if (ext == ".ivf") {
        require_codec(Codec::AV1, "an IVF file here");
        return open_ivf_sink(path, info);
    }
    if (ext == ".obu") {
        require_codec(Codec::AV1, "an OBU file");
        return open_obu_sink(path, info);
    }
    const char* container = nullptr;
    if (ext == ".mp4" || ext == ".m4v") container = "mp4";
    if (ext == ".mov") container = "mov";
    if (ext == ".mkv" || ext == ".webm") container = ext == ".webm" ? "webm" : "matroska";
    if (ext == ".ts" || ext == ".m2ts") container = "mpegts";
    if (container) {
#if NVCAST_HAVE_LIBAV
        if (info.width <= 0 || info.height <= 0) return open_deferred_libav_sink(path, info, container);
        return open_libav_sink(path, info, container);
#else
        throw Error(ErrorCode::Unsupported, "output '" + path +
                                                "': containers need libavformat, which this build lacks; use an "
                                                "elementary stream (.h264, .hevc, .ivf)");
#endif
    }
    throw Error(ErrorCode::InvalidArgument,
                "output '" + path + "': unknown extension '" + ext +
                    "' (use .h264/.264, .h265/.hevc, .ivf/.obu, .mp4, .mov, .mkv, .webm, .ts)");
}

}  // namespace nvcast

// A container sink for streams whose size is not known when the output is opened (a received
// RTP stream): the container is created at the first keyframe, with the size and the codec
// headers (SPS/PPS/VPS, AV1 sequence header) taken from that keyframe's parameter sets.
extern "C" {
#include <libavcodec/avcodec.h>
}

#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <vector>

#include "io/sinks.h"
#include "nvcast/bitstream.h"
#include "nvcast/error.h"

namespace nvcast {
namespace {

AVCodecID parser_codec(Codec codec) {
    switch (codec) {
        case Codec::H264: return AV_CODEC_ID_H264;
        case Codec::HEVC: return AV_CODEC_ID_HEVC;
        case Codec::AV1: return AV_CODEC_ID_AV1;
    }
    return AV_CODEC_ID_NONE;
}

// Width and height the keyframe's parameter sets declare (libavcodec's parser reads them).
bool keyframe_size(Codec codec, std::span<const uint8_t> au, int& width, int& height) {
    AVCodecParserContext* parser = av_parser_init(parser_codec(codec));
    AVCodecContext* ctx = avcodec_alloc_context3(nullptr);
    bool ok = false;
    if (parser && ctx) {
        std::vector<uint8_t> padded(au.begin(), au.end());
        padded.resize(au.size() + AV_INPUT_BUFFER_PADDING_SIZE, 0);
        uint8_t* out = nullptr;
        int out_size = 0;
        av_parser_parse2(parser, ctx, &out, &out_size, padded.data(), static_cast<int>(au.size()), AV_NOPTS_VALUE,
                         AV_NOPTS_VALUE, 0);
        av_parser_parse2(parser, ctx, &out, &out_size, nullptr, 0, AV_NOPTS_VALUE, AV_NOPTS_VALUE, 0);  // flush
        width = parser->width > 0 ? parser->width : ctx->width;
        height = parser->height > 0 ? parser->height : ctx->height;
        ok = width > 0 && height > 0;
    }
    if (ctx) avcodec_free_context(&ctx);
    if (parser) av_parser_close(parser);
    return ok;
}

// The parameter sets of a keyframe, as the container's codec headers.
std::vector<uint8_t> keyframe_headers(Codec codec, std::span<const uint8_t> au) {
    std::vector<uint8_t> out;
    if (codec == Codec::AV1) {
        for (const Obu& o : parse_obus(au))
            if (o.type == ObuType::SequenceHeader) out.insert(out.end(), o.header, o.payload + o.payload_size);
        return out;
    }
    for (const NalUnit& n : split_annexb(au)) {
        const int t = codec == Codec::H264 ? h264_nal_type(n) : hevc_nal_type(n);
        const bool parameter_set = codec == Codec::H264 ? (t == 7 || t == 8) : (t >= 32 && t <= 34);
        if (!parameter_set) continue;
        out.insert(out.end(), {0, 0, 0, 1});
        out.insert(out.end(), n.data, n.data + n.size);
    }
    return out;
}

class DeferredContainerSink final : public PacketSink {
public:
    DeferredContainerSink(const std::string& path, const StreamInfo& info, const char* format)
        : path_(path), info_(info), format_(format) {
        // Refuse an unfit codec and an unwritable path now, not at the first keyframe.
        check_container_codec(path, info.codec, format);
        if (!std::ofstream(path, std::ios::binary))
            throw Error(ErrorCode::Io, "cannot write output '" + path + "'");
    }
    ~DeferredContainerSink() override {
        try {
            close();
        } catch (...) {
        }
    }

    void write(const Packet& packet) override {
        if (!inner_) {
            const std::span<const uint8_t> au(packet.data.data(), packet.size());
            if (!packet.keyframe || !keyframe_size(info_.codec, au, info_.width, info_.height))
                throw Error(ErrorCode::InvalidData, "output '" + path_ +
                                                        "': a container needs the stream's size before its first "
                                                        "packet, and this packet is not a keyframe with parameter sets");
            info_.codec_headers = keyframe_headers(info_.codec, au);
            inner_ = open_libav_sink(path_, info_, format_);
        }
        inner_->write(packet);
    }

    void close() override {
        if (inner_) {
            inner_->close();
        } else if (!closed_) {
            std::error_code ignored;
            std::filesystem::remove(path_, ignored);  // nothing arrived: leave no empty file behind
        }
        closed_ = true;
    }

private:
    std::string path_;
    StreamInfo info_;
    const char* format_;
    std::unique_ptr<PacketSink> inner_;
    bool closed_ = false;
};

}  // namespace

std::unique_ptr<PacketSink> open_deferred_libav_sink(const std::string& path, const StreamInfo& info,
                                                     const char* format) {
    return std::make_unique<DeferredContainerSink>(path, info, format);
}

}  // namespace nvcast

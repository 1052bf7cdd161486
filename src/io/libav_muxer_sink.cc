// MP4/MOV/MKV/WebM/MPEG-TS through libavformat. Packets carry pts/dts in frame
// units (1/fps); they are rescaled to the container's time base here.
extern "C" {
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/mem.h>
}

#include <cstring>
#include <string>
#include <string_view>

#include "io/sinks.h"
#include "io/libav_error.h"
#include "nvcast/error.h"

namespace nvcast {
namespace {

AVCodecID codec_id(Codec codec) {
    switch (codec) {
        case Codec::H264: return AV_CODEC_ID_H264;
        case Codec::HEVC: return AV_CODEC_ID_HEVC;
        case Codec::AV1: return AV_CODEC_ID_AV1;
    }
    return AV_CODEC_ID_NONE;
}

// Why the muxer cannot carry the codec in a file players decode; empty when it can.
std::string container_refuses(const AVOutputFormat* format, Codec codec) {
    const std::string name = format->name;
    // 0 means "cannot"; a negative answer means libavformat does not know, so let the muxer decide.
    if (avformat_query_codec(format, codec_id(codec), FF_COMPLIANCE_NORMAL) == 0)
        return "the " + name + " container cannot hold " + std::string(to_string(codec));
    // FFmpeg's MPEG-TS muxer accepts AV1 but writes it as private data that no player decodes.
    if (name == "mpegts" && codec == Codec::AV1)
        return "MPEG-TS has no AV1 mapping that players decode (FFmpeg would write private data); use .mkv, .webm, "
               ".mp4 or .ivf for AV1";
    return {};
}

class LibavSink final : public PacketSink {
public:
    LibavSink(const std::string& path, const StreamInfo& info, const char* format) : path_(path) {
        int err = avformat_alloc_output_context2(&ctx_, nullptr, format, path.c_str());
        if (err < 0 || !ctx_) throw Error(ErrorCode::Unsupported, "output '" + path + "': libavformat has no " + format + " muxer");
        if (const std::string why = container_refuses(ctx_->oformat, info.codec); !why.empty()) {
            avformat_free_context(ctx_);
            ctx_ = nullptr;
            throw Error(ErrorCode::Unsupported, "output '" + path + "': " + why);
        }
        stream_ = avformat_new_stream(ctx_, nullptr);
        AVCodecParameters* par = stream_->codecpar;
        par->codec_type = AVMEDIA_TYPE_VIDEO;
        par->codec_id = codec_id(info.codec);
        par->width = info.width;
        par->height = info.height;
        par->color_primaries = static_cast<AVColorPrimaries>(info.color.primaries);
        par->color_trc = static_cast<AVColorTransferCharacteristic>(info.color.transfer);
        par->color_space = static_cast<AVColorSpace>(info.color.matrix);
        par->color_range = info.color.range == ColorRange::Full ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG;
        if (!info.codec_headers.empty()) {
            par->extradata = static_cast<uint8_t*>(av_mallocz(info.codec_headers.size() + AV_INPUT_BUFFER_PADDING_SIZE));
            std::memcpy(par->extradata, info.codec_headers.data(), info.codec_headers.size());
            par->extradata_size = static_cast<int>(info.codec_headers.size());
        }
        frame_time_base_ = AVRational{info.fps_den, info.fps_num};
        stream_->time_base = frame_time_base_;
        stream_->avg_frame_rate = AVRational{info.fps_num, info.fps_den};
        if (!(ctx_->oformat->flags & AVFMT_NOFILE)) {
            err = avio_open(&ctx_->pb, path.c_str(), AVIO_FLAG_WRITE);
            if (err < 0) {
                avformat_free_context(ctx_);
                ctx_ = nullptr;
                throw Error(ErrorCode::Io, "cannot write output '" + path + "': " + av_error(err));
            }
        }
        err = avformat_write_header(ctx_, nullptr);
        if (err < 0) {
            release();
            throw Error(ErrorCode::Io, "output '" + path + "': writing the container header failed: " + av_error(err));
        }
    }

    ~LibavSink() override {
        try { close(); } catch (...) {}
        release();
    }

    void write(const Packet& packet) override {
        AVPacket* pkt = av_packet_alloc();
        if (av_new_packet(pkt, static_cast<int>(packet.size())) < 0) {
            av_packet_free(&pkt);
            throw Error(ErrorCode::ResourceExhausted, "out of memory writing '" + path_ + "'");
        }
        std::memcpy(pkt->data, packet.data.data(), packet.size());
        pkt->pts = packet.pts;
        pkt->dts = packet.dts;
        pkt->duration = 1;
        if (packet.keyframe) pkt->flags |= AV_PKT_FLAG_KEY;
        pkt->stream_index = stream_->index;
        av_packet_rescale_ts(pkt, frame_time_base_, stream_->time_base);
        const int err = av_interleaved_write_frame(ctx_, pkt);
        av_packet_free(&pkt);
        if (err < 0) throw Error(ErrorCode::Io, "writing a packet to '" + path_ + "' failed: " + av_error(err));
    }

    void close() override {
        if (!ctx_ || closed_) return;
        closed_ = true;
        const int err = av_write_trailer(ctx_);
        if (err < 0) throw Error(ErrorCode::Io, "finishing '" + path_ + "' failed: " + av_error(err));
    }

private:
    void release() {
        if (!ctx_) return;
        if (ctx_->pb && !(ctx_->oformat->flags & AVFMT_NOFILE)) avio_closep(&ctx_->pb);
        avformat_free_context(ctx_);
        ctx_ = nullptr;
    }

    std::string path_;
    AVFormatContext* ctx_ = nullptr;
    AVStream* stream_ = nullptr;
    AVRational frame_time_base_{1, 30};
    bool closed_ = false;
};

}  // namespace

void check_container_codec(const std::string& path, Codec codec, const char* format) {
    const AVOutputFormat* f = av_guess_format(format, nullptr, nullptr);
    if (!f) throw Error(ErrorCode::Unsupported, "output '" + path + "': libavformat has no " + format + " muxer");
    if (const std::string why = container_refuses(f, codec); !why.empty())
        throw Error(ErrorCode::Unsupported, "output '" + path + "': " + why);
}

std::unique_ptr<PacketSink> open_libav_sink(const std::string& path, const StreamInfo& info, const char* format) {
    return std::make_unique<LibavSink>(path, info, format);
}

}  // namespace nvcast

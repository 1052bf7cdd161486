// MP4/MOV/MKV/WebM/MPEG-TS through libavformat. Packets carry pts/dts in the stream's time base
// (frames, or the input's own); they are rescaled to the container's time base here. The input's
// audio, when carried, is written beside the video: each audio packet once the video has reached
// its time, so the file interleaves and stays in sync.
extern "C" {
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/mem.h>
}

#include <algorithm>
#include <cstring>
#include <deque>
#include <string>
#include <string_view>

#include "core/frame_time.h"
#include "io/carried_media.h"
#include "io/sinks.h"
#include "io/libav_error.h"
#include "nvcast/error.h"
#include "nvcast/log.h"

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
        packet_time_base_ = AVRational{static_cast<int>(info.tb_num()), static_cast<int>(info.tb_den())};
        frame_duration_ = frame_duration_in(info.fps_num, info.fps_den, info.tb_num(), info.tb_den());
        stream_->time_base = packet_time_base_;
        stream_->avg_frame_rate = AVRational{info.fps_num, info.fps_den};
        if (info.carried && !info.carried->empty()) add_carried_streams(info.carried);
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
        pkt->duration = frame_duration_;
        if (packet.keyframe) pkt->flags |= AV_PKT_FLAG_KEY;
        pkt->stream_index = stream_->index;
        video_end_ = std::max(video_end_, packet.pts + frame_duration_);
        have_video_ = true;
        av_packet_rescale_ts(pkt, packet_time_base_, stream_->time_base);
        const int err = av_interleaved_write_frame(ctx_, pkt);
        av_packet_free(&pkt);
        if (err < 0) throw Error(ErrorCode::Io, "writing a packet to '" + path_ + "' failed: " + av_error(err));
        write_carried(false);
    }

    void close() override {
        if (!ctx_ || closed_) return;
        closed_ = true;
        write_carried(true);
        const int err = av_write_trailer(ctx_);
        if (err < 0) throw Error(ErrorCode::Io, "finishing '" + path_ + "' failed: " + av_error(err));
    }

private:
    // One output stream per carried stream the container can hold; the others are named and left out.
    void add_carried_streams(std::shared_ptr<CarriedMedia> carried) {
        for (const CarriedMedia::Stream& in : carried->streams()) {
            const AVCodecID id = in.parameters->codec_id;
            if (avformat_query_codec(ctx_->oformat, id, FF_COMPLIANCE_NORMAL) == 0) {
                log(LogLevel::Warn, "output '" + path_ + "': the " + std::string(ctx_->oformat->name) + " container cannot hold " +
                         avcodec_get_name(id) + " audio; that stream is left out (choose .mkv to keep it)");
                carried_index_.push_back(-1);
                continue;
            }
            AVStream* out = avformat_new_stream(ctx_, nullptr);
            if (!out || avcodec_parameters_copy(out->codecpar, in.parameters.get()) < 0)
                throw Error(ErrorCode::ResourceExhausted, "output '" + path_ + "': cannot add an audio stream");
            out->codecpar->codec_tag = 0;  // the input container's tag may mean nothing in this one
            out->time_base = in.time_base;
            carried_index_.push_back(out->index);
        }
        subscriber_ = carried->subscribe();
        carried_ = std::move(carried);
    }

    // Writes the queued audio that the video has reached; at the end, what lies up to the video's end
    // (all of it when the whole input was read, so nothing at the tail is lost).
    void write_carried(bool at_end) {
        if (!carried_) return;
        for (AvPacketPtr& p : carried_->take(subscriber_)) pending_.push_back(std::move(p));
        const bool everything = at_end && carried_->complete();
        while (!pending_.empty()) {
            AVPacket* pkt = pending_.front().get();
            const size_t in = static_cast<size_t>(pkt->stream_index);
            const int out = in < carried_index_.size() ? carried_index_[in] : -1;
            if (out < 0) {
                pending_.pop_front();
                continue;
            }
            const AVRational tb = carried_->streams()[in].time_base;
            const int64_t t = pkt->dts != AV_NOPTS_VALUE ? pkt->dts : pkt->pts;
            const bool reached = have_video_ && t != AV_NOPTS_VALUE && av_compare_ts(t, tb, video_end_, packet_time_base_) <= 0;
            if (!everything && !reached) {
                if (!at_end) break;           // wait for the video to get there
                pending_.pop_front();         // past the last frame of a cut-short input
                continue;
            }
            pkt->stream_index = out;
            av_packet_rescale_ts(pkt, tb, ctx_->streams[out]->time_base);
            pkt->pos = -1;
            const int err = av_interleaved_write_frame(ctx_, pkt);
            pending_.pop_front();
            if (err < 0) throw Error(ErrorCode::Io, "writing audio to '" + path_ + "' failed: " + av_error(err));
        }
    }

    void release() {
        if (!ctx_) return;
        if (ctx_->pb && !(ctx_->oformat->flags & AVFMT_NOFILE)) avio_closep(&ctx_->pb);
        avformat_free_context(ctx_);
        ctx_ = nullptr;
    }

    std::string path_;
    AVFormatContext* ctx_ = nullptr;
    AVStream* stream_ = nullptr;
    AVRational packet_time_base_{1, 30};
    int64_t frame_duration_ = 1;
    int64_t video_end_ = 0;     // end of the latest video frame written, in packet_time_base_
    bool have_video_ = false;
    bool closed_ = false;
    std::shared_ptr<CarriedMedia> carried_;
    size_t subscriber_ = 0;
    std::vector<int> carried_index_;   // carried stream -> output stream (-1: left out)
    std::deque<AvPacketPtr> pending_;
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

// Decodes any stream libavformat can demux, frame by frame, into host Frames.
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
}

#include <cstring>
#include <string>

#include "nvcast/decode.h"
#include "io/libav_error.h"
#include "nvcast/error.h"

namespace nvcast {
namespace {

PixelFormat to_nvcast_format(int av_format) {
    switch (av_format) {
        case AV_PIX_FMT_YUV420P:
        case AV_PIX_FMT_YUVJ420P: return PixelFormat::I420;
        case AV_PIX_FMT_YUV444P:
        case AV_PIX_FMT_YUVJ444P: return PixelFormat::I444;
        case AV_PIX_FMT_YUV420P10LE: return PixelFormat::I420_10;
        case AV_PIX_FMT_YUV444P10LE: return PixelFormat::I444_10;
        case AV_PIX_FMT_NV12: return PixelFormat::NV12;
        default: break;
    }
    const char* name = av_get_pix_fmt_name(static_cast<AVPixelFormat>(av_format));
    throw Error(ErrorCode::Unsupported, std::string("decoded pixel format ") + (name ? name : "?") +
                                            " has no nvcast equivalent");
}

class LibavDecoder final : public VideoDecoder {
public:
    explicit LibavDecoder(const std::string& path) : path_(path) {
        av_log_set_level(AV_LOG_ERROR);  // decoders' banners (dav1d's version line) are noise here
        int err = avformat_open_input(&fmt_, path.c_str(), nullptr, nullptr);
        if (err < 0) throw Error(ErrorCode::Io, "cannot open '" + path + "' for decoding: " + av_error(err));
        try {
            open_codec();
        } catch (...) {
            release();
            throw;
        }
    }

    ~LibavDecoder() override { release(); }

    std::string codec_name() const override { return codec_->codec->name; }

    bool read(Frame& out) override {
        for (;;) {
            const int err = avcodec_receive_frame(codec_, frame_);
            if (err == 0) {
                copy_out(out);
                av_frame_unref(frame_);
                return true;
            }
            if (err == AVERROR_EOF) return false;
            if (err != AVERROR(EAGAIN)) fail("decoding", err);
            feed();
        }
    }

private:
    void open_codec() {
        int err = avformat_find_stream_info(fmt_, nullptr);
        if (err < 0) fail("reading stream info", err);
        stream_ = av_find_best_stream(fmt_, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
        if (stream_ < 0) fail("finding a video stream", stream_);
        const AVCodecParameters* par = fmt_->streams[stream_]->codecpar;
        const AVCodec* codec = avcodec_find_decoder(par->codec_id);
        if (!codec) fail("finding a decoder", AVERROR_DECODER_NOT_FOUND);
        codec_ = avcodec_alloc_context3(codec);
        avcodec_parameters_to_context(codec_, par);
        codec_->thread_count = 1;  // deterministic and cheap; tests decode small clips
        err = avcodec_open2(codec_, codec, nullptr);
        if (err < 0) fail("opening the decoder", err);
        packet_ = av_packet_alloc();
        frame_ = av_frame_alloc();
    }

    void release() {
        av_frame_free(&frame_);
        av_packet_free(&packet_);
        avcodec_free_context(&codec_);
        avformat_close_input(&fmt_);
    }

    void feed() {
        if (draining_) return;
        for (;;) {
            const int err = av_read_frame(fmt_, packet_);
            if (err == AVERROR_EOF) {
                draining_ = true;
                avcodec_send_packet(codec_, nullptr);
                return;
            }
            if (err < 0) fail("reading", err);
            if (packet_->stream_index != stream_) {
                av_packet_unref(packet_);
                continue;
            }
            const int sent = avcodec_send_packet(codec_, packet_);
            av_packet_unref(packet_);
            if (sent < 0 && sent != AVERROR(EAGAIN)) fail("decoding", sent);
            return;
        }
    }

    void copy_out(Frame& out) {
        const PixelFormat format = to_nvcast_format(frame_->format);
        if (out.empty() || out.format() != format || out.width() != frame_->width || out.height() != frame_->height)
            out = Frame::allocate(format, frame_->width, frame_->height);
        for (int p = 0; p < out.plane_count(); ++p) {
            const size_t row = plane_row_bytes(format, out.width(), p);
            for (int y = 0; y < plane_rows(format, out.height(), p); ++y)
                std::memcpy(out.data(p) + static_cast<size_t>(y) * out.pitch(p),
                            frame_->data[p] + static_cast<ptrdiff_t>(y) * frame_->linesize[p], row);
        }
        out.pts = frame_->best_effort_timestamp;
    }

    [[noreturn]] void fail(const char* what, int err) {
        const std::string message = "'" + path_ + "': " + what + " failed: " + av_error(err);
        throw Error(ErrorCode::InvalidData, message);
    }

    std::string path_;
    AVFormatContext* fmt_ = nullptr;
    AVCodecContext* codec_ = nullptr;
    AVPacket* packet_ = nullptr;
    AVFrame* frame_ = nullptr;
    int stream_ = -1;
    bool draining_ = false;
};

}  // namespace

std::unique_ptr<VideoDecoder> open_decoder(const std::string& path) { return std::make_unique<LibavDecoder>(path); }

std::vector<Frame> decode_all(const std::string& path) {
    auto decoder = open_decoder(path);
    std::vector<Frame> frames;
    Frame f;
    while (decoder->read(f)) {
        frames.push_back(std::move(f));
        f = Frame();
    }
    return frames;
}

}  // namespace nvcast

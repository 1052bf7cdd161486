// Media files, network streams and capture devices as a FrameSource: libavformat demuxes, and the
// video is decoded by NVIDIA's decoder into device frames (no host copy) where the GPU decodes the
// codec, else by libavcodec on the CPU. Timestamps are the input's own (variable rate included).
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavcodec/bsf.h>
#include <libavutil/pixdesc.h>
}

#include <memory>
#include <string>

#include "core/frame_time.h"
#include "io/libav_error.h"
#include "io/libav_frame.h"
#include "io/libav_input.h"
#include "nvcast/convert.h"
#include "nvcast/error.h"
#include "nvcast/features.h"
#include "nvcast/log.h"

#if NVCAST_HAVE_NVDEC
#include "decode/nvdec/nvdec_decoder.h"
#endif

namespace nvcast {
namespace {

struct FrameDeleter {
    void operator()(AVFrame* f) const noexcept { av_frame_free(&f); }
};
using AvFramePtr = std::unique_ptr<AVFrame, FrameDeleter>;

// The frames of one video stream, decoded. Each decoder says when a size change arrives.
class VideoDecoding {
public:
    virtual ~VideoDecoding() = default;
    virtual void send(const AVPacket* packet) = 0;  // nullptr: the end
    // The next frame in display order into `out`; false when it needs more packets (or, after the end, has none).
    virtual bool receive(Frame& out, int64_t& pts) = 0;
    virtual SourceInfo describe(const AVStream& stream) const = 0;
};

// libavcodec on the CPU.
class CpuDecoding final : public VideoDecoding {
public:
    explicit CpuDecoding(const LibavInput& input) : input_(input) {
        const AVCodecParameters* par = input.video().codecpar;
        const AVCodec* codec = avcodec_find_decoder(par->codec_id);
        if (!codec)
            throw Error(ErrorCode::Unsupported, "input " + input.name() + ": this FFmpeg has no decoder for " +
                                                    avcodec_get_name(par->codec_id) + " video");
        ctx_ = avcodec_alloc_context3(codec);
        if (!ctx_ || avcodec_parameters_to_context(ctx_, par) < 0)
            throw Error(ErrorCode::ResourceExhausted, "input " + input.name() + ": out of memory");
        ctx_->thread_count = 0;  // one per core
        ctx_->pkt_timebase = input.video().time_base;
        if (const int err = avcodec_open2(ctx_, codec, nullptr); err < 0)
            throw Error(ErrorCode::Unsupported, "input " + input.name() + ": cannot open the " + codec->name +
                                                    " decoder: " + av_error(err));
        frame_.reset(av_frame_alloc());
    }
    ~CpuDecoding() override { avcodec_free_context(&ctx_); }

    void send(const AVPacket* packet) override {
        const int err = avcodec_send_packet(ctx_, packet);
        if (err >= 0 || err == AVERROR_EOF) return;
        note_damage(packet ? packet->pts : AV_NOPTS_VALUE, err);
    }

    bool receive(Frame& out, int64_t& pts) override {
        for (;;) {
            const int err = avcodec_receive_frame(ctx_, frame_.get());
            if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return false;
            if (err < 0) {
                note_damage(AV_NOPTS_VALUE, err);
                continue;
            }
            damaged_in_a_row_ = 0;
            if (!format_) format_ = nvcast_format_for(static_cast<AVPixelFormat>(frame_->format));
            copier_.copy(*frame_, *format_, out);
            out.color = color_of(frame_->color_primaries, frame_->color_trc, frame_->colorspace, frame_->color_range,
                                 static_cast<AVPixelFormat>(frame_->format));
            pts = frame_->best_effort_timestamp;
            av_frame_unref(frame_.get());
            return true;
        }
    }

    SourceInfo describe(const AVStream& stream) const override {
        SourceInfo info;
        info.memory = MemoryType::Host;
        const auto av_format = static_cast<AVPixelFormat>(ctx_->pix_fmt);
        info.format = format_ ? *format_ : nvcast_format_for(av_format);
        info.decoder = std::string(avcodec_get_name(stream.codecpar->codec_id)) + " (" +
                       pixel_format_name(ctx_->pix_fmt) + ") on the CPU (libavcodec)";
        if (!same_layout_format(av_format))
            info.decoder += ", converted to " + std::string(to_string(info.format));
        return info;
    }

private:
    // Damaged data: libavcodec conceals what it can; skip the packet, say so, and give up when
    // nothing decodes any more.
    void note_damage(int64_t pts, int err) {
        ++damaged_;
        if (damaged_ <= 3)
            log(LogLevel::Warn, "input " + input_.name() + ": damaged video " + input_.time_of(pts) +
                                    " skipped: " + av_error(err));
        if (++damaged_in_a_row_ >= kGiveUpAfter)
            throw Error(ErrorCode::InvalidData, "input " + input_.name() + ": " + std::to_string(kGiveUpAfter) +
                                                    " damaged packets in a row " + input_.time_of(pts) +
                                                    "; the video cannot be decoded (" + av_error(err) + ")");
    }

    static constexpr int kGiveUpAfter = 50;
    const LibavInput& input_;
    AVCodecContext* ctx_ = nullptr;
    AvFramePtr frame_;
    FrameCopier copier_;
    std::optional<PixelFormat> format_;
    int damaged_ = 0;
    int damaged_in_a_row_ = 0;
};

#if NVCAST_HAVE_NVDEC
int bit_depth_of(const AVCodecParameters& par) {
    if (const AVPixFmtDescriptor* d = av_pix_fmt_desc_get(static_cast<AVPixelFormat>(par.format))) return d->comp[0].depth;
    return par.bits_per_raw_sample > 8 ? par.bits_per_raw_sample : 8;
}

bool is_420(const AVCodecParameters& par) {
    const AVPixFmtDescriptor* d = av_pix_fmt_desc_get(static_cast<AVPixelFormat>(par.format));
    return !d || (d->log2_chroma_w == 1 && d->log2_chroma_h == 1);
}

std::optional<nvdec::InputCodec> nvdec_codec(AVCodecID id) {
    switch (id) {
        case AV_CODEC_ID_H264: return nvdec::InputCodec::H264;
        case AV_CODEC_ID_HEVC: return nvdec::InputCodec::HEVC;
        case AV_CODEC_ID_VP9: return nvdec::InputCodec::VP9;
        case AV_CODEC_ID_AV1: return nvdec::InputCodec::AV1;
        default: return std::nullopt;
    }
}

// Why NVDEC cannot decode this stream; "" when it can.
std::string nvdec_refuses(const AVStream& stream, int gpu) {
    const AVCodecParameters& par = *stream.codecpar;
    const auto codec = nvdec_codec(par.codec_id);
    if (!codec) return std::string("NVDEC does not decode ") + avcodec_get_name(par.codec_id);
    if (!is_420(par)) return "NVDEC here decodes 4:2:0 only, and this stream is " + pixel_format_name(par.format);
    return nvdec::unsupported_reason({*codec, par.width, par.height, bit_depth_of(par)}, gpu);
}

// NVIDIA's decoder: packets in (Annex-B for H.264/HEVC), frames out in device memory.
class NvdecDecoding final : public VideoDecoding {
public:
    NvdecDecoding(const LibavInput& input, int gpu) {
        const AVStream& stream = input.video();
        const AVCodecParameters& par = *stream.codecpar;
        depth_ = bit_depth_of(par);
        decoder_ = std::make_unique<nvdec::Decoder>(
            nvdec::StreamFormat{*nvdec_codec(par.codec_id), par.width, par.height, depth_}, gpu);
        // NVDEC's parser reads Annex-B byte streams; MP4/MKV store H.264/HEVC length-prefixed.
        const char* filter = par.codec_id == AV_CODEC_ID_H264   ? "h264_mp4toannexb"
                             : par.codec_id == AV_CODEC_ID_HEVC ? "hevc_mp4toannexb"
                                                                : "null";
        const AVBitStreamFilter* bsf = av_bsf_get_by_name(filter);
        if (!bsf || av_bsf_alloc(bsf, &bsf_) < 0 || avcodec_parameters_copy(bsf_->par_in, &par) < 0)
            throw Error(ErrorCode::Unsupported, std::string("this FFmpeg lacks the ") + filter + " bitstream filter");
        bsf_->time_base_in = stream.time_base;
        if (const int err = av_bsf_init(bsf_); err < 0)
            throw Error(ErrorCode::InvalidData, "input " + input.name() + ": " + filter + ": " + av_error(err));
        filtered_ = av_packet_alloc();
        device_ = decoder_->device_name();
    }
    ~NvdecDecoding() override {
        av_packet_free(&filtered_);
        av_bsf_free(&bsf_);
    }

    void send(const AVPacket* packet) override {
        if (const int err = av_bsf_send_packet(bsf_, const_cast<AVPacket*>(packet)); err < 0 && err != AVERROR_EOF)
            throw Error(ErrorCode::InvalidData, "preparing a packet for NVDEC failed: " + av_error(err));
        while (av_bsf_receive_packet(bsf_, filtered_) == 0) {
            decoder_->send({filtered_->data, static_cast<size_t>(filtered_->size)}, filtered_->pts);
            av_packet_unref(filtered_);
        }
        if (!packet) decoder_->send_end();
    }

    bool receive(Frame& out, int64_t& pts) override {
        if (!decoder_->receive(out)) return false;
        pts = out.pts;
        return true;
    }

    SourceInfo describe(const AVStream& stream) const override {
        SourceInfo info;
        info.memory = MemoryType::Cuda;
        info.provides_buffers = true;
        info.format = depth_ > 8 ? PixelFormat::P010 : PixelFormat::NV12;
        info.decoder = std::string(avcodec_get_name(stream.codecpar->codec_id)) + " on NVDEC (" + device_ + ")";
        return info;
    }

private:
    std::unique_ptr<nvdec::Decoder> decoder_;
    AVBSFContext* bsf_ = nullptr;
    AVPacket* filtered_ = nullptr;
    int depth_ = 8;
    std::string device_;
};
#endif

// The decoder the user asked for; `why` says what auto chose and why.
std::unique_ptr<VideoDecoding> choose_decoding(const LibavInput& input, const InputOptions& options, std::string& why) {
#if NVCAST_HAVE_NVDEC
    if (options.decoder != DecoderChoice::Cpu) {
        const int gpu = options.gpu < 0 ? 0 : options.gpu;
        const std::string refused = nvdec_refuses(input.video(), gpu);
        if (options.decoder == DecoderChoice::Nvdec && !refused.empty())
            throw Error(ErrorCode::Unsupported, "input " + input.name() + ": NVDEC cannot decode it: " + refused +
                                                    " (--decoder cpu or auto decode it with libavcodec)");
        // auto: device frames are worth it only where CUDA kernels can take them (preparation, nvh264,
        // reading back for a software encoder); NVENC alone could, but the encoder is not known here.
        if (refused.empty() && (options.decoder == DecoderChoice::Nvdec || FrameConverter::gpu_available()))
            return std::make_unique<NvdecDecoding>(input, gpu);
        why = "; NVDEC: " + (refused.empty() ? "its device frames need CUDA kernels: " + FrameConverter::describe_gpu()
                                             : refused);
    }
#else
    if (options.decoder == DecoderChoice::Nvdec)
        throw Error(ErrorCode::Unsupported, "input " + input.name() +
                                                ": this build of nvcast has no NVDEC support (it needs the ffnvcodec headers)");
    if (options.decoder == DecoderChoice::Auto) why = "; NVDEC: not in this build";
#endif
    return std::make_unique<CpuDecoding>(input);
}

class MediaSource final : public FrameSource {
public:
    MediaSource(const std::string& url, const InputOptions& options)
        : input_(std::make_unique<LibavInput>(url, options)), packet_(av_packet_alloc()) {
        std::string why;
        decoding_ = choose_decoding(*input_, options, why);
        // Decode the first frame now: the format the decoder really gives, and a damaged input fails here.
        if (!next(pending_, pending_pts_))
            throw Error(ErrorCode::InvalidData, "input " + input_->name() + ": no video frame could be decoded");
        have_pending_ = true;
        const AVStream& v = input_->video();
        info_ = decoding_->describe(v);
        info_.decoder += why;
        info_.width = pending_.width();
        info_.height = pending_.height();
        info_.format = pending_.format();
        info_.color = pending_.color;
        AVRational rate = v.avg_frame_rate.num > 0 ? v.avg_frame_rate : v.r_frame_rate;
        if (options.fps_given || rate.num <= 0 || rate.den <= 0) rate = {options.fps_num, options.fps_den};
        av_reduce(&info_.fps_num, &info_.fps_den, rate.num, rate.den, 1 << 30);
        info_.time_base_num = v.time_base.num;
        info_.time_base_den = v.time_base.den;
        info_.frame_count = v.nb_frames > 0 ? v.nb_frames : -1;
        info_.live = input_->live();
        nominal_duration_ = frame_duration_in(rate.num, rate.den, v.time_base.num, v.time_base.den);
        carried_ = input_->carried();
        if (carried_ && carried_->empty()) carried_.reset();
        log(LogLevel::Debug, "input " + input_->name() + ": " + info_.decoder);
    }
    ~MediaSource() override { av_packet_free(&packet_); }

    const SourceInfo& info() const override { return info_; }
    void interrupt() override { input_->interrupt(); }
    std::shared_ptr<CarriedMedia> carried_media() const override { return carried_; }

    bool read(Frame& frame) override {
        int64_t pts = 0;
        if (have_pending_) {
            have_pending_ = false;
            deliver(pending_, pending_pts_, frame);
            pending_ = Frame();
            return true;
        }
        Frame decoded = frame;  // decoders write into the caller's buffer when it fits
        if (!next(decoded, pts)) return false;
        if (decoded.width() != info_.width || decoded.height() != info_.height)
            throw Error(ErrorCode::Unsupported,
                        "input " + input_->name() + ": the picture size changed from " + std::to_string(info_.width) +
                            "x" + std::to_string(info_.height) + " to " + std::to_string(decoded.width()) + "x" +
                            std::to_string(decoded.height()) + " " + input_->time_of(pts) +
                            "; a stream keeps one size (the frames before it were encoded)");
        deliver(decoded, pts, frame);
        return true;
    }

private:
    bool next(Frame& out, int64_t& pts) {
        for (;;) {
            if (decoding_->receive(out, pts)) return true;
            if (ended_) return false;
            if (input_->read_video_packet(*packet_)) {
                decoding_->send(packet_);
                av_packet_unref(packet_);
            } else {
                ended_ = true;
                decoding_->send(nullptr);
            }
        }
    }

    void deliver(Frame& decoded, int64_t pts, Frame& out) {
        // Frames without a timestamp continue the last one at the nominal rate.
        if (pts == AV_NOPTS_VALUE || (last_pts_ != AV_NOPTS_VALUE && pts <= last_pts_))
            pts = last_pts_ == AV_NOPTS_VALUE ? 0 : last_pts_ + nominal_duration_;
        last_pts_ = pts;
        decoded.pts = pts;
        if (&decoded != &out) out = decoded;
    }

    std::unique_ptr<LibavInput> input_;
    std::unique_ptr<VideoDecoding> decoding_;
    AVPacket* packet_;
    SourceInfo info_;
    std::shared_ptr<CarriedMedia> carried_;
    Frame pending_;
    int64_t pending_pts_ = 0;
    bool have_pending_ = false;
    bool ended_ = false;
    int64_t last_pts_ = AV_NOPTS_VALUE;
    int64_t nominal_duration_ = 1;
};

}  // namespace

std::unique_ptr<FrameSource> open_media(const std::string& url, const InputOptions& options) {
    return std::make_unique<MediaSource>(url, options);
}

}  // namespace nvcast

// x264 (H.264) through its C library: every rate-control mode, GOP and B-frames,
// zero-latency tuning, 8/10-bit, 4:4:4, intra refresh, slices, live bitrate change.
#include <algorithm>
#include <cstdarg>
#include <cstdint>  // x264.h uses the fixed-width types without including them
#include <cstdio>
#include <string>

extern "C" {
#include <x264.h>
}

#include "backends/backend_options.h"
#include "backends/backends.h"
#include "backends/software_common.h"
#include "nvcast/log.h"

namespace nvcast {
namespace {

constexpr const char* kName = "x264";

// x264 hands its printf-style format on; the attribute lets compilers check it as one.
__attribute__((format(printf, 3, 0))) void log_from_x264(void*, int level, const char* format, va_list args) {
    char buffer[1024];
    std::vsnprintf(buffer, sizeof buffer, format, args);
    std::string message = std::string("x264: ") + buffer;
    while (!message.empty() && message.back() == '\n') message.pop_back();
    log(level <= X264_LOG_ERROR ? LogLevel::Error : level == X264_LOG_WARNING ? LogLevel::Warn : LogLevel::Debug,
        message);
}

FrameType frame_type_of(int x264_type) {
    switch (x264_type) {
        case X264_TYPE_IDR: return FrameType::IDR;
        case X264_TYPE_I: return FrameType::I;
        case X264_TYPE_P: return FrameType::P;
        case X264_TYPE_B:
        case X264_TYPE_BREF: return FrameType::B;
        default: return FrameType::Unknown;
    }
}

void apply_rate_control(x264_param_t& p, const RateControl& rc, bool lossless) {
    const int kbps = static_cast<int>(std::max<int64_t>(1, rc.bitrate / 1000));
    switch (rc.mode) {
        case RateControlMode::CQP:
            p.rc.i_rc_method = X264_RC_CQP;
            p.rc.i_qp_constant = lossless ? 0 : rc.qp;
            break;
        case RateControlMode::ConstantQuality:
            p.rc.i_rc_method = X264_RC_CRF;
            p.rc.f_rf_constant = static_cast<float>(rc.quality);
            break;
        case RateControlMode::CBR:
            p.rc.i_rc_method = X264_RC_ABR;
            p.rc.i_bitrate = kbps;
            p.rc.i_vbv_max_bitrate = kbps;
            p.rc.i_vbv_buffer_size = static_cast<int>(sw::vbv_bits(rc) / 1000);
            p.rc.b_filler = 1;  // pad to a constant rate, like NVENC's CBR
            break;
        case RateControlMode::VBR:
            p.rc.i_rc_method = X264_RC_ABR;
            p.rc.i_bitrate = kbps;
            p.rc.i_vbv_max_bitrate = static_cast<int>(sw::peak_bitrate(rc) / 1000);
            p.rc.i_vbv_buffer_size = static_cast<int>(sw::vbv_bits(rc) / 1000);
            break;
    }
}

x264_param_t make_params(const EncoderConfig& c) {
    x264_param_t p;
    const bool low_latency = c.tuning == Tuning::LowLatency || c.tuning == Tuning::UltraLowLatency;
    if (x264_param_default_preset(&p, sw::x26x_preset_name(c.preset), low_latency ? "zerolatency" : nullptr) < 0)
        throw Error(ErrorCode::EncoderFailure, "x264 rejected preset " + std::to_string(c.preset));
    p.pf_log = log_from_x264;
    p.i_log_level = X264_LOG_WARNING;
    p.i_width = c.width;
    p.i_height = c.height;
    p.i_bitdepth = c.bit_depth;
    p.i_csp = (c.chroma == ChromaFormat::YUV444 ? X264_CSP_I444 : X264_CSP_I420) |
              (c.bit_depth > 8 ? X264_CSP_HIGH_DEPTH : 0);
    p.i_fps_num = static_cast<uint32_t>(c.fps_num);
    p.i_fps_den = static_cast<uint32_t>(c.fps_den);
    p.i_timebase_num = static_cast<uint32_t>(c.fps_den);
    p.i_timebase_den = static_cast<uint32_t>(c.fps_num);
    p.b_vfr_input = 0;
    p.b_repeat_headers = 1;  // SPS/PPS before every IDR: streams can be joined at any keyframe
    p.b_annexb = 1;
    p.i_threads = c.threads > 0 ? c.threads : X264_THREADS_AUTO;
    if (c.tuning == Tuning::UltraLowLatency) {  // nothing buffered ahead of the frame being encoded
        p.i_sync_lookahead = 0;
        p.rc.i_lookahead = 0;
    }
    // Frames the rate control looks ahead (and so holds); default: the preset's.
    if (backend_option(c, "x264", "lookahead")) p.rc.i_lookahead = backend_option_int(c, "x264", "lookahead", 0, 0, 250);

    // Keyframes exactly where configured: no scene-cut IDRs.
    p.i_scenecut_threshold = 0;
    p.i_keyint_max = c.gop_length == kInfiniteGop ? X264_KEYINT_MAX_INFINITE : c.gop_length;
    p.i_keyint_min = c.gop_length == kInfiniteGop ? X264_KEYINT_MIN_AUTO : c.gop_length;
    if (c.intra_refresh) {
        p.b_intra_refresh = 1;
        p.i_keyint_max = intra_refresh_period_of(c);
    }
    p.i_bframe = c.b_frames;
    if (c.b_frames == 0) p.i_bframe_adaptive = X264_B_ADAPT_NONE;
    p.i_slice_count = c.slices > 1 ? c.slices : 0;
    apply_rate_control(p, c.rc, c.tuning == Tuning::Lossless);

    if (c.color.specified()) {
        p.vui.i_colorprim = static_cast<int>(c.color.primaries);
        p.vui.i_transfer = static_cast<int>(c.color.transfer);
        p.vui.i_colmatrix = static_cast<int>(c.color.matrix);
        p.vui.b_fullrange = c.color.range == ColorRange::Full;
    }
    std::string profile = c.profile;
    if (!profile.empty() && x264_param_apply_profile(&p, profile.c_str()) < 0)
        throw Error(ErrorCode::InvalidArgument,
                    "x264: profile '" + profile + "' does not fit this config (allowed: baseline, main, high, "
                    "high10, high422, high444; baseline/main need 8-bit 4:2:0 without lossless, and baseline has no "
                    "B-frames)");
    return p;
}

class X264Encoder final : public Encoder {
public:
    explicit X264Encoder(const EncoderConfig& config) : Encoder(config) {
        params_ = make_params(config_);
        handle_ = x264_encoder_open(&params_);
        if (!handle_)
            throw Error(ErrorCode::EncoderFailure,
                        "x264 refused the configuration (see the x264 message above); size " +
                            std::to_string(config_.width) + "x" + std::to_string(config_.height));
        x264_encoder_parameters(handle_, &params_);
    }
    ~X264Encoder() override { x264_encoder_close(handle_); }

    std::string backend_name() const override { return kName; }
    Capabilities capabilities() const override { return x264_backend().probe().codecs.at(0).caps; }

    void send_frame(const Frame& frame, const FrameOptions& options) override {
        if (flushed_) throw Error(ErrorCode::InvalidState, "x264: send_frame after flush");
        sw::check_input_frame(config_, frame, kName);
        const Frame& planar = sw::to_planar(frame, sw::planar_format_for(config_), scratch_);
        x264_picture_t pic;
        x264_picture_init(&pic);
        pic.img.i_csp = params_.i_csp;
        pic.img.i_plane = 3;
        for (int p = 0; p < 3; ++p) {
            pic.img.plane[p] = planar.data(p);
            pic.img.i_stride[p] = planar.pitch(p);
        }
        pic.i_pts = frame.pts;
        if (options.force_idr)
            pic.i_type = X264_TYPE_IDR;
        else if (options.force_intra)
            pic.i_type = X264_TYPE_I;
        encode(&pic);
    }

    std::optional<Packet> receive_packet() override { return queue_.pop(); }

    void flush() override {
        flushed_ = true;
        while (x264_encoder_delayed_frames(handle_) > 0)
            if (encode(nullptr) < 0) break;
    }

    void set_bitrate(int64_t bitrate, int64_t max_bitrate) override {
        if (config_.rc.mode != RateControlMode::CBR && config_.rc.mode != RateControlMode::VBR)
            sw::unsupported(kName, "change the bitrate of a " + std::string(to_string(config_.rc.mode)) + " session",
                            "open it with cbr or vbr");
        if (bitrate <= 0) throw Error(ErrorCode::InvalidArgument, "x264: new bitrate must be > 0");
        RateControl rc = config_.rc;
        rc.bitrate = bitrate;
        rc.max_bitrate = max_bitrate;
        rc.vbv_size = 0;
        apply_rate_control(params_, rc, false);
        if (x264_encoder_reconfig(handle_, &params_) < 0)
            throw Error(ErrorCode::EncoderFailure, "x264 refused the new bitrate " + std::to_string(bitrate));
        config_.rc = rc;
    }

    std::vector<uint8_t> codec_headers() override {
        x264_nal_t* nals = nullptr;
        int count = 0;
        const int size = x264_encoder_headers(handle_, &nals, &count);
        if (size <= 0 || count == 0) throw Error(ErrorCode::EncoderFailure, "x264 could not produce SPS/PPS");
        std::vector<uint8_t> out;
        for (int i = 0; i < count; ++i)
            if (nals[i].i_type == NAL_SPS || nals[i].i_type == NAL_PPS)
                out.insert(out.end(), nals[i].p_payload, nals[i].p_payload + nals[i].i_payload);
        return out;
    }

private:
    int encode(x264_picture_t* in) {
        x264_nal_t* nals = nullptr;
        int count = 0;
        x264_picture_t out;
        const int size = x264_encoder_encode(handle_, &nals, &count, in, &out);
        if (size < 0) throw Error(ErrorCode::EncoderFailure, "x264 failed to encode a frame");
        if (size > 0) {
            Packet packet;
            packet.data.assign(nals[0].p_payload, nals[0].p_payload + size);  // x264 lays NALs out contiguously
            packet.pts = out.i_pts;
            packet.dts = out.i_dts;
            packet.keyframe = out.b_keyframe;
            packet.type = frame_type_of(out.i_type);
            packet.qp = out.i_qpplus1 - 1;
            queue_.push(std::move(packet));
        }
        return size;
    }

    x264_param_t params_{};
    x264_t* handle_ = nullptr;
    Frame scratch_;
    sw::PacketQueue queue_;
    bool flushed_ = false;
};

class X264Backend final : public Backend {
public:
    std::string_view name() const override { return kName; }
    std::vector<BackendOptionInfo> options() const override {
        return {{"lookahead", "rate-control lookahead in frames, 0..250 (default: the preset's)"}};
    }
    BackendInfo probe() const override {
        BackendInfo info;
        info.name = kName;
        info.description = "x264 software H.264 encoder (CPU)";
        info.available = true;
        info.version = X264_POINTVER;
        Capabilities caps;
        caps.max_width = caps.max_height = 16384;
        caps.min_width = caps.min_height = 16;
        caps.bit_depth_10 = X264_BIT_DEPTH == 0 || X264_BIT_DEPTH == 10;
        caps.yuv444 = true;
        caps.b_frames = true;
        caps.lossless = true;
        caps.intra_refresh = true;
        caps.cbr = caps.vbr = caps.constant_quality = true;
        caps.dynamic_bitrate = caps.dynamic_bitrate_no_keyframe = true;
        caps.zero_latency = true;
        caps.max_slices = 256;
        info.codecs.push_back({Codec::H264, caps});
        return info;
    }

    std::unique_ptr<Encoder> create(const EncoderConfig& config) const override {
        if (config.codec != Codec::H264) sw::unsupported(kName, "encode " + std::string(to_string(config.codec)), "x264 encodes h264 only");
        return std::make_unique<X264Encoder>(config);
    }
};

}  // namespace

const Backend& x264_backend() {
    static const X264Backend backend;
    return backend;
}

}  // namespace nvcast

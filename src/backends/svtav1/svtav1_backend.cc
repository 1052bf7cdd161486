// SVT-AV1 through its C library. SVT-AV1 is asynchronous: pictures go in, packets
// come out later on its own threads, so receive_packet() polls its queue. Even its
// low-delay mode returns a frame's packet only after the next frame is sent.
#include <algorithm>
#include <cstdio>
#include <string>

extern "C" {
#include <svt-av1/EbSvtAv1Enc.h>
}

#include "backends/backends.h"
#include "backends/software_common.h"
#include "backends/svtav1/svtav1_structure.h"
#include "nvcast/log.h"

namespace nvcast {
namespace {

constexpr const char* kName = "svtav1";
constexpr int kMinDimension = 64;  // SVT-AV1's documented minimum frame size

// nvcast P1 (fastest) .. P7 (best) onto SVT-AV1's 13 (fastest) .. 0 (best).
int8_t enc_mode_for(int preset) {
    static constexpr int8_t kModes[] = {12, 11, 10, 8, 6, 4, 2};
    return kModes[std::clamp(preset, 1, 7) - 1];
}

FrameType frame_type_of(EbAv1PictureType type) {
    switch (type) {
        case EB_AV1_KEY_PICTURE: return FrameType::IDR;
        case EB_AV1_INTRA_ONLY_PICTURE:
        case EB_AV1_FW_KEY_PICTURE: return FrameType::I;
        case EB_AV1_NON_REF_PICTURE: return FrameType::B;
        default: return FrameType::P;
    }
}

std::string svt_error(EbErrorType e) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08x", static_cast<unsigned>(e));
    return hex;
}

bool can_force_keyframes(const EncoderConfig& c) {
    return !svtav1_uses_low_delay(c) && (c.rc.mode == RateControlMode::CQP || c.rc.mode == RateControlMode::ConstantQuality);
}

// Everything SVT-AV1 1.4 cannot do, checked before the session opens.
void check_supported(const EncoderConfig& c) {
    if (c.width < kMinDimension || c.height < kMinDimension)
        sw::unsupported(kName, "encode " + std::to_string(c.width) + "x" + std::to_string(c.height),
                        "SVT-AV1 needs at least 64x64");
    if (c.chroma != ChromaFormat::YUV420) sw::unsupported(kName, "encode 4:4:4", "SVT-AV1 encodes 4:2:0 only");
    if (c.tuning == Tuning::Lossless) sw::unsupported(kName, "encode losslessly");
    if (c.intra_refresh) sw::unsupported(kName, "use periodic intra refresh", "use a GOP length instead");
    if (c.slices > 1) sw::unsupported(kName, "split frames into slices", "AV1 has tiles, not slices");
    if (c.rc.mode == RateControlMode::CBR && c.b_frames > 0)
        sw::unsupported(kName, "combine cbr with b-frames", "SVT-AV1 runs CBR in low-delay mode only");
    if (!c.profile.empty() && c.profile != "main")
        sw::unsupported(kName, "use profile '" + c.profile + "'", "AV1 4:2:0 8/10-bit is profile main");
}

void configure(EbSvtAv1EncConfiguration& cfg, const EncoderConfig& c) {
    cfg.enc_mode = enc_mode_for(c.preset);
    cfg.source_width = static_cast<uint32_t>(c.width);
    cfg.source_height = static_cast<uint32_t>(c.height);
    cfg.frame_rate_numerator = static_cast<uint32_t>(c.fps_num);
    cfg.frame_rate_denominator = static_cast<uint32_t>(c.fps_den);
    cfg.encoder_bit_depth = static_cast<uint32_t>(c.bit_depth);
    cfg.encoder_color_format = EB_YUV420;
    if (c.threads > 0) cfg.logical_processors = static_cast<uint32_t>(c.threads);

    // Low-latency tunings and CBR use SVT-AV1's low-delay structure (no reordering). Otherwise
    // SVT-AV1 works in random access, which always reorders; b_frames picks the hierarchy depth.
    if (svtav1_uses_low_delay(c)) {
        cfg.pred_structure = SVT_AV1_PRED_LOW_DELAY_B;
    } else {
        cfg.pred_structure = SVT_AV1_PRED_RANDOM_ACCESS;
        if (c.b_frames > 0) {
            uint32_t levels = 2;  // SVT-AV1 1.4 supports 2..5 levels (3..31 B-frames per mini-GOP)
            while ((1 << levels) - 1 < c.b_frames && levels < 5) ++levels;
            cfg.hierarchical_levels = levels;
        }
        // Forced key frames are supported in random access with CQP/CRF only (SVT-AV1 1.4).
        cfg.force_key_frames = can_force_keyframes(c);
    }
    if (svtav1_uses_low_delay(c)) cfg.look_ahead_distance = 0;
    // SVT-AV1 ignores forced key frames under "no intra update" (-1), so where forcing is
    // possible an infinite GOP is a period longer than any stream.
    constexpr int32_t kEndlessPeriod = (1 << 30) - 1;
    if (c.gop_length == kInfiniteGop)
        cfg.intra_period_length = can_force_keyframes(c) ? kEndlessPeriod : -1;
    else
        cfg.intra_period_length = c.gop_length - 1;
    cfg.intra_refresh_type = SVT_AV1_KF_REFRESH;  // closed GOP: every period starts with a key frame

    const RateControl& rc = c.rc;
    switch (rc.mode) {
        case RateControlMode::CQP:
            cfg.rate_control_mode = SVT_AV1_RC_MODE_CQP_OR_CRF;
            cfg.enable_adaptive_quantization = 0;  // no AQ: constant QP
            cfg.qp = static_cast<uint32_t>(rc.qp);
            break;
        case RateControlMode::ConstantQuality:
            cfg.rate_control_mode = SVT_AV1_RC_MODE_CQP_OR_CRF;
            cfg.enable_adaptive_quantization = 2;  // AQ on: SVT-AV1's CRF
            cfg.qp = static_cast<uint32_t>(rc.quality);
            break;
        case RateControlMode::CBR:
        case RateControlMode::VBR:
            cfg.rate_control_mode = rc.mode == RateControlMode::CBR ? SVT_AV1_RC_MODE_CBR : SVT_AV1_RC_MODE_VBR;
            cfg.target_bit_rate = static_cast<uint32_t>(rc.bitrate);
            if (rc.mode == RateControlMode::VBR && rc.max_bitrate > 0)
                cfg.max_bit_rate = static_cast<uint32_t>(rc.max_bitrate);
            {
                const int64_t buffer_ms = sw::vbv_bits(rc) * 1000 / std::max<int64_t>(1, sw::peak_bitrate(rc));
                cfg.maximum_buffer_size_ms = buffer_ms;
                cfg.starting_buffer_level_ms = buffer_ms * 6 / 10;
                cfg.optimal_buffer_level_ms = buffer_ms * 6 / 10;
            }
            break;
    }
    if (rc.mode == RateControlMode::CQP || rc.mode == RateControlMode::ConstantQuality) {
        const int q = rc.mode == RateControlMode::CQP ? rc.qp : rc.quality;
        if (q > 63)
            throw Error(ErrorCode::InvalidArgument,
                        "svtav1: qp/quality " + std::to_string(q) + " is out of SVT-AV1's range 0..63");
    }
    if (c.color.specified()) {
        cfg.color_primaries = static_cast<EbColorPrimaries>(c.color.primaries);
        cfg.transfer_characteristics = static_cast<EbTransferCharacteristics>(c.color.transfer);
        cfg.matrix_coefficients = static_cast<EbMatrixCoefficients>(c.color.matrix);
        cfg.color_range = c.color.range == ColorRange::Full ? EB_CR_FULL_RANGE : EB_CR_STUDIO_RANGE;
    }
}

class SvtAv1Encoder final : public Encoder {
public:
    explicit SvtAv1Encoder(const EncoderConfig& config) : Encoder(config) {
        check_supported(config_);
        EbSvtAv1EncConfiguration cfg{};
        EbErrorType e = svt_av1_enc_init_handle(&handle_, nullptr, &cfg);
        if (e != EB_ErrorNone) throw Error(ErrorCode::EncoderFailure, "svtav1: cannot create an encoder (" + svt_error(e) + ")");
        configure(cfg, config_);
        e = svt_av1_enc_set_parameter(handle_, &cfg);
        if (e == EB_ErrorNone) e = svt_av1_enc_init(handle_);
        if (e != EB_ErrorNone) {
            svt_av1_enc_deinit_handle(handle_);
            throw Error(ErrorCode::EncoderFailure,
                        "SVT-AV1 refused the configuration (" + svt_error(e) + "; see its message above)");
        }
    }

    ~SvtAv1Encoder() override {
        // SVT-AV1 hangs in deinit unless it has seen end-of-stream and given back every packet.
        // SVT-AV1 1.4.1 never answers EOS when no picture was sent, and its deinit without
        // EOS hangs too; an encoder that got no frame is fed one throwaway picture first.
        try {
            if (frames_sent_ == 0) {
                flushed_ = false;
                send_frame(Frame::allocate(sw::planar_format_for(config_), config_.width, config_.height), {});
            }
            flush_now();
            collect(true);
        } catch (const Error& e) {
            log(LogLevel::Warn, std::string("svtav1: closing: ") + e.what());
        }
        svt_av1_enc_deinit(handle_);
        svt_av1_enc_deinit_handle(handle_);
    }

    std::string backend_name() const override { return kName; }
    Capabilities capabilities() const override { return svtav1_backend().probe().codecs.at(0).caps; }

    void send_frame(const Frame& frame, const FrameOptions& options) override {
        if (flushed_) throw Error(ErrorCode::InvalidState, "svtav1: send_frame after flush");
        sw::check_input_frame(config_, frame, kName);
        if ((options.force_idr || options.force_intra) && !can_force_keyframes(config_))
            sw::unsupported(kName, "force a key frame in low-delay, cbr or vbr mode",
                            "SVT-AV1 1.4 forces key frames only with cqp/cq and normal latency");
        const Frame& planar = sw::to_planar(frame, sw::planar_format_for(config_), scratch_);
        const int bytes = config_.bit_depth > 8 ? 2 : 1;
        EbSvtIOFormat io{};
        io.luma = planar.data(0);
        io.cb = planar.data(1);
        io.cr = planar.data(2);
        io.y_stride = static_cast<uint32_t>(planar.pitch(0) / bytes);  // SVT-AV1 strides are in samples
        io.cb_stride = static_cast<uint32_t>(planar.pitch(1) / bytes);
        io.cr_stride = static_cast<uint32_t>(planar.pitch(2) / bytes);
        io.width = static_cast<uint32_t>(config_.width);
        io.height = static_cast<uint32_t>(config_.height);
        io.color_fmt = EB_YUV420;
        io.bit_depth = config_.bit_depth > 8 ? EB_TEN_BIT : EB_EIGHT_BIT;
        EbBufferHeaderType in{};
        in.size = sizeof(EbBufferHeaderType);
        in.p_buffer = reinterpret_cast<uint8_t*>(&io);
        in.n_filled_len = static_cast<uint32_t>(frame_size_bytes(planar.format(), config_.width, config_.height));
        in.n_alloc_len = in.n_filled_len;
        in.pts = frame.pts;
        in.pic_type = options.force_idr || options.force_intra ? EB_AV1_KEY_PICTURE : EB_AV1_INVALID_PICTURE;
        const EbErrorType e = svt_av1_enc_send_picture(handle_, &in);
        if (e != EB_ErrorNone) throw Error(ErrorCode::EncoderFailure, "svtav1: sending a picture failed (" + svt_error(e) + ")");
        ++frames_sent_;
    }

    std::optional<Packet> receive_packet() override {
        if (queue_.empty()) collect(flushed_ && frames_sent_ > 0);
        return queue_.pop();
    }

    void flush() override {
        if (frames_sent_ > 0) flush_now();
        flushed_ = true;  // with no frames, EOS waits for the destructor (see there)
    }

    void set_bitrate(int64_t, int64_t) override {
        sw::unsupported(kName, "change the bitrate mid-stream", "SVT-AV1 1.4 has no reconfiguration; reopen the session");
    }

    std::vector<uint8_t> codec_headers() override {
        EbBufferHeaderType* header = nullptr;
        if (svt_av1_enc_stream_header(handle_, &header) != EB_ErrorNone || !header)
            throw Error(ErrorCode::EncoderFailure, "svtav1 could not produce a sequence header");
        std::vector<uint8_t> out(header->p_buffer, header->p_buffer + header->n_filled_len);
        svt_av1_enc_stream_header_release(header);
        return out;
    }

private:
    void flush_now() {
        if (eos_sent_) return;
        eos_sent_ = true;
        EbBufferHeaderType eos{};
        eos.size = sizeof(EbBufferHeaderType);
        eos.flags = EB_BUFFERFLAG_EOS;
        svt_av1_enc_send_picture(handle_, &eos);
    }

    // Takes finished packets off SVT-AV1's queue; after EOS it blocks until the last one.
    void collect(bool draining) {
        while (!eos_seen_) {
            EbBufferHeaderType* out = nullptr;
            const EbErrorType e = svt_av1_enc_get_packet(handle_, &out, draining ? 1 : 0);
            if (e == EB_NoErrorEmptyQueue) return;
            if (e != EB_ErrorNone || !out) throw Error(ErrorCode::EncoderFailure, "svtav1: encoding failed (" + svt_error(e) + ")");
            if (out->flags & EB_BUFFERFLAG_EOS) eos_seen_ = true;
            if (out->n_filled_len > 0) {
                Packet packet;
                packet.data.assign(out->p_buffer, out->p_buffer + out->n_filled_len);
                packet.pts = out->pts;
                packet.dts = out->dts;
                packet.type = frame_type_of(out->pic_type);
                packet.keyframe = out->pic_type == EB_AV1_KEY_PICTURE;
                packet.qp = static_cast<int>(out->qp);
                queue_.push(std::move(packet));
            }
            svt_av1_enc_release_out_buffer(&out);
            if (!draining) return;
        }
    }

    EbComponentType* handle_ = nullptr;
    Frame scratch_;
    sw::PacketQueue queue_;
    int64_t frames_sent_ = 0;
    bool flushed_ = false;
    bool eos_sent_ = false;
    bool eos_seen_ = false;
};

class SvtAv1Backend final : public Backend {
public:
    std::string_view name() const override { return kName; }
    BackendInfo probe() const override {
        BackendInfo info;
        info.name = kName;
        info.description = "SVT-AV1 software AV1 encoder (CPU)";
        info.available = true;
        info.version = svt_av1_get_version();
        Capabilities caps;
        caps.max_width = 16384;
        caps.max_height = 8704;
        caps.min_width = caps.min_height = kMinDimension;
        caps.bit_depth_10 = true;
        caps.b_frames = true;
        caps.cbr = caps.vbr = caps.constant_quality = true;
        caps.zero_latency = false;  // low-delay mode still holds one frame (measured with SVT-AV1 1.4.1)
        info.codecs.push_back({Codec::AV1, caps});
        return info;
    }

    std::unique_ptr<Encoder> create(const EncoderConfig& config) const override {
        if (config.codec != Codec::AV1)
            sw::unsupported(kName, "encode " + std::string(to_string(config.codec)), "SVT-AV1 encodes av1 only");
        return std::make_unique<SvtAv1Encoder>(config);
    }
};

}  // namespace

const Backend& svtav1_backend() {
    static const SvtAv1Backend backend;
    return backend;
}

}  // namespace nvcast

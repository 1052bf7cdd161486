// x265 (HEVC) through its C API table (x265_api_get), which also selects the
// 8- or 10-bit build of the library. Settings go through x265's own parameter
// parser so that x265 validates them and names the bad one.
#include <algorithm>
#include <mutex>
#include <string>

extern "C" {
#include <x265.h>
}

#include "backends/backend_options.h"
#include "backends/backends.h"
#include "backends/software_common.h"
#include "nvcast/log.h"

namespace nvcast {
namespace {

constexpr const char* kName = "x265";

FrameType frame_type_of(int x265_type) {
    switch (x265_type) {
        case X265_TYPE_IDR: return FrameType::IDR;
        case X265_TYPE_I: return FrameType::I;
        case X265_TYPE_P: return FrameType::P;
        case X265_TYPE_B:
        case X265_TYPE_BREF: return FrameType::B;
        default: return FrameType::Unknown;
    }
}

const x265_api* api_for_depth(int depth) { return x265_api_get(depth); }

// x265 keeps process-wide allocations until cleanup(), which is only safe with no
// encoder open: count live encoders and clean up after the last one closes.
std::mutex g_live_mutex;
int g_live_encoders = 0;

class X265Params {
public:
    explicit X265Params(const x265_api* api) : api_(api), p_(api->param_alloc()) {
        if (!p_) throw Error(ErrorCode::ResourceExhausted, "x265: out of memory allocating parameters");
    }
    ~X265Params() { api_->param_free(p_); }
    X265Params(const X265Params&) = delete;
    X265Params& operator=(const X265Params&) = delete;

    void set(const char* name, const std::string& value) {
        const int err = api_->param_parse(p_, name, value.c_str());
        if (err != 0)
            throw Error(ErrorCode::InvalidArgument, std::string("x265 rejected ") + name + "=" + value +
                                                        (err == X265_PARAM_BAD_NAME ? " (unknown option)" : ""));
    }
    void set(const char* name, int64_t value) { set(name, std::to_string(value)); }
    x265_param* get() const { return p_; }

private:
    const x265_api* api_;
    x265_param* p_;
};

void apply_rate_control(X265Params& p, const RateControl& rc, bool lossless) {
    switch (rc.mode) {
        case RateControlMode::CQP:
            if (lossless) p.set("lossless", "1");
            else p.set("qp", rc.qp);
            break;
        case RateControlMode::ConstantQuality: p.set("crf", rc.quality); break;
        case RateControlMode::CBR:
            p.set("bitrate", rc.bitrate / 1000);
            p.set("vbv-maxrate", rc.bitrate / 1000);
            p.set("vbv-bufsize", sw::vbv_bits(rc) / 1000);
            p.set("strict-cbr", "1");
            break;
        case RateControlMode::VBR:
            p.set("bitrate", rc.bitrate / 1000);
            p.set("vbv-maxrate", sw::peak_bitrate(rc) / 1000);
            p.set("vbv-bufsize", sw::vbv_bits(rc) / 1000);
            break;
    }
}

void configure(X265Params& p, const x265_api* api, const EncoderConfig& c) {
    const bool low_latency = c.tuning == Tuning::LowLatency || c.tuning == Tuning::UltraLowLatency;
    if (api->param_default_preset(p.get(), sw::x26x_preset_name(c.preset), low_latency ? "zerolatency" : nullptr) < 0)
        throw Error(ErrorCode::EncoderFailure, "x265 rejected preset " + std::to_string(c.preset));
    p.set("log-level", "warning");
    x265_param* raw = p.get();
    raw->sourceWidth = c.width;
    raw->sourceHeight = c.height;
    // x265 needs at least one coding tree unit each way: small pictures get smaller CTUs (16, HEVC's
    // smallest, or 32) instead of the preset's 32 or 64, and quantization groups no larger.
    const int side = std::min(c.width, c.height), long_side = std::max(c.width, c.height);
    // HEVC levels 5 and up need CTUs of 32 or more, and a side above sqrt(8 * MaxLumaPs) of level 4.1
    // (4222, counted in coding units of up to 16 pixels) needs level 5: a picture narrower than 32
    // cannot be that long.
    if (side < 32 && (long_side + 15) / 16 * 16 > 4222)
        throw Error(ErrorCode::Unsupported, "x265: cannot encode " + std::to_string(c.width) + "x" +
                                                std::to_string(c.height) + ": a picture under 32 pixels on one side "
                                                "(16-pixel coding tree units) may be at most 4208 on the other "
                                                "(HEVC level 4.1; level 5 needs 32-pixel CTUs)");
    if (static_cast<int>(raw->maxCUSize) > side) {
        const int ctu = side >= 32 ? 32 : 16;
        p.set("ctu", ctu);
        p.set("qg-size", ctu);
        p.set("max-tu-size", ctu);
    }
    raw->fpsNum = static_cast<uint32_t>(c.fps_num);
    raw->fpsDenom = static_cast<uint32_t>(c.fps_den);
    raw->internalCsp = c.chroma == ChromaFormat::YUV444 ? X265_CSP_I444 : X265_CSP_I420;
    raw->sourceBitDepth = c.bit_depth;
    p.set("repeat-headers", "1");
    p.set("annexb", "1");
    p.set("info", "0");  // no encoder-settings SEI: keeps packets comparable and small
    if (c.threads > 0) {
        p.set("pools", c.threads);
        p.set("frame-threads", std::min(c.threads, 16));
    }
    p.set("scenecut", "0");  // keyframes exactly where configured
    p.set("open-gop", "0");  // ... and each one an IDR (closed GOP), not a CRA
    p.set("keyint", c.gop_length == kInfiniteGop ? -1 : c.gop_length);
    if (c.gop_length != kInfiniteGop) p.set("min-keyint", c.gop_length);
    if (c.intra_refresh) {
        p.set("intra-refresh", "1");
        p.set("keyint", intra_refresh_period_of(c));
    }
    p.set("bframes", c.b_frames);
    if (c.slices > 1) p.set("slices", c.slices);
    if (c.tuning == Tuning::UltraLowLatency) p.set("rc-lookahead", "0");
    // Frames the rate control looks ahead (and so holds): the NVENC emulator keeps it at NVENC's
    // delay, the B-frames (+ its lookahead), instead of the preset's 20 or more.
    if (backend_option(c, "x265", "lookahead"))
        p.set("rc-lookahead", backend_option_int(c, "x265", "lookahead", 0, c.b_frames + 1, 250));
    apply_rate_control(p, c.rc, c.tuning == Tuning::Lossless);
    if (c.color.specified()) {
        p.get()->vui.colorPrimaries = static_cast<int>(c.color.primaries);
        p.get()->vui.transferCharacteristics = static_cast<int>(c.color.transfer);
        p.get()->vui.matrixCoeffs = static_cast<int>(c.color.matrix);
        p.get()->vui.bEnableVideoFullRangeFlag = c.color.range == ColorRange::Full;
        p.get()->vui.bEnableColorDescriptionPresentFlag = 1;
        p.get()->vui.bEnableVideoSignalTypePresentFlag = 1;
    }
    std::string profile = c.profile;
    if (!profile.empty() && api->param_apply_profile(p.get(), profile.c_str()) < 0)
        throw Error(ErrorCode::InvalidArgument, "x265: profile '" + profile +
                                                    "' does not fit this config (e.g. main, main10, main444-8, "
                                                    "main444-10; main needs 8-bit 4:2:0)");
}

class X265Encoder final : public Encoder {
public:
    explicit X265Encoder(const EncoderConfig& config) : Encoder(config) {
        api_ = api_for_depth(config_.bit_depth);
        if (!api_)
            sw::unsupported(kName, "encode " + std::to_string(config_.bit_depth) + "-bit",
                            "this libx265 was built without that bit depth");
        params_ = std::make_unique<X265Params>(api_);
        configure(*params_, api_, config_);
        handle_ = api_->encoder_open(params_->get());
        if (!handle_)
            throw Error(ErrorCode::EncoderFailure, "x265 refused the configuration (see the x265 message above)");
        {
            std::lock_guard lock(g_live_mutex);
            ++g_live_encoders;
        }
        api_->encoder_parameters(handle_, params_->get());
        picture_ = api_->picture_alloc();
        api_->picture_init(params_->get(), picture_);
    }
    ~X265Encoder() override {
        api_->picture_free(picture_);
        api_->encoder_close(handle_);
        release_library(api_);
    }

    static void release_library(const x265_api* api) {
        std::lock_guard lock(g_live_mutex);
        if (--g_live_encoders == 0 && api) api->cleanup();
    }

    std::string backend_name() const override { return kName; }
    Capabilities capabilities() const override { return x265_backend().probe().codecs.at(0).caps; }

    void send_frame(const Frame& frame, const FrameOptions& options) override {
        if (flushed_) throw Error(ErrorCode::InvalidState, "x265: send_frame after flush");
        sw::check_input_frame(config_, frame, kName);
        const Frame& planar = sw::to_planar(frame, sw::planar_format_for(config_), scratch_);
        api_->picture_init(params_->get(), picture_);
        for (int p = 0; p < 3; ++p) {
            picture_->planes[p] = planar.data(p);
            picture_->stride[p] = planar.pitch(p);
        }
        picture_->bitDepth = config_.bit_depth;
        picture_->pts = frame.pts;
        picture_->sliceType = options.force_idr ? X265_TYPE_IDR : options.force_intra ? X265_TYPE_I : X265_TYPE_AUTO;
        encode(picture_);
    }

    std::optional<Packet> receive_packet() override { return queue_.pop(); }

    void flush() override {
        flushed_ = true;
        while (encode(nullptr) > 0) {
        }
    }

    void set_bitrate(int64_t, int64_t) override {
        // x265 3.5 accepts x265_encoder_reconfig() with a new bitrate but keeps encoding at
        // the old one (measured: 800k -> 200k left the rate at ~780k), so say so instead.
        sw::unsupported(kName, "change the bitrate mid-stream", "x265 ignores rate reconfiguration; reopen the session");
    }

    std::vector<uint8_t> codec_headers() override {
        x265_nal* nals = nullptr;
        uint32_t count = 0;
        if (api_->encoder_headers(handle_, &nals, &count) < 0)
            throw Error(ErrorCode::EncoderFailure, "x265 could not produce VPS/SPS/PPS");
        std::vector<uint8_t> out;
        for (uint32_t i = 0; i < count; ++i) out.insert(out.end(), nals[i].payload, nals[i].payload + nals[i].sizeBytes);
        return out;
    }

private:
    int encode(x265_picture* in) {
        x265_nal* nals = nullptr;
        uint32_t count = 0;
        x265_picture out;
        api_->picture_init(params_->get(), &out);
        const int got = api_->encoder_encode(handle_, &nals, &count, in, &out);
        if (got < 0) throw Error(ErrorCode::EncoderFailure, "x265 failed to encode a frame");
        if (got > 0 && count > 0) {
            Packet packet;
            for (uint32_t i = 0; i < count; ++i)
                packet.data.insert(packet.data.end(), nals[i].payload, nals[i].payload + nals[i].sizeBytes);
            packet.pts = out.pts;
            packet.dts = out.dts;
            packet.type = frame_type_of(out.sliceType);
            packet.keyframe = IS_X265_TYPE_I(out.sliceType) && out.sliceType == X265_TYPE_IDR;
            packet.qp = static_cast<int>(out.frameData.qp + 0.5);
            queue_.push(std::move(packet));
        }
        return got;
    }

    const x265_api* api_ = nullptr;
    std::unique_ptr<X265Params> params_;
    x265_encoder* handle_ = nullptr;
    x265_picture* picture_ = nullptr;
    Frame scratch_;
    sw::PacketQueue queue_;
    bool flushed_ = false;
};

class X265Backend final : public Backend {
public:
    std::string_view name() const override { return kName; }
    std::vector<BackendOptionInfo> options() const override {
        return {{"lookahead", "rate-control lookahead in frames, b_frames + 1 .. 250 (default: the preset's)"}};
    }
    BackendInfo probe() const override {
        BackendInfo info;
        info.name = kName;
        info.description = "x265 software HEVC encoder (CPU)";
        const x265_api* api8 = api_for_depth(8);
        info.available = api8 != nullptr;
        if (!api8) info.reason = "libx265 has no 8-bit encoder";
        info.version = api8 ? api8->version_str : "";
        Capabilities caps;
        caps.max_width = caps.max_height = 16384;
        caps.min_width = caps.min_height = 16;
        caps.bit_depth_10 = api_for_depth(10) != nullptr;
        caps.yuv444 = true;
        caps.b_frames = true;
        caps.lossless = true;
        caps.intra_refresh = true;
        caps.cbr = caps.vbr = caps.constant_quality = true;
        caps.zero_latency = true;
        caps.max_slices = 16;
        info.codecs.push_back({Codec::HEVC, caps});
        return info;
    }

    std::unique_ptr<Encoder> create(const EncoderConfig& config) const override {
        if (config.codec != Codec::HEVC)
            sw::unsupported(kName, "encode " + std::string(to_string(config.codec)), "x265 encodes hevc only");
        return std::make_unique<X265Encoder>(config);
    }
};

}  // namespace

const Backend& x265_backend() {
    static const X265Backend backend;
    return backend;
}

}  // namespace nvcast

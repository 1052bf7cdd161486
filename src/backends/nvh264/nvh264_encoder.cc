#include "backends/nvh264/nvh264_encoder.h"

#include "backends/backend_options.h"

#include <string>

#include "backends/backends.h"
#include "backends/nvh264/headers.h"
#include "nvcast/error.h"

namespace nvcast::nvh264 {

Capabilities nvh264_capabilities(bool on_gpu) {
    Capabilities c;
    c.device_frames = on_gpu;
    c.max_width = 543 * 16;  // Level 5.2: at most sqrt(8 * 36864) macroblocks per side
    c.max_height = 543 * 16;
    c.min_width = 16;
    c.min_height = 16;
    c.intra_refresh = true;
    c.cbr = true;
    c.vbr = true;
    c.constant_quality = true;
    c.dynamic_bitrate = true;
    c.dynamic_bitrate_no_keyframe = true;
    c.zero_latency = true;
    c.max_slices = 256;
    return c;
}

void check_config(const EncoderConfig& c, const Options& o) {
    auto unsupported = [](const std::string& what) { throw Error(ErrorCode::Unsupported, "nvh264: " + what); };
    auto invalid = [](const std::string& what) { throw Error(ErrorCode::InvalidArgument, "nvh264: " + what); };
    if (c.codec != Codec::H264) unsupported("encodes H.264 only, not " + std::string(to_string(c.codec)));
    if (c.input_format != PixelFormat::I420 && c.input_format != PixelFormat::NV12)
        unsupported("input format " + std::string(to_string(c.input_format)) +
                    " is not supported (accepted: i420, nv12; 8-bit 4:2:0)");
    if (c.bit_depth != 8) unsupported("bit_depth " + std::to_string(c.bit_depth) + " is not supported (8 only)");
    if (c.chroma != ChromaFormat::YUV420) unsupported("chroma 4:4:4 is not supported (4:2:0 only)");
    if (c.b_frames != 0) unsupported("b_frames " + std::to_string(c.b_frames) + " is not supported (0 only)");
    if (c.tuning == Tuning::Lossless) unsupported("lossless tuning is not supported");
    if (!c.profile.empty() && c.profile != "baseline" && c.profile != "constrained_baseline")
        unsupported("profile '" + c.profile + "' is not supported (baseline, constrained_baseline)");
    if (c.width < 16 || c.height < 16 || c.width % 2 || c.height % 2)
        invalid("size " + std::to_string(c.width) + "x" + std::to_string(c.height) +
                " is invalid (even width and height, at least 16)");
    const int mb_w = (c.width + 15) / 16, mb_h = (c.height + 15) / 16;
    if (choose_level(mb_w, mb_h, 1.0, 0) == 0)
        invalid("size " + std::to_string(c.width) + "x" + std::to_string(c.height) +
                " exceeds H.264 Level 5.2 (at most 36864 macroblocks per frame and 543 macroblocks per side, "
                "e.g. 4096x2304)");
    if (o.qp_min < 0 || o.qp_max > 51 || o.qp_min > o.qp_max)
        invalid("QP range " + std::to_string(o.qp_min) + ".." + std::to_string(o.qp_max) +
                " is invalid (0 <= qp_min <= qp_max <= 51)");
    if (c.rc.mode == RateControlMode::CQP && (c.rc.qp < 0 || c.rc.qp > 51))
        invalid("rc.qp " + std::to_string(c.rc.qp) + " is out of range (0..51)");
    if (c.rc.mode == RateControlMode::ConstantQuality && (c.rc.quality < 0 || c.rc.quality > 51))
        invalid("rc.quality " + std::to_string(c.rc.quality) + " is out of range (0..51)");
    if ((c.rc.mode == RateControlMode::CBR || c.rc.mode == RateControlMode::VBR) && c.rc.bitrate <= 0)
        invalid("rc.bitrate must be > 0 for " + std::string(to_string(c.rc.mode)));
    if (c.slices < 1 || c.slices > mb_h)
        invalid("slices " + std::to_string(c.slices) + " is out of range (1.." + std::to_string(mb_h) +
                ", one per macroblock row at most)");
    if (o.search_range < 0 || o.search_range > 64)
        invalid("search range " + std::to_string(o.search_range) + " is out of range (0..64)");
}

namespace {
const EncoderConfig& checked(const EncoderConfig& c, const Options& o) {
    check_config(c, o);
    return c;
}
}  // namespace

NvH264Encoder::NvH264Encoder(const EncoderConfig& config, const Options& options)
    : Encoder(checked(config, options)), frames_(config, options) {}

Capabilities NvH264Encoder::capabilities() const { return nvh264_capabilities(frames_.on_gpu()); }

void NvH264Encoder::send_frame(const Frame& frame, const FrameOptions& options) {
    if (flushed_) throw Error(ErrorCode::InvalidState, "nvh264: send_frame after flush");
    if (frame.memory() == MemoryType::Cuda && !frames_.on_gpu())
        throw Error(ErrorCode::Unsupported, "nvh264: CUDA frames need the CUDA engine; this encoder runs the " +
                                                frames_.engine_description());
    if (frame.format() != config_.input_format || frame.width() != config_.width || frame.height() != config_.height)
        throw Error(ErrorCode::InvalidArgument,
                    "nvh264: frame " + std::to_string(frame.width()) + "x" + std::to_string(frame.height()) + " " +
                        std::string(to_string(frame.format())) + " does not match the config (" +
                        std::to_string(config_.width) + "x" + std::to_string(config_.height) + " " +
                        std::string(to_string(config_.input_format)) + ")");
    EncodedFrame e = frames_.encode(frame, options.force_idr, options.force_intra);
    Packet p;
    p.data = std::move(e.data);
    p.pts = frame.pts;
    p.dts = frame.pts;
    p.type = e.type;
    p.keyframe = e.type == FrameType::IDR;
    p.qp = e.qp;
    packets_.push_back(std::move(p));
}

std::optional<Packet> NvH264Encoder::receive_packet() {
    if (packets_.empty()) return std::nullopt;
    Packet p = std::move(packets_.front());
    packets_.pop_front();
    return p;
}

void NvH264Encoder::set_bitrate(int64_t bitrate, int64_t max_bitrate) {
    if (bitrate <= 0 || (max_bitrate != 0 && max_bitrate < bitrate))
        throw Error(ErrorCode::InvalidArgument, "nvh264: set_bitrate(" + std::to_string(bitrate) + ", " +
                                                    std::to_string(max_bitrate) +
                                                    ") is invalid (bitrate > 0, max_bitrate 0 or >= bitrate)");
    config_.rc.bitrate = bitrate;
    config_.rc.max_bitrate = max_bitrate;
    frames_.set_bitrate(bitrate, max_bitrate);
}

}  // namespace nvcast::nvh264

namespace nvcast {
namespace {

class NvH264Backend final : public Backend {
public:
    std::string_view name() const override { return "nvh264"; }
    BackendInfo probe() const override {
        BackendInfo info;
        info.name = "nvh264";
        std::string why_not, device;
        const bool gpu = nvh264::cuda_engine_usable(why_not, &device);
        info.description = "nvcast's own H.264 encoder (Constrained Baseline, CAVLC), running " +
                           (gpu ? "on CUDA (" + device + ")" : "its CPU reference (" + why_not + ")");
        info.available = true;
        info.version = "0.2";
        info.codecs.push_back({Codec::H264, nvh264::nvh264_capabilities(gpu)});
        info.auto_last = !gpu;
        info.auto_last_reason = "CPU reference only (" + why_not + ")";
        return info;
    }
    std::vector<BackendOptionInfo> options() const override {
        return {{"engine", "where the stages run: auto (CUDA when a device is usable, default), cuda, cpu"},
                {"stage_timing", "CUDA engine: time each stage with events, adding a sync per frame: on, off (default)"}};
    }
    std::unique_ptr<Encoder> create(const EncoderConfig& config) const override {
        nvh264::Options o;
        const std::string engine = backend_option_choice(config, "nvh264", "engine", "auto, cuda, cpu", "auto");
        o.engine = engine == "cuda" ? nvh264::EngineChoice::Cuda
                   : engine == "cpu" ? nvh264::EngineChoice::Cpu
                                     : nvh264::EngineChoice::Auto;
        o.stage_timing = backend_option_bool(config, "nvh264", "stage_timing", false);
        return std::make_unique<nvh264::NvH264Encoder>(config, o);
    }
};

}  // namespace

const Backend& nvh264_backend() {
    static const NvH264Backend backend;
    return backend;
}

}  // namespace nvcast

#include "nvcast/config.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/text.h"
#include "nvcast/error.h"

namespace nvcast {
namespace {

[[noreturn]] void bad_field(const std::string& field, const std::string& value, const std::string& allowed) {
    throw Error(ErrorCode::InvalidArgument, "config field '" + field + "' = " + value + " is invalid (allowed: " +
                                                allowed + ")");
}

void check_range(const char* field, int64_t value, int64_t lo, int64_t hi) {
    if (value < lo || value > hi)
        bad_field(field, std::to_string(value), std::to_string(lo) + ".." + std::to_string(hi));
}

constexpr int kMaxDimension = 16384;

}  // namespace

std::string_view to_string(Codec codec) noexcept {
    switch (codec) {
        case Codec::H264: return "h264";
        case Codec::HEVC: return "hevc";
        case Codec::AV1: return "av1";
    }
    return "?";
}

std::string_view to_string(Tuning tuning) noexcept {
    switch (tuning) {
        case Tuning::HighQuality: return "hq";
        case Tuning::LowLatency: return "ll";
        case Tuning::UltraLowLatency: return "ull";
        case Tuning::Lossless: return "lossless";
    }
    return "?";
}

std::string_view to_string(RateControlMode mode) noexcept {
    switch (mode) {
        case RateControlMode::CQP: return "cqp";
        case RateControlMode::CBR: return "cbr";
        case RateControlMode::VBR: return "vbr";
        case RateControlMode::ConstantQuality: return "cq";
    }
    return "?";
}

Codec parse_codec(std::string_view name) {
    const std::string n = to_lower(name);
    if (n == "h264" || n == "avc" || n == "h.264") return Codec::H264;
    if (n == "hevc" || n == "h265" || n == "h.265") return Codec::HEVC;
    if (n == "av1") return Codec::AV1;
    throw Error(ErrorCode::InvalidArgument, "unknown codec '" + std::string(name) + "' (allowed: h264, hevc, av1)");
}

Tuning parse_tuning(std::string_view name) {
    const std::string n = to_lower(name);
    if (n == "hq" || n == "high-quality" || n == "high_quality") return Tuning::HighQuality;
    if (n == "ll" || n == "low-latency" || n == "low_latency") return Tuning::LowLatency;
    if (n == "ull" || n == "ultra-low-latency" || n == "ultra_low_latency") return Tuning::UltraLowLatency;
    if (n == "lossless") return Tuning::Lossless;
    throw Error(ErrorCode::InvalidArgument, "unknown tuning '" + std::string(name) + "' (allowed: hq, ll, ull, lossless)");
}

RateControlMode parse_rate_control(std::string_view name) {
    const std::string n = to_lower(name);
    if (n == "cqp" || n == "qp") return RateControlMode::CQP;
    if (n == "cbr") return RateControlMode::CBR;
    if (n == "vbr") return RateControlMode::VBR;
    if (n == "cq" || n == "crf" || n == "constqual") return RateControlMode::ConstantQuality;
    throw Error(ErrorCode::InvalidArgument,
                "unknown rate control '" + std::string(name) + "' (allowed: cqp, cbr, vbr, cq)");
}

int64_t parse_bitrate(std::string_view text) {
    std::string_view digits = text;
    double scale = 1;
    if (!digits.empty()) {
        const char last = digits.back();
        if (last == 'k' || last == 'K') scale = 1e3;
        if (last == 'm' || last == 'M') scale = 1e6;
        if (last == 'g' || last == 'G') scale = 1e9;
        if (scale != 1) digits.remove_suffix(1);
    }
    double value = 0;
    bool ok = !digits.empty();
    try {
        size_t used = 0;
        value = std::stod(std::string(digits), &used);
        ok = ok && used == digits.size();
    } catch (const std::exception&) {
        ok = false;
    }
    if (!ok || !std::isfinite(value))
        throw Error(ErrorCode::InvalidArgument,
                    "bitrate '" + std::string(text) + "' is not a number (examples: 5M, 800k, 2500000)");
    const double bps = value * scale;
    if (bps < 1 || bps > 1e12)
        throw Error(ErrorCode::InvalidArgument,
                    "bitrate '" + std::string(text) + "' is out of range (allowed: 1 bit/s .. 1000G)");
    return static_cast<int64_t>(std::llround(bps));
}

int intra_refresh_period_of(const EncoderConfig& c) noexcept {
    if (c.intra_refresh_period > 0) return c.intra_refresh_period;
    if (c.gop_length > 0) return c.gop_length;
    const int fps_den = c.fps_den > 0 ? c.fps_den : 1;
    return std::max(1, (c.fps_num + fps_den - 1) / fps_den);
}

bool wants_zero_latency(const EncoderConfig& config) noexcept {
    return (config.tuning == Tuning::LowLatency || config.tuning == Tuning::UltraLowLatency) && config.b_frames == 0;
}

void validate(const EncoderConfig& c) {
    check_range("width", c.width, 16, kMaxDimension);
    check_range("height", c.height, 16, kMaxDimension);
    check_range("fps_num", c.fps_num, 1, 1'000'000);
    check_range("fps_den", c.fps_den, 1, 1'000'000);
    if (c.bit_depth != 8 && c.bit_depth != 10) bad_field("bit_depth", std::to_string(c.bit_depth), "8, 10");
    const FormatInfo& in = format_info(c.input_format);
    if (c.chroma == ChromaFormat::YUV420 && (c.width % 2 != 0 || c.height % 2 != 0))
        bad_field("width x height", std::to_string(c.width) + "x" + std::to_string(c.height),
                  "even dimensions for 4:2:0 chroma");
    if (in.chroma_shift_x == 1 && (c.width % 2 != 0 || c.height % 2 != 0))
        bad_field("width x height", std::to_string(c.width) + "x" + std::to_string(c.height),
                  "even dimensions for 4:2:0 input format " + std::string(in.name));
    check_range("preset", c.preset, 1, 7);
    check_range("gop_length", c.gop_length, kInfiniteGop, 100'000);
    if (c.gop_length == 0) bad_field("gop_length", "0", "1..100000, or -1 for infinite");
    check_range("b_frames", c.b_frames, 0, 16);
    check_range("slices", c.slices, 1, 256);
    check_range("threads", c.threads, 0, 256);
    check_range("gpu", c.gpu, kAutoGpu, 63);
    check_range("intra_refresh_period", c.intra_refresh_period, 0, 100'000);
    if (c.intra_refresh && c.b_frames > 0)
        bad_field("intra_refresh", "true with b_frames " + std::to_string(c.b_frames), "intra refresh needs b_frames 0");

    const RateControl& rc = c.rc;
    const int max_qp = c.codec == Codec::AV1 ? 63 : 51;  // AV1: the 0..63 quantizer scale of libaom/SVT-AV1
    switch (rc.mode) {
        case RateControlMode::CQP: check_range("rc.qp", rc.qp, 0, max_qp); break;
        case RateControlMode::ConstantQuality: check_range("rc.quality", rc.quality, 0, max_qp); break;
        case RateControlMode::CBR:
        case RateControlMode::VBR:
            if (rc.bitrate <= 0)
                bad_field("rc.bitrate", std::to_string(rc.bitrate),
                          "> 0 bits/s for " + std::string(to_string(rc.mode)));
            check_range("rc.bitrate", rc.bitrate, 1, 1'000'000'000'000);
            if (rc.max_bitrate != 0 && rc.max_bitrate < rc.bitrate)
                bad_field("rc.max_bitrate", std::to_string(rc.max_bitrate),
                          "0 (derived) or >= rc.bitrate " + std::to_string(rc.bitrate));
            if (rc.vbv_size < 0) bad_field("rc.vbv_size", std::to_string(rc.vbv_size), ">= 0 bits");
            break;
    }
    if (c.tuning == Tuning::Lossless && rc.mode != RateControlMode::CQP)
        bad_field("tuning", "lossless with rc " + std::string(to_string(rc.mode)), "lossless needs rc cqp");
}

}  // namespace nvcast

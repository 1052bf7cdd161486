// Everything an encoder session is opened with. Field names and ranges follow
// NVENC's model (presets P1..P7, tuning, rate control, GOP) so that every backend
// reads the same config; validate() names the bad field and its allowed range.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "nvcast/frame.h"

namespace nvcast {

enum class Codec { H264, HEVC, AV1 };
enum class ChromaFormat { YUV420, YUV444 };
enum class Tuning { HighQuality, LowLatency, UltraLowLatency, Lossless };
enum class RateControlMode { CQP, CBR, VBR, ConstantQuality };

std::string_view to_string(Codec codec) noexcept;
std::string_view to_string(Tuning tuning) noexcept;
std::string_view to_string(RateControlMode mode) noexcept;
Codec parse_codec(std::string_view name);             // "h264"/"avc", "hevc"/"h265", "av1"
Tuning parse_tuning(std::string_view name);           // "hq", "ll", "ull", "lossless"
RateControlMode parse_rate_control(std::string_view name);  // "cqp", "cbr", "vbr", "cq"
// Parses "5M", "800k", "2500000" into bits per second; throws Error on garbage or <= 0.
int64_t parse_bitrate(std::string_view text);

constexpr int kInfiniteGop = -1;
constexpr int kAutoGpu = -1;

struct RateControl {
    RateControlMode mode = RateControlMode::CQP;
    int64_t bitrate = 0;       // bits/s; CBR and VBR (target)
    int64_t max_bitrate = 0;   // bits/s; VBR peak, 0 = derived from bitrate
    int64_t vbv_size = 0;      // bits; 0 = one second of bitrate (CBR), derived otherwise
    int qp = 28;               // CQP: QP of P frames (I frames use qp - 3, B frames qp + 2 where the backend allows);
                               // 0..51 for H.264/HEVC, 0..63 for AV1 (the libaom/SVT-AV1 quantizer scale)
    int quality = 28;          // ConstantQuality: CRF-like level, lower is better
};

struct EncoderConfig {
    Codec codec = Codec::H264;
    int width = 0;
    int height = 0;
    int fps_num = 30;
    int fps_den = 1;
    PixelFormat input_format = PixelFormat::I420;
    int bit_depth = 8;                      // 8 or 10: bit depth of the encoded stream
    ChromaFormat chroma = ChromaFormat::YUV420;
    std::string profile;                    // "" = chosen from bit depth/chroma; else e.g. "high", "main10"
    int preset = 4;                         // 1 (fastest) .. 7 (best quality), like NVENC P1..P7
    Tuning tuning = Tuning::HighQuality;
    RateControl rc;
    int gop_length = 250;                   // frames between IDRs; kInfiniteGop for one IDR only
    int b_frames = 0;
    bool intra_refresh = false;             // periodic intra refresh instead of IDRs
    int intra_refresh_period = 0;           // frames per refresh cycle; 0 = gop_length or fps
    int slices = 1;
    ColorDescription color;                 // written into VUI / sequence header when specified
    int threads = 0;                        // 0 = library default
    // The CUDA stream (a cudaStream_t) on which the caller produces MemoryType::Cuda frames: backends
    // that read device frames order their reads after the work queued there. nullptr: the legacy
    // default stream.
    void* cuda_stream = nullptr;
    // The GPU (CUDA device index) a GPU backend encodes on; kAutoGpu lets the backend choose (nvenc:
    // the first GPU whose NVENC encodes the codec; nvh264: the current device). The pipeline's
    // placement fills it in per stream.
    int gpu = kAutoGpu;
    // Backend-specific options as "backend.option" = "value" (e.g. "nvenc.output_delay" = "2",
    // "nvh264.engine" = "cpu"); `nvcast probe` lists them. open_encoder refuses a key that names no
    // backend or an option its backend lacks; the backend refuses a bad value, naming the key.
    std::map<std::string, std::string> backend_options;
};

// Throws Error(InvalidArgument) naming the field and allowed range.
void validate(const EncoderConfig& config);

// Frames per intra-refresh cycle: intra_refresh_period, else the GOP length, else one second
// of frames (rounded up, at least 1). Every backend uses this one rule.
int intra_refresh_period_of(const EncoderConfig& config) noexcept;

// Output delay in frames implied by the config (0 for low-latency tunings without B-frames).
bool wants_zero_latency(const EncoderConfig& config) noexcept;

}  // namespace nvcast

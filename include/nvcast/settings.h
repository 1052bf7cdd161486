// Encoder and input options as a user writes them — CLI flags and pipeline files share these
// names and this one parser, so "preset", "gop" or "bitrate" mean the same everywhere. Errors
// name the option and what it allows.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "nvcast/config.h"
#include "nvcast/pipeline.h"
#include "nvcast/source.h"

namespace nvcast {

struct InputSettings {
    std::string input;         // a file, URL, DEVICE:TARGET, or synthetic:WxH@FPS[:N]
    std::string size;          // raw input: WxH
    std::string input_format;  // raw input (and synthetic) pixel format
    std::string fps;           // raw input rate, or override: "30", "30000/1001"
    int64_t frames = -1;       // stop after N frames
    // Media inputs (libavformat): see InputOptions.
    std::string demuxer;                       // "v4l2", "x11grab", "mpegts", …
    std::vector<std::string> demuxer_options;  // "KEY=VALUE"
    int stream = -1;                           // the N-th video stream
    std::string decoder = "auto";              // auto | cpu | nvdec
    bool audio = true;
    double timeout = 10;                       // seconds without data before a live input fails
};

struct EncoderSettings {
    std::string codec = "h264";
    std::string backend = "auto";
    std::string preset = "p4";
    std::string tune = "hq";
    std::string rc;            // default: cqp, or vbr when a bitrate is given
    std::string bitrate, max_bitrate, vbv_size;
    int qp = 28;
    int quality = 28;
    std::string gop = "250";
    int bframes = 0;
    bool intra_refresh = false;
    int intra_refresh_period = 0;
    int slices = 1;
    int bit_depth = 0;         // 0 = from the input
    std::string chroma;        // "" = from the input; "420", "444"
    std::string profile;
    int threads = 0;
    std::string gpu = "auto";  // a CUDA device index or "auto"
    std::map<std::string, std::string> backend_options;  // "backend.option" -> value
};

struct PrepareSettings {
    std::string scale;                  // WxH
    std::string scale_filter = "bicubic";
    std::string tonemap;                // bt2390, hable, reinhard, clip
    double hdr_peak = 1000;             // cd/m^2
    std::string input_transfer;         // pq | hlg: label an HDR input that carries no colour description
};

struct OutputSettings {
    std::string target;                 // a file or rtp://host:port
    std::string sdp;                    // RTP: write an SDP file
    std::string srtp;                   // RTP: "" (none), "generate", or a key (40 base64 / 60 hex)
    int mtu = 0;                        // RTP: max payload bytes (0 = default)
    int pt = 96;                        // RTP payload type 96..127
    std::string pacing = "auto";        // RTP: "auto", "off" or a rate like "50M"
    double loss = 0;                    // RTP: simulated sender-side loss, 0..0.5 (tests, demos)
    int64_t loss_seed = 1;              // RTP: seed of the simulated loss
};

inline OutputSettings output_to(std::string target) {
    OutputSettings o;
    o.target = std::move(target);
    return o;
}

// Everything about one pipeline stream, as a user writes it (CLI flags, [[stream]] tables).
struct StreamSettings {
    std::string name;
    InputSettings input;
    PrepareSettings prepare;
    EncoderSettings encoder;
    std::vector<OutputSettings> outputs;
    std::string drop = "auto";          // auto (block for files, drop-oldest for live inputs) | block | drop-oldest
    int queue = 4;                      // frames between source and encoder
    bool realtime = false;              // read at the source's frame rate
    std::string fallback_backend;       // tried when the backend cannot open
};

// "30", "60", "30000/1001" -> num/den; throws Error(InvalidArgument) naming `option`.
void parse_frame_rate(std::string_view text, int& num, int& den, std::string_view option = "fps");
// "p1".."p7" (or "1".."7").
int parse_preset(std::string_view text);
// 1..100000 frames, or "infinite".
int parse_gop(std::string_view text);
// A CUDA device index 0..63, or "auto" (kAutoGpu).
int parse_gpu(std::string_view text);
// "KEY=VALUE" -> (key, value); throws when there is no '=' or the key is empty.
std::pair<std::string, std::string> parse_backend_option(std::string_view text);

InputOptions make_input_options(const InputSettings& input);
std::unique_ptr<FrameSource> open_input(const InputSettings& input);
// A validated config for a source of this description (size, format, rate, colour, and the bit
// depth and chroma format when not given); throws Error naming the bad option.
EncoderConfig make_encoder_config(const EncoderSettings& settings, const SourceInfo& source);

PrepareSpec make_prepare_spec(const PrepareSettings& settings);
// An output as the pipeline opens it (open_output): a file, rtp:// or whep:// with its options
// checked; throws Error naming the option.
SinkSpec make_sink_spec(const OutputSettings& output);
// Opens the stream's source and plans its preparation (to learn what the encoder gets), then
// builds the spec; throws Error naming the option (the caller adds the stream's name).
StreamSpec make_stream_spec(const StreamSettings& settings);

// A pipeline file (parse_pipeline_file) as written as written (each stream's settings, [defaults] applied), before opening anything:
// for tools that run a file's streams another way (`nvcast pipeline --split`).
struct PipelineSettings {
    bool stop_all_on_failure = false;
    std::vector<StreamSettings> streams;
};
PipelineSettings parse_pipeline_settings(std::string_view text, const std::string& origin = "pipeline file");
PipelineSettings load_pipeline_settings(const std::string& path);
// Opens every stream's source and checks its settings; errors name `origin` and the stream.
PipelineConfig make_pipeline_config(const PipelineSettings& settings, const std::string& origin);

}  // namespace nvcast

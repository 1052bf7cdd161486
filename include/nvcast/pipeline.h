// The multi-stream pipeline: N independent streams, each
//     source -> preparation (GPU) -> encoder -> one or more sinks (files, RTP/SRTP, the caller's),
// running concurrently (a reader thread and an encoder thread per stream, and a CUDA stream
// where a GPU is used) with bounded pools and queues, a drop policy per stream, frame
// accounting (frames in = encoded + dropped, with reasons), GPU placement and a clean stop.
// One stream's failure is reported in its stats and does not stop the others unless asked.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nvcast/config.h"
#include "nvcast/packet.h"
#include "nvcast/preparation.h"
#include "nvcast/sink.h"
#include "nvcast/source.h"
#include "nvcast/stream.h"
#include "nvcast/webrtc.h"

namespace nvcast {

// What a stream does when its encoder falls behind the source.
enum class DropPolicy {
    Auto,        // Block for files, DropOldest for live sources (cameras, screens, network streams)
    Block,       // the source waits (files: nothing is lost)
    DropOldest,  // the oldest queued frame makes room and is counted (live sources: stay real time)
};
std::string_view to_string(DropPolicy policy) noexcept;
DropPolicy parse_drop_policy(std::string_view name);  // "auto" | "block" | "drop-oldest"

struct SinkSpec {
    // A file (its extension picks the format: .h264/.hevc/.ivf/.obu/.mp4/.mov/.mkv/.ts) or
    // rtp://host:port (IPv6: rtp://[addr]:port), whep://host:port (WebRTC viewers), or ipc:NAME
    // (another process takes the packets: `nvcast relay ipc:NAME`, include/nvcast/ipc.h).
    std::string target;
    rtp::RtpSinkConfig rtp;  // rtp:// targets: payload size, payload type, SRTP, pacing (0 = auto), SDP file
    // The caller's own sink (callbacks, custom transports); `target` then only labels it.
    std::shared_ptr<PacketSink> custom;
    webrtc::WhepConfig whep;  // whep://host:port targets: the WHEP endpoint browsers watch through
};

// What receivers ask of the encoder (RTCP PLI/FIR, REMB), called from network threads.
struct ReceiverRequests {
    std::function<void()> keyframe;
    std::function<void(int64_t)> bitrate;  // bits/s the receivers can take
};
// Opens one output as the pipeline does: a file by its extension, rtp://host:port (RTP/SRTP with
// RTCP; default pacing from the config's bitrate) or whep://host:port (WebRTC viewers), or the
// spec's custom sink. Throws Error naming the problem.
std::shared_ptr<PacketSink> open_output(const SinkSpec& spec, const StreamInfo& info, const EncoderConfig& config,
                                        const ReceiverRequests& requests = {});

struct StreamSpec {
    std::string name;        // in messages and stats; default "stream <n>" (from 1)
    std::string input;       // open_source() spec: a file, synthetic:WxH@FPS[:N], cuda-synthetic:...
    InputOptions input_options;  // what a raw file cannot say; demuxer, decoder, audio for media inputs
    std::shared_ptr<FrameSource> source;  // a source of the caller's instead (`input` then labels it)
    int64_t frames = -1;     // stop after this many frames (-1 = the whole input)
    bool realtime = false;   // read at the source's frame rate, as a live source delivers, not as fast as possible
    PrepareSpec prepare;
    std::string backend = "auto";
    // Tried when `backend` cannot open (e.g. NVENC's concurrent-session limit): "" refuses instead.
    std::string fallback_backend;
    // Size, input format, frame rate and colour are set from the prepared source. gpu = kAutoGpu
    // lets the pipeline place the stream.
    EncoderConfig encoder;
    std::vector<SinkSpec> sinks;
    DropPolicy drop = DropPolicy::Auto;
    int queue_frames = 4;    // frames between the source and the encoder, 1..256
};

struct PipelineConfig {
    std::vector<StreamSpec> streams;
    bool stop_all_on_failure = false;  // one stream failing stops the others (cleanly)
};

enum class StreamState { Ready, Running, Finished, Stopped, Failed };
std::string_view to_string(StreamState state) noexcept;

struct SinkStats {
    std::string target;
    int64_t packets = 0;
    int64_t bytes = 0;
    std::optional<rtp::SenderStats> network;  // RTP sinks
    std::vector<webrtc::ViewerStats> viewers;  // WHEP sinks: each viewer, live or ended
    std::string watch_url;                     // WHEP sinks: the player page, "http://host:port/"
};

struct StreamStats {
    std::string name;
    StreamState state = StreamState::Ready;
    std::string error;         // why it failed (source, encoder or sink), naming the stream
    std::string encoder;       // "x264", "nvh264 (CUDA on NVIDIA H200)"
    std::string selection;     // how the backend was chosen ("auto: picked ... (skipped ...)")
    std::string decoder;       // media inputs: what decodes the video and why ("h264 on NVDEC (NVIDIA H200)")
    std::string preparation;   // what preparation did; empty when none ran
    Codec codec = Codec::H264;
    int width = 0, height = 0, fps_num = 30, fps_den = 1;
    int gpu = kAutoGpu;        // where placement put it

    int64_t frames_in = 0;       // read from the source
    int64_t frames_encoded = 0;  // packets out of the encoder, written to every sink
    int64_t dropped_queue_full = 0;     // DropOldest: made room for a newer frame
    int64_t dropped_stream_failed = 0;  // read, but lost when the stream failed
    int64_t frames_dropped() const noexcept { return dropped_queue_full + dropped_stream_failed; }

    int64_t packets = 0, bytes = 0, keyframes = 0;
    // Receivers' requests served (RTP outputs): keyframes forced for PLI/FIR (throttled), and
    // encoder bitrate changes for bandwidth estimates (REMB), with the target now (bits/s).
    int64_t keyframes_on_request = 0;
    int64_t bitrate_changes = 0;
    int64_t target_bitrate = 0;
    std::map<FrameType, int64_t> frame_types;
    double qp_sum = 0;
    int64_t qp_count = 0;
    double seconds = 0;                // since the stream started
    double encode_latency_ms = 0;      // last: frame available -> its packet out of the encoder
    double encode_latency_mean_ms = 0;
    double encode_latency_max_ms = 0;
    size_t queue_depth = 0;            // frames waiting for the encoder now
    size_t pool_allocations = 0;       // frame buffers allocated (source pool + preparation): flat in steady state
    int64_t host_device_copies = 0;    // frames whose pixels crossed between host and device memory on the way
    std::vector<SinkStats> sinks;

    double fps() const noexcept { return seconds > 0 ? static_cast<double>(frames_encoded) / seconds : 0; }
    double bitrate() const noexcept;   // bits/s over the encoded duration
    double average_qp() const noexcept { return qp_count ? qp_sum / static_cast<double>(qp_count) : -1; }
};

class Pipeline {
public:
    // Checks every stream and opens its source, encoder and sinks (nothing runs yet). Throws Error
    // whose message starts with "stream '<name>': " and names the field or part at fault.
    explicit Pipeline(PipelineConfig config);
    ~Pipeline();  // stops and joins every stream
    Pipeline(const Pipeline&) = delete;
    Pipeline& operator=(const Pipeline&) = delete;

    void start();
    // Asks every stream to stop reading; what was read is still encoded and written, and every
    // sink is closed (files finalised, RTCP BYE sent). Safe from any thread; returns at once.
    void stop();
    // True once every stream has ended (finished, stopped or failed).
    bool wait_for(std::chrono::milliseconds timeout);
    void wait();

    size_t size() const noexcept;
    std::vector<StreamStats> stats() const;  // a snapshot, safe while running
    bool any_failed() const;

private:
    class Stream;
    std::vector<std::unique_ptr<Stream>> streams_;
    bool stop_all_on_failure_ = false;
};

}  // namespace nvcast

namespace nvcast {

// A pipeline described in TOML (docs/pipeline.md): optional [defaults], then one [[stream]] table
// per stream with the CLI's option names (input, codec, backend, bitrate, scale, drop, outputs, ...).
// Throws Error naming the file, the stream and the key: unknown keys, wrong types, bad values.
// Error(Unsupported) when this build lacks the TOML parser (libtomlplusplus).
PipelineConfig parse_pipeline_file(std::string_view text, const std::string& origin = "pipeline file");
PipelineConfig load_pipeline_file(const std::string& path);

}  // namespace nvcast

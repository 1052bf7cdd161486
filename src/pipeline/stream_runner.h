// One stream of the pipeline: a reader thread (source -> preparation -> queue) and an encoder
// thread (queue -> encoder -> sinks), with its frame pool, CUDA stream and accounting.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "gpu/devices.h"
#include "nvcast/backend.h"
#include "nvcast/pipeline.h"
#include "pipeline/bounded_queue.h"
#include "pipeline/frame_pool.h"

namespace nvcast::pipeline {

class StreamRunner {
public:
    using Clock = std::chrono::steady_clock;

    // Opens the source and plans preparation and the encoder config (nothing on a GPU yet).
    // Throws Error prefixed with "stream '<name>': ".
    StreamRunner(StreamSpec spec, size_t index);
    virtual ~StreamRunner();
    StreamRunner(const StreamRunner&) = delete;
    StreamRunner& operator=(const StreamRunner&) = delete;

    // Opens the encoder (on `gpu`, kAutoGpu = the backend's choice) and the sinks.
    void open(int gpu);
    void start(std::function<void()> on_failure);
    void stop();
    bool wait_for(std::chrono::milliseconds timeout);
    StreamStats stats() const;
    bool failed() const;

    const std::string& name() const noexcept { return spec_.name; }
    const EncoderConfig& config() const noexcept { return config_; }
    // Pixels per second the encoder must take: what placement balances.
    double pixel_rate() const noexcept;
    bool wants_gpu() const noexcept { return config_.gpu != kAutoGpu || wants_gpu_; }

private:
    void read_loop();
    // A buffer from `pool`; under DropOldest a full pool drops the oldest queued frame to free one.
    // nullopt once the stream stops or fails.
    std::optional<Frame> take_buffer(FramePool& pool, PixelFormat format, int width, int height);
    void encode_loop();
    // Keyframe and bitrate requests from receivers (RTP feedback), applied to the next frame.
    FrameOptions serve_requests(Encoder& enc);
    // try_send_frame; a forced keyframe the encoder refuses is dropped (with a warning), not fatal.
    SendResult send_serving_requests(Encoder& enc, const Frame& frame, FrameOptions& options);
    // Packet times from frame counts back to the source's timestamps (media inputs).
    void restore_source_time(Packet& packet);
    void drain();
    void finish();
    void fail(const std::string& what, const std::exception& e);
    [[noreturn]] void rethrow_named(const std::exception& e) const;

    StreamSpec spec_;
    std::shared_ptr<FrameSource> source_;
    std::optional<Preparation> prep_;
    EncoderConfig config_;
    bool wants_gpu_ = false;
    std::unique_ptr<gpu::CudaStream> cuda_;
    OpenedEncoder encoder_;
    bool encoder_uploads_ = false;  // a GPU encoder given host frames copies them to the device
    // Set by the sinks' network threads: declared before the sinks, so they outlive them.
    std::atomic<bool> keyframe_requested_{false};
    bool keyframe_requests_served_ = true;  // false once the encoder refused a forced keyframe
    std::atomic<int64_t> estimated_bitrate_{0};
    std::vector<std::shared_ptr<PacketSink>> sinks_;
    std::shared_ptr<FramePool> pool_;
    std::shared_ptr<FramePool> download_pool_;  // device frames for an encoder that takes host frames
    BoundedQueue<Frame> queue_;

    std::thread reader_, encoder_thread_;
    std::function<void()> on_failure_;
    std::atomic<bool> stop_requested_{false};
    std::atomic<bool> failed_{false};
    std::mutex wake_mutex_;
    std::condition_variable wake_;  // stop() interrupts a real-time wait
    bool reached_end_ = false;      // the reader saw the end of input (or its frame limit)

    mutable std::mutex mutex_;      // guards stats_, available_, sinks' close
    std::condition_variable done_cv_;
    bool done_ = false;
    StreamStats stats_;
    Clock::time_point start_time_;
    std::map<int64_t, Clock::time_point> available_;  // pts -> when the frame was read
    double latency_sum_ms_ = 0;
    Clock::time_point last_requested_keyframe_{};
    bool keeps_time_ = false;              // the source has its own time base
    std::map<int64_t, int64_t> source_pts_;  // frame index -> source timestamp, until written
    int64_t nominal_duration_ = 1;         // one frame in the source's time base
    int64_t last_source_pts_ = 0, last_index_ = 0;
};

}  // namespace nvcast::pipeline

#include "pipeline/stream_runner.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>

#include "core/frame_time.h"
#include "gpu/frame_transfer.h"
#include "nvcast/convert.h"
#include "nvcast/error.h"
#include "nvcast/log.h"

namespace nvcast::pipeline {
namespace {

constexpr auto kPoolWait = std::chrono::milliseconds(20);
// Receivers ask again and again while they wait; one keyframe per interval serves them all.
constexpr auto kKeyframeRequestInterval = std::chrono::milliseconds(500);
// A bandwidth estimate moves the bitrate only when it differs by more than this share.
constexpr double kBitrateStep = 0.05;

}  // namespace

StreamRunner::StreamRunner(StreamSpec spec, size_t index)
    : spec_(std::move(spec)), queue_(static_cast<size_t>(std::clamp(spec_.queue_frames, 1, 256))) {
    if (spec_.name.empty()) spec_.name = "stream " + std::to_string(index + 1);
    try {
        if (spec_.queue_frames < 1 || spec_.queue_frames > 256)
            throw Error(ErrorCode::InvalidArgument,
                        "queue_frames " + std::to_string(spec_.queue_frames) + " is out of range (1..256)");
        if (spec_.frames < -1 || spec_.frames == 0)
            throw Error(ErrorCode::InvalidArgument,
                        "frames " + std::to_string(spec_.frames) + " is invalid (a positive count, or -1 for all)");
        if (spec_.sinks.empty()) throw Error(ErrorCode::InvalidArgument, "no sinks: give at least one output");
        if (spec_.source) {
            source_ = spec_.source;
        } else {
            if (spec_.input.empty()) throw Error(ErrorCode::InvalidArgument, "no input: give a file or synthetic:WxH@FPS");
            source_ = open_source(spec_.input, spec_.input_options);
        }
        // A live source cannot wait for a slow encoder: it drops the oldest frame, counted.
        if (spec_.drop == DropPolicy::Auto)
            spec_.drop = source_->info().live ? DropPolicy::DropOldest : DropPolicy::Block;
        prep_.emplace(spec_.prepare, source_->info());
        const SourceInfo& out = prep_->output();
        config_ = spec_.encoder;
        config_.width = out.width;
        config_.height = out.height;
        config_.input_format = out.format;
        config_.fps_num = out.fps_num;
        config_.fps_den = out.fps_den;
        if (!config_.color.specified()) config_.color = out.color;
        validate(config_);
        check_backend_options(config_);
        // A stream uses a GPU when its frames live there, or its preparation or encoder may run there.
        const bool cpu_backend = spec_.backend == "x264" || spec_.backend == "x265" || spec_.backend == "svtav1";
        wants_gpu_ = source_->info().memory == MemoryType::Cuda || prep_->active() || !cpu_backend;
    } catch (const std::exception& e) {
        rethrow_named(e);
    }
    stats_.name = spec_.name;
    stats_.codec = config_.codec;
    stats_.width = config_.width;
    stats_.height = config_.height;
    stats_.fps_num = config_.fps_num;
    stats_.fps_den = config_.fps_den;
    const SourceInfo& in = source_->info();
    keeps_time_ = in.time_base_den > 0;
    if (keeps_time_)
        nominal_duration_ = frame_duration_in(in.fps_num, in.fps_den, in.time_base_num, in.time_base_den);
    stats_.decoder = in.decoder;
    stats_.target_bitrate = config_.rc.bitrate;
}

StreamRunner::~StreamRunner() {
    stop();
    // The encoder thread joins the reader when it finishes; join the reader here only if it never ran.
    if (encoder_thread_.joinable()) encoder_thread_.join();
    else if (reader_.joinable()) reader_.join();
}

void StreamRunner::rethrow_named(const std::exception& e) const {
    const auto* error = dynamic_cast<const Error*>(&e);
    throw Error(error ? error->code() : ErrorCode::InvalidArgument, "stream '" + spec_.name + "': " + e.what());
}

double StreamRunner::pixel_rate() const noexcept {
    return static_cast<double>(config_.width) * config_.height * config_.fps_num / std::max(1, config_.fps_den);
}

void StreamRunner::open(int gpu) {
    try {
        config_.gpu = gpu;
        const SourceInfo& in = source_->info();
        // A CUDA stream orders this stream's GPU work; without a usable runtime (device frames from the
        // driver API, for NVENC) there is none to make.
        if ((gpu != kAutoGpu || in.memory == MemoryType::Cuda) && FrameConverter::gpu_available()) {
            cuda_ = std::make_unique<gpu::CudaStream>(gpu < 0 ? 0 : gpu);
            config_.cuda_stream = cuda_->get();
        }
        try {
            encoder_ = open_encoder(spec_.backend, config_);
        } catch (const Error& e) {
            if (spec_.fallback_backend.empty()) throw;
            encoder_ = open_encoder(spec_.fallback_backend, config_);
            encoder_.selection = spec_.backend + " could not open (" + e.what() + "); fell back to " +
                                 encoder_.selection;
        }
        Encoder& enc = *encoder_.encoder;
        encoder_uploads_ = enc.capabilities().device_frames;
        StreamInfo info = stream_info_for(config_, enc.codec_headers());
        // The input's own timestamps (and its audio) go through to the outputs.
        info.time_base_num = in.time_base_num;
        info.time_base_den = in.time_base_den;
        info.carried = source_->carried_media();
        for (const SinkSpec& s : spec_.sinks) {
            const ReceiverRequests requests{[this] { keyframe_requested_ = true; },
                                            [this](int64_t bits) { estimated_bitrate_ = bits; }};
            sinks_.push_back(open_output(s, info, config_, requests));
            SinkStats sink_stats;
            sink_stats.target = s.target.empty() && s.custom ? "custom" : s.target;
            stats_.sinks.push_back(std::move(sink_stats));
        }
        // The queue, the frame in the reader's hands, the one in the encoder's and one in flight.
        const size_t buffers = static_cast<size_t>(spec_.queue_frames) + 3;
        pool_ = FramePool::create(in.memory, buffers);
        if (in.memory == MemoryType::Cuda && !encoder_uploads_) {
            // Refused now rather than at the first frame: nothing here could read device frames back.
            if (!FrameConverter::gpu_available())
                throw Error(ErrorCode::Unsupported, "the source's frames are in CUDA device memory and " +
                                                        enc.backend_name() + " takes host frames, but they cannot be "
                                                        "read back: " + FrameConverter::describe_gpu() +
                                                        (in.decoder.empty() ? "" : " (--decoder cpu decodes on the host)"));
            download_pool_ = FramePool::create(MemoryType::Host, buffers);
        }
        const std::string engine = enc.engine();
        stats_.encoder = enc.backend_name() + (engine.empty() ? "" : " (" + engine + ")");
        stats_.selection = encoder_.selection;
        stats_.gpu = gpu;
    } catch (const std::exception& e) {
        rethrow_named(e);
    }
}

void StreamRunner::start(std::function<void()> on_failure) {
    if (reader_.joinable() || encoder_thread_.joinable())
        throw Error(ErrorCode::InvalidState, "stream '" + spec_.name + "': started twice");
    on_failure_ = std::move(on_failure);
    start_time_ = Clock::now();
    {
        std::lock_guard lock(mutex_);
        stats_.state = StreamState::Running;
    }
    reader_ = std::thread([this] { read_loop(); });
    encoder_thread_ = std::thread([this] { encode_loop(); });
}

void StreamRunner::stop() {
    stop_requested_ = true;
    if (source_) source_->interrupt();  // a camera or network read returns now
    std::lock_guard lock(wake_mutex_);
    wake_.notify_all();
}

std::optional<Frame> StreamRunner::take_buffer(FramePool& pool, PixelFormat format, int width, int height) {
    std::optional<Frame> frame;
    while (!frame && !stop_requested_ && !failed_) {
        frame = pool.acquire(format, width, height, kPoolWait);
        // Live: every buffer is queued, so the oldest queued frame gives up its buffer.
        if (!frame && spec_.drop == DropPolicy::DropOldest)
            if (auto old = queue_.take_oldest()) {
                std::lock_guard lock(mutex_);
                ++stats_.dropped_queue_full;
                available_.erase(old->pts);
            }
    }
    return frame;
}

void StreamRunner::read_loop() {
    const SourceInfo& in = source_->info();
    const auto period = std::chrono::duration<double>(static_cast<double>(in.fps_den) / in.fps_num);
    int64_t index = 0;
    try {
        gpu::use_device(config_.gpu);
        while (!stop_requested_ && !failed_ && (spec_.frames < 0 || index < spec_.frames)) {
            if (spec_.realtime && !in.live) {  // a live source keeps its own pace
                std::unique_lock lock(wake_mutex_);
                const auto due = start_time_ + std::chrono::duration_cast<Clock::duration>(period * index);
                if (wake_.wait_until(lock, due, [&] { return stop_requested_.load(); })) break;
            }
            // A decoder with its own pool hands out its frames; the queue bounds how many are in flight.
            std::optional<Frame> frame =
                in.provides_buffers ? std::optional<Frame>(Frame()) : take_buffer(*pool_, in.format, in.width, in.height);
            if (!frame) break;
            if (!source_->read(*frame)) {
                reached_end_ = true;
                break;
            }
            const auto now = Clock::now();
            const int64_t source_pts = frame->pts;
            frame->pts = index;  // encoders count frames; the source's time comes back on the packet
            Frame prepared = prep_->run(*frame, cuda_ ? cuda_->get() : nullptr);
            int copies = 0;
            if (download_pool_ && prepared.memory() == MemoryType::Cuda) {
                // This encoder takes host frames only: read the prepared frame back.
                const SourceInfo& out = prep_->output();
                std::optional<Frame> host = take_buffer(*download_pool_, out.format, out.width, out.height);
                if (!host) break;
                gpu::copy_frame(prepared, *host, cuda_->get());
                cuda_->synchronize();
                host->pts = prepared.pts;
                host->color = prepared.color;
                prepared = std::move(*host);
                ++copies;
            }
            if (prep_->active() && prepared.memory() != frame->memory()) copies = 1;
            if (prep_->active() && frame->memory() == MemoryType::Host && prep_->last_path() == ConvertPath::Gpu &&
                prepared.memory() == MemoryType::Host)
                copies = 2;  // uploaded, converted, read back
            if (encoder_uploads_ && prepared.memory() == MemoryType::Host) ++copies;
            // The source buffer goes back to the pool now; a device buffer may be redrawn by the source on
            // its own stream, so the preparation queued on ours must have read it first.
            if (prep_->active() && frame->memory() == MemoryType::Cuda && cuda_) cuda_->synchronize();
            frame.reset();
            {
                std::lock_guard lock(mutex_);
                ++stats_.frames_in;
                stats_.host_device_copies += copies;
                available_[index] = now;
                if (keeps_time_) source_pts_[index] = source_pts;
            }
            auto pushed = queue_.push(std::move(prepared), spec_.drop);
            if (pushed.dropped) {
                std::lock_guard lock(mutex_);
                ++stats_.dropped_queue_full;
                available_.erase(pushed.dropped->pts);
            }
            if (!pushed.accepted) break;  // the encoder side failed; finish() accounts for it
            ++index;
        }
        if (spec_.frames >= 0 && index >= spec_.frames) reached_end_ = true;
    } catch (const std::exception& e) {
        // The stream ends here; what was read is still encoded and written.
        std::lock_guard lock(mutex_);
        stats_.error = "stream '" + spec_.name + "': source: " + e.what();
    }
    queue_.close();
}

void StreamRunner::drain() {
    Encoder& enc = *encoder_.encoder;
    while (auto packet = enc.receive_packet()) {
        {
            std::lock_guard lock(mutex_);
            if (auto it = available_.find(packet->pts); it != available_.end()) {
                packet->available = it->second;
                available_.erase(it);
            }
        }
        if (keeps_time_) restore_source_time(*packet);
        const auto now = Clock::now();  // the encoder's latency ends here; the sinks' own is theirs
        for (const auto& sink : sinks_) sink->write(*packet);
        std::lock_guard lock(mutex_);
        ++stats_.frames_encoded;
        ++stats_.packets;
        stats_.bytes += static_cast<int64_t>(packet->size());
        stats_.keyframes += packet->keyframe;
        ++stats_.frame_types[packet->type];
        if (packet->qp >= 0) stats_.qp_sum += packet->qp, ++stats_.qp_count;
        for (SinkStats& s : stats_.sinks) ++s.packets, s.bytes += static_cast<int64_t>(packet->size());
        if (packet->available != Clock::time_point{}) {
            const double ms = std::chrono::duration<double, std::milli>(now - packet->available).count();
            stats_.encode_latency_ms = ms;
            stats_.encode_latency_max_ms = std::max(stats_.encode_latency_max_ms, ms);
            latency_sum_ms_ += ms;
            stats_.encode_latency_mean_ms = latency_sum_ms_ / static_cast<double>(stats_.frames_encoded);
        }
    }
}

FrameOptions StreamRunner::serve_requests(Encoder& enc) {
    FrameOptions options;
    const auto now = Clock::now();
    if (keyframe_requested_ && keyframe_requests_served_ && now - last_requested_keyframe_ >= kKeyframeRequestInterval) {
        keyframe_requested_ = false;
        last_requested_keyframe_ = now;
        options.force_idr = true;
        std::lock_guard lock(mutex_);
        ++stats_.keyframes_on_request;
    }
    // A receiver's bandwidth estimate caps the configured bitrate (never raises it above), where the
    // encoder changes bitrate mid-stream and a bitrate rules it.
    const int64_t estimate = estimated_bitrate_.exchange(0);
    const bool rate_controlled = config_.rc.mode == RateControlMode::CBR || config_.rc.mode == RateControlMode::VBR;
    if (estimate > 0 && rate_controlled && enc.capabilities().dynamic_bitrate) {
        const int64_t target = std::clamp(estimate, config_.rc.bitrate / 10, config_.rc.bitrate);
        const int64_t current = stats_.target_bitrate > 0 ? stats_.target_bitrate : config_.rc.bitrate;
        if (std::abs(static_cast<double>(target - current)) > kBitrateStep * static_cast<double>(current)) {
            const int64_t peak = config_.rc.max_bitrate > 0 ? config_.rc.max_bitrate * target / config_.rc.bitrate : 0;
            enc.set_bitrate(target, peak);
            std::lock_guard lock(mutex_);
            ++stats_.bitrate_changes;
            stats_.target_bitrate = target;
        }
    }
    return options;
}

SendResult StreamRunner::send_serving_requests(Encoder& enc, const Frame& frame, FrameOptions& options) {
    try {
        return enc.try_send_frame(frame, options);
    } catch (const Error& e) {
        // A receiver's keyframe request that this encoder cannot serve (SVT-AV1 in low delay) must
        // not end the stream: the GOP's own keyframes serve instead, and later requests are ignored.
        if (e.code() != ErrorCode::Unsupported || !options.force_idr || !keyframe_requests_served_) throw;
        keyframe_requests_served_ = false;
        log(LogLevel::Warn, spec_.name + ": receivers' keyframe requests cannot be served (" + e.what() +
                                   "); they wait for the next periodic keyframe (--gop)");
        options.force_idr = false;
        std::lock_guard lock(mutex_);
        --stats_.keyframes_on_request;
    }
    return enc.try_send_frame(frame, options);
}

void StreamRunner::restore_source_time(Packet& packet) {
    std::lock_guard lock(mutex_);
    const auto time_of = [&](int64_t index) -> int64_t {
        auto it = source_pts_.lower_bound(index);  // a dropped frame's time is the next kept one's
        if (index >= 0 && it != source_pts_.end()) return it->second;
        // Before the first frame (a B-frame stream's first decode times): step back at the nominal rate.
        const int64_t first = source_pts_.empty() ? last_source_pts_ : source_pts_.begin()->second;
        const int64_t first_index = source_pts_.empty() ? last_index_ : source_pts_.begin()->first;
        return first + (index - first_index) * nominal_duration_;
    };
    const int64_t pts = time_of(packet.pts), dts = std::min(time_of(packet.dts), pts);
    if (auto it = source_pts_.find(packet.pts); it != source_pts_.end()) {
        last_source_pts_ = it->second;
        last_index_ = it->first;
    }
    // Decode times only grow, so the frames before this one's decode time are no longer needed.
    source_pts_.erase(source_pts_.begin(), source_pts_.lower_bound(std::min(packet.dts, packet.pts)));
    packet.pts = pts;
    packet.dts = dts;
}

void StreamRunner::encode_loop() {
    try {
        gpu::use_device(config_.gpu);
        Encoder& enc = *encoder_.encoder;
        while (auto frame = queue_.pop()) {
            FrameOptions options = serve_requests(enc);
            // FFmpeg's contract: an encoder whose input is full says so; read packets, then offer again.
            while (send_serving_requests(enc, *frame, options) == SendResult::TryAgain) {
                drain();
                std::this_thread::sleep_for(std::chrono::microseconds(200));
            }
            frame.reset();
            drain();
        }
        if (!failed_) {
            enc.flush();
            drain();
            std::lock_guard lock(mutex_);
            for (const auto& sink : sinks_) sink->close();
        }
    } catch (const std::exception& e) {
        fail("encoder/sink", e);
    }
    finish();
}

void StreamRunner::fail(const std::string& what, const std::exception& e) {
    failed_ = true;
    queue_.abort();
    {
        std::lock_guard lock(mutex_);
        stats_.error = "stream '" + spec_.name + "': " + what + ": " + e.what();
        // Finalise what was written (a playable file up to the failure); a sink that fails again stays silent.
        for (const auto& sink : sinks_) try {
                sink->close();
            } catch (const std::exception&) {
            }
    }
    if (on_failure_) on_failure_();
}

void StreamRunner::finish() {
    if (reader_.joinable()) reader_.join();
    std::lock_guard lock(mutex_);
    StreamStats& s = stats_;
    s.seconds = std::chrono::duration<double>(Clock::now() - start_time_).count();
    // Frames in = encoded + dropped: what neither came out nor was dropped for room was lost to a failure.
    const int64_t unaccounted = s.frames_in - s.frames_encoded - s.dropped_queue_full;
    if (unaccounted != 0 && s.error.empty())
        s.error = "stream '" + spec_.name + "': the encoder returned " + std::to_string(s.frames_encoded) +
                  " packets for " + std::to_string(s.frames_in - s.dropped_queue_full) + " frames sent";
    s.dropped_stream_failed = std::max<int64_t>(0, unaccounted);
    if (!s.error.empty()) {
        s.state = StreamState::Failed;
        failed_ = true;
    } else {
        s.state = reached_end_ ? StreamState::Finished : StreamState::Stopped;
    }
    if (s.frames_in == 0 && s.state == StreamState::Finished) {
        s.state = StreamState::Failed;
        s.error = "stream '" + spec_.name + "': the input has no frames";
    }
    s.preparation = prep_->describe();
    done_ = true;
    done_cv_.notify_all();
}

bool StreamRunner::wait_for(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return done_cv_.wait_for(lock, timeout, [&] { return done_; });
}

bool StreamRunner::failed() const {
    std::lock_guard lock(mutex_);
    return stats_.state == StreamState::Failed;
}

StreamStats StreamRunner::stats() const {
    std::lock_guard lock(mutex_);
    StreamStats s = stats_;
    if (!done_ && s.state == StreamState::Running)
        s.seconds = std::chrono::duration<double>(Clock::now() - start_time_).count();
    s.queue_depth = queue_.size();
    s.pool_allocations = (pool_ ? pool_->allocations() : 0) + (download_pool_ ? download_pool_->allocations() : 0) +
                         (prep_ ? prep_->pool_allocations() : 0);
    for (size_t i = 0; i < sinks_.size() && i < s.sinks.size(); ++i)
        if (const auto* rtp_sink = dynamic_cast<const rtp::RtpSink*>(sinks_[i].get()))
            s.sinks[i].network = rtp_sink->stats();
        else if (const auto* whep = dynamic_cast<const webrtc::WhepSink*>(sinks_[i].get())) {
            s.sinks[i].viewers = whep->viewers();
            s.sinks[i].watch_url = whep->url();
        }
    return s;
}

}  // namespace nvcast::pipeline

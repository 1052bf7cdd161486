#include "nvcast/pipeline.h"

#include "nvcast/error.h"
#include "pipeline/placement.h"
#include "pipeline/stream_runner.h"

namespace nvcast {

class Pipeline::Stream : public pipeline::StreamRunner {
public:
    using StreamRunner::StreamRunner;
};

std::string_view to_string(DropPolicy policy) noexcept {
    switch (policy) {
        case DropPolicy::Auto: return "auto";
        case DropPolicy::Block: return "block";
        case DropPolicy::DropOldest: return "drop-oldest";
    }
    return "?";
}

DropPolicy parse_drop_policy(std::string_view name) {
    if (name == "auto") return DropPolicy::Auto;
    if (name == "block") return DropPolicy::Block;
    if (name == "drop-oldest") return DropPolicy::DropOldest;
    throw Error(ErrorCode::InvalidArgument,
                "drop policy '" + std::string(name) + "' is invalid (allowed: auto, block, drop-oldest)");
}

std::string_view to_string(StreamState state) noexcept {
    switch (state) {
        case StreamState::Ready: return "ready";
        case StreamState::Running: return "running";
        case StreamState::Finished: return "finished";
        case StreamState::Stopped: return "stopped";
        case StreamState::Failed: return "failed";
    }
    return "?";
}

double StreamStats::bitrate() const noexcept {
    const double duration = static_cast<double>(frames_encoded) * fps_den / std::max(1, fps_num);
    return duration > 0 ? static_cast<double>(bytes) * 8 / duration : 0;
}

Pipeline::Pipeline(PipelineConfig config) : stop_all_on_failure_(config.stop_all_on_failure) {
    if (config.streams.empty()) throw Error(ErrorCode::InvalidArgument, "the pipeline has no streams");
    for (size_t i = 0; i < config.streams.size(); ++i)
        streams_.push_back(std::make_unique<Stream>(std::move(config.streams[i]), i));
    for (size_t i = 0; i < streams_.size(); ++i)
        for (size_t j = 0; j < i; ++j)
            if (streams_[i]->name() == streams_[j]->name())
                throw Error(ErrorCode::InvalidArgument, "two streams are named '" + streams_[i]->name() + "'");
    std::vector<pipeline::StreamDemand> demand;
    for (const auto& s : streams_) demand.push_back({s->config().gpu, s->pixel_rate(), s->wants_gpu()});
    const std::vector<int> placed = pipeline::place_streams(gpu::list_devices(), demand);
    for (size_t i = 0; i < streams_.size(); ++i) streams_[i]->open(placed[i]);
}

Pipeline::~Pipeline() {
    stop();
    streams_.clear();  // each joins its threads
}

void Pipeline::start() {
    for (auto& s : streams_)
        s->start([this] {
            if (stop_all_on_failure_) stop();
        });
}

void Pipeline::stop() {
    for (auto& s : streams_) s->stop();
}

bool Pipeline::wait_for(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (auto& s : streams_) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (!s->wait_for(std::max(left, std::chrono::milliseconds(0)))) return false;
    }
    return true;
}

void Pipeline::wait() {
    while (!wait_for(std::chrono::hours(1))) {
    }
}

size_t Pipeline::size() const noexcept { return streams_.size(); }

std::vector<StreamStats> Pipeline::stats() const {
    std::vector<StreamStats> out;
    for (const auto& s : streams_) out.push_back(s->stats());
    return out;
}

bool Pipeline::any_failed() const {
    for (const auto& s : streams_)
        if (s->failed()) return true;
    return false;
}

}  // namespace nvcast

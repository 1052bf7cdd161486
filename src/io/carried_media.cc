#include "io/carried_media.h"

#include "nvcast/error.h"

namespace nvcast {

void CarriedMedia::add_stream(const AVStream& stream) {
    std::shared_ptr<AVCodecParameters> copy(avcodec_parameters_alloc(),
                                            [](AVCodecParameters* p) { avcodec_parameters_free(&p); });
    if (!copy || avcodec_parameters_copy(copy.get(), stream.codecpar) < 0)
        throw Error(ErrorCode::ResourceExhausted, "out of memory copying an audio stream's parameters");
    streams_.push_back({std::move(copy), stream.time_base});
}

namespace {

constexpr size_t kMaxBacklog = 512;  // packets kept for outputs not opened yet (a few seconds of audio)

AvPacketPtr clone_of(const AVPacket& packet) {
    AvPacketPtr clone(av_packet_clone(&packet));  // shares the payload by reference count
    if (!clone) throw Error(ErrorCode::ResourceExhausted, "out of memory queueing an audio packet");
    return clone;
}

}  // namespace

void CarriedMedia::push(const AVPacket& packet) {
    std::lock_guard lock(mutex_);
    for (auto& queue : queues_) queue.push_back(clone_of(packet));
    if (backlog_open_) {
        backlog_.push_back(clone_of(packet));
        if (backlog_.size() > kMaxBacklog) backlog_.pop_front();
    }
}

void CarriedMedia::mark_complete() {
    std::lock_guard lock(mutex_);
    complete_ = true;
}

bool CarriedMedia::complete() const {
    std::lock_guard lock(mutex_);
    return complete_;
}

size_t CarriedMedia::subscribe() {
    std::lock_guard lock(mutex_);
    auto& queue = queues_.emplace_back();
    for (const AvPacketPtr& p : backlog_) queue.push_back(clone_of(*p));
    return queues_.size() - 1;
}

std::deque<AvPacketPtr> CarriedMedia::take(size_t subscriber) {
    std::lock_guard lock(mutex_);
    backlog_open_ = false;  // outputs are open: from now on each gets packets as they come
    backlog_.clear();
    return std::exchange(queues_.at(subscriber), {});
}

}  // namespace nvcast

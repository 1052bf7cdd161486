// The input's streams that outputs carry unchanged (audio): their codec parameters, known when the
// input opens, and their packets, queued by the source as it demuxes. Every container output
// subscribes and gets each packet once, so several outputs of one stream all carry the audio.
#pragma once

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
}

#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "nvcast/source.h"

namespace nvcast {

struct AvPacketDeleter {
    void operator()(AVPacket* p) const noexcept { av_packet_free(&p); }
};
using AvPacketPtr = std::unique_ptr<AVPacket, AvPacketDeleter>;

class CarriedMedia {
public:
    struct Stream {
        std::shared_ptr<AVCodecParameters> parameters;
        AVRational time_base;
    };

    CarriedMedia() = default;
    CarriedMedia(const CarriedMedia&) = delete;
    CarriedMedia& operator=(const CarriedMedia&) = delete;

    // The source's side, at open: stream `i` of this object is `stream` of the input.
    void add_stream(const AVStream& stream);
    // The source's side, while reading: packet.stream_index is this object's stream number.
    void push(const AVPacket& packet);
    // The whole input was read: outputs may carry what is left, even past the last video frame.
    void mark_complete();

    const std::vector<Stream>& streams() const noexcept { return streams_; }
    bool empty() const noexcept { return streams_.empty(); }

    // An output's side: a subscriber receives every packet pushed from now on, and those pushed before
    // the first output took any (the source reads ahead while opening, before outputs exist).
    size_t subscribe();
    std::deque<AvPacketPtr> take(size_t subscriber);
    bool complete() const;

private:
    std::vector<Stream> streams_;  // fixed once reading starts
    mutable std::mutex mutex_;
    std::vector<std::deque<AvPacketPtr>> queues_;
    std::deque<AvPacketPtr> backlog_;  // until an output first takes packets
    bool backlog_open_ = true;
    bool complete_ = false;
};

}  // namespace nvcast

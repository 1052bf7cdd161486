// An input opened with libavformat: a media file, a URL (RTSP, RTP via SDP, SRT, UDP, HTTP/HLS) or
// a capture device (libavdevice: V4L2, the X11 screen). It picks the video stream, hands the audio
// to CarriedMedia, and gives up on a live input that sends nothing for the timeout.
#pragma once

extern "C" {
#include <libavformat/avformat.h>
}

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "io/carried_media.h"
#include "nvcast/source.h"

namespace nvcast {

class LibavInput {
public:
    // Throws Error naming the input: unreadable, no video stream, a stream number out of range, timeout.
    LibavInput(const std::string& url, const InputOptions& options);
    ~LibavInput();
    LibavInput(const LibavInput&) = delete;
    LibavInput& operator=(const LibavInput&) = delete;

    // The next packet of the video stream (others go to carried media or are skipped); false at the
    // end of input. Throws Error on a read failure or timeout.
    bool read_video_packet(AVPacket& packet);
    void interrupt() noexcept { interrupted_ = true; }

    const AVStream& video() const noexcept { return *format_->streams[video_index_]; }
    const std::string& url() const noexcept { return url_; }
    bool live() const noexcept { return live_; }
    std::shared_ptr<CarriedMedia> carried() const { return carried_; }
    // "'in.mp4'" or "'x11grab::0.0'" for messages.
    std::string name() const { return "'" + url_ + "'"; }
    // The time of a video timestamp, for messages ("at 12.30 s").
    std::string time_of(int64_t pts) const;

private:
    static int interrupt_callback(void* self) noexcept;
    void arm() noexcept;  // a blocking call starts: the timeout counts from now
    [[noreturn]] void fail(const std::string& what, int err) const;
    void pick_video_stream(int nth);
    void collect_audio();

    std::string url_;
    AVFormatContext* format_ = nullptr;
    int video_index_ = -1;
    bool live_ = false;
    std::shared_ptr<CarriedMedia> carried_;
    std::vector<int> carried_of_;  // input stream -> carried stream (-1: not carried)
    std::atomic<bool> interrupted_{false};
    std::atomic<int64_t> deadline_ns_{0};
    std::chrono::nanoseconds timeout_;
    std::atomic<bool> timed_out_{false};
};

}  // namespace nvcast

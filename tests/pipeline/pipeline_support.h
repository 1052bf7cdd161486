// Helpers for pipeline tests: stream specs, an RTP listener on loopback, decoding outputs.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <thread>

#include "nvcast/pipeline.h"
#include "nvcast/stream.h"
#include "support/test_support.h"

namespace nvcast::test {

inline EncoderConfig quick_config(Codec codec) {
    EncoderConfig c;
    c.codec = codec;
    c.preset = 1;
    c.tuning = codec == Codec::AV1 ? Tuning::HighQuality : Tuning::LowLatency;
    c.gop_length = 10;
    c.rc.mode = RateControlMode::CQP;
    c.rc.qp = codec == Codec::AV1 ? 40 : 28;
    c.threads = 1;
    return c;
}

inline StreamSpec synthetic_stream(const std::string& name, const std::string& input, Codec codec,
                                   const std::string& backend, std::vector<std::string> outputs) {
    StreamSpec s;
    s.name = name;
    s.input = input;
    s.backend = backend;
    s.encoder = quick_config(codec);
    for (auto& o : outputs) {
        SinkSpec sink;
        sink.target = std::move(o);
        s.sinks.push_back(std::move(sink));
    }
    return s;
}

// Frames in a file, decoded by libavcodec.
inline std::vector<Frame> decode_file(const std::string& path) {
    auto decoder = open_decoder(path);
    std::vector<Frame> frames;
    Frame f;
    while (decoder->read(f)) {
        Frame copy = Frame::allocate(f.format(), f.width(), f.height());
        copy_frame_pixels(f, copy);
        frames.push_back(std::move(copy));
    }
    return frames;
}

// Receives every datagram sent to an ephemeral loopback port until stopped.
class RtpListener {
public:
    RtpListener() : receiver_(config()) {
        thread_ = std::thread([this] {
            while (!stop_) {
                if (auto d = receiver_.receive(std::chrono::milliseconds(50))) {
                    std::lock_guard lock(mutex_);
                    datagrams_.push_back(std::move(*d));
                }
            }
        });
    }
    ~RtpListener() { finish(); }
    std::string url() const { return "rtp://127.0.0.1:" + std::to_string(receiver_.port()); }

    uint16_t port() const { return receiver_.port(); }

    // Waits until nothing arrived for `idle`, then stops; returns every datagram.
    const std::vector<std::vector<uint8_t>>& datagrams(std::chrono::milliseconds idle = std::chrono::milliseconds(300)) {
        size_t seen = SIZE_MAX;
        while (true) {
            std::this_thread::sleep_for(idle);
            std::lock_guard lock(mutex_);
            if (datagrams_.size() == seen) break;
            seen = datagrams_.size();
        }
        finish();
        return datagrams_;
    }

    // The datagrams, depayloaded.
    std::vector<rtp::ReceivedFrame> frames(Codec codec, std::chrono::milliseconds idle = std::chrono::milliseconds(300)) {
        datagrams(idle);
        rtp::DepayloaderConfig dc;
        dc.codec = codec;
        auto d = rtp::Depayloader::create(dc);
        std::vector<rtp::ReceivedFrame> out;
        for (const auto& p : datagrams_) {
            d->push(p);
            while (auto f = d->pop()) out.push_back(std::move(*f));
        }
        d->flush();
        while (auto f = d->pop()) out.push_back(std::move(*f));
        return out;
    }

private:
    static rtp::ReceiverConfig config() {
        rtp::ReceiverConfig c;
        c.local.host = "127.0.0.1";
        return c;
    }
    void finish() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
    }

    rtp::UdpReceiver receiver_;
    std::atomic<bool> stop_{false};
    std::mutex mutex_;
    std::vector<std::vector<uint8_t>> datagrams_;
    std::thread thread_;
};

// A sink of the test's own: keeps packets, optionally slow or failing.
class RecordingSink final : public PacketSink {
public:
    std::chrono::milliseconds delay{0};
    int fail_at = -1;  // throw on this write (0-based)

    void write(const Packet& packet) override {
        if (delay.count() > 0) std::this_thread::sleep_for(delay);
        std::lock_guard lock(mutex_);
        if (static_cast<int>(packets_.size()) == fail_at) throw Error(ErrorCode::Io, "recording sink: disk full (test)");
        packets_.push_back(packet);
    }
    void close() override { closed_ = true; }
    std::vector<Packet> packets() const {
        std::lock_guard lock(mutex_);
        return packets_;
    }
    bool closed() const { return closed_; }

private:
    mutable std::mutex mutex_;
    std::vector<Packet> packets_;
    std::atomic<bool> closed_{false};
};

inline void expect_accounted(const StreamStats& s) {
    EXPECT_EQ(s.frames_in, s.frames_encoded + s.frames_dropped())
        << s.name << ": in " << s.frames_in << ", encoded " << s.frames_encoded << ", dropped " << s.frames_dropped();
}

}  // namespace nvcast::test

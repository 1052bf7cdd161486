// RTP streaming cost per frame, for stream shapes like 1080p60 and 4K60:
//  - packetization throughput (packets/s and Gbit/s of payload) of each payloader;
//  - added latency per frame: "encode done" (access unit in hand) -> last packet handed to
//    the kernel (sendto returned), through Payloader + UdpSender (unpaced) to a loopback
//    receiver that drains the socket on another thread; plain RTP and SRTP.
//
//   rtp_bench [frames=600] [mtu=1200]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "nvcast/bitstream.h"
#include "nvcast/rtp.h"
#include "nvcast/stream.h"

using namespace nvcast;
using Clock = std::chrono::steady_clock;

namespace {

struct Shape {
    const char* name;
    int64_t bitrate;
    int fps;
};

// Access units of the stream's average size, keyframes 4x larger every `gop` frames.
// Payload bytes are random but never contain a start code / forbidden OBU bits.
std::vector<std::vector<uint8_t>> make_stream(Codec codec, const Shape& s, int frames, std::mt19937& rng) {
    const double avg = static_cast<double>(s.bitrate) / 8 / s.fps;
    const int gop = 2 * s.fps;
    // Sizes so that the average including keyframes is `avg`: key = 4 * delta.
    const double delta = avg * gop / (gop - 1 + 4);
    std::vector<std::vector<uint8_t>> out;
    for (int i = 0; i < frames; ++i) {
        const bool key = i % gop == 0;
        const size_t size = static_cast<size_t>(key ? 4 * delta : delta);
        std::vector<uint8_t> au;
        auto body = [&](size_t n) {
            for (size_t k = 0; k < n; ++k) au.push_back(static_cast<uint8_t>(1 + rng() % 255));
        };
        if (codec == Codec::AV1) {
            au.insert(au.end(), {0x12, 0x00});
            if (key) au.insert(au.end(), {0x0A, 0x0B, 0, 0, 0, 0x24, 0xC4, 0xFF, 0xDF, 0x00, 0x68, 0x02, 0x10});
            au.push_back(0x32);
            write_leb128(size, au);
            body(size);
        } else if (codec == Codec::H264) {
            if (key) au.insert(au.end(), {0, 0, 0, 1, 0x67, 0x64, 0x00, 0x33, 0xAC, 0, 0, 0, 1, 0x68, 0xEE, 0x3C, 0x80});
            au.insert(au.end(), {0, 0, 0, 1, static_cast<uint8_t>(key ? 0x65 : 0x41)});
            body(size);
        } else {
            if (key)
                au.insert(au.end(), {0, 0, 0, 1, 0x40, 0x01, 0x0C, 0, 0, 0, 1, 0x42, 0x01, 0x01, 0, 0, 0, 1, 0x44, 0x01,
                                     0xC1});
            au.insert(au.end(), {0, 0, 0, 1, static_cast<uint8_t>(key ? 0x26 : 0x02), 0x01});
            body(size);
        }
        out.push_back(std::move(au));
    }
    return out;
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

struct Throughput {
    double packets_per_s = 0, gbps = 0, packets_per_frame = 0;
};

Throughput packetize_throughput(Codec codec, const std::vector<std::vector<uint8_t>>& stream, size_t mtu) {
    rtp::PayloaderConfig pc;
    pc.codec = codec;
    pc.max_payload = mtu;
    auto payloader = rtp::Payloader::create(pc);
    size_t packets = 0, bytes = 0;
    const auto start = Clock::now();
    for (int round = 0; round < 3; ++round) {
        for (size_t i = 0; i < stream.size(); ++i) {
            const auto list = payloader->packetize(stream[i], static_cast<uint32_t>(i * 1500), i % 120 == 0);
            packets += list.size();
            for (const auto& p : list) bytes += p.size();
        }
    }
    const double s = std::chrono::duration<double>(Clock::now() - start).count();
    return {static_cast<double>(packets) / s, static_cast<double>(bytes) * 8 / s / 1e9,
            static_cast<double>(packets) / (3.0 * static_cast<double>(stream.size()))};
}

struct Latency {
    double median_ms = 0, p99_ms = 0, max_ms = 0;
};

Latency send_latency(Codec codec, const std::vector<std::vector<uint8_t>>& stream, size_t mtu, bool srtp) {
    rtp::ReceiverConfig rc;
    rc.local = {"127.0.0.1", 0};
    rtp::UdpReceiver receiver(rc);  // drained as raw UDP (no SRTP check): only the sender is timed
    std::atomic<bool> stop{false};
    std::thread drain([&] {
        while (!stop) receiver.receive(std::chrono::milliseconds(20));
    });
    rtp::SenderConfig sc;
    sc.destination = {"127.0.0.1", receiver.port()};
    sc.rtcp = false;
    if (srtp) sc.srtp = rtp::SrtpKey::generate();
    std::vector<double> ms;
    {
        rtp::UdpSender sender(sc);
        rtp::PayloaderConfig pc;
        pc.codec = codec;
        pc.max_payload = mtu;
        auto payloader = rtp::Payloader::create(pc);
        for (size_t i = 0; i < stream.size(); ++i) {
            const auto t0 = Clock::now();
            sender.send(payloader->packetize(stream[i], static_cast<uint32_t>(i * 1500), i % 120 == 0));
            sender.flush();  // returns once the frame's last packet has been sent
            ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
            std::this_thread::sleep_for(std::chrono::microseconds(500));  // let the receiver drain, like a frame gap
        }
    }
    stop = true;
    drain.join();
    return {percentile(ms, 0.5), percentile(ms, 0.99), percentile(ms, 1.0)};
}

}  // namespace

int main(int argc, char** argv) {
    const int frames = argc > 1 ? std::atoi(argv[1]) : 600;
    const size_t mtu = argc > 2 ? static_cast<size_t>(std::atoi(argv[2])) : rtp::kDefaultMaxPayload;
    const Shape shapes[] = {{"1080p60 8M", 8'000'000, 60}, {"1080p60 20M", 20'000'000, 60},
                            {"4K60 50M", 50'000'000, 60}, {"4K60 100M", 100'000'000, 60}};
    std::printf("RTP streaming cost, %d frames per case, max payload %zu bytes\n", frames, mtu);
    std::printf("%-12s %-5s %9s %8s %11s %8s | %21s | %21s\n", "stream", "codec", "avg bytes", "pkts/fr",
                "Mpackets/s", "Gbit/s", "latency ms med/p99/max", "SRTP ms med/p99/max");
    std::mt19937 rng(7);
    for (const Shape& s : shapes) {
        for (Codec codec : {Codec::H264, Codec::HEVC, Codec::AV1}) {
            const auto stream = make_stream(codec, s, frames, rng);
            double avg = 0;
            for (const auto& au : stream) avg += static_cast<double>(au.size());
            avg /= static_cast<double>(stream.size());
            const Throughput t = packetize_throughput(codec, stream, mtu);
            const Latency plain = send_latency(codec, stream, mtu, false);
            Latency secure;
            if (rtp::srtp_supported()) secure = send_latency(codec, stream, mtu, true);
            std::printf("%-12s %-5s %9.0f %8.1f %11.2f %8.2f | %6.3f %6.3f %7.3f | %6.3f %6.3f %7.3f\n", s.name,
                        std::string(to_string(codec)).c_str(), avg, t.packets_per_frame, t.packets_per_s / 1e6,
                        t.gbps, plain.median_ms, plain.p99_ms, plain.max_ms, secure.median_ms, secure.p99_ms,
                        secure.max_ms);
            std::fflush(stdout);
        }
    }
    return 0;
}

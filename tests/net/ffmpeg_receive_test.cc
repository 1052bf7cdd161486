// The ffmpeg CLI, an independent RTP receiver, plays `nvcast stream` from its SDP on
// loopback and must decode every frame exactly like a direct decode of `nvcast encode`.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "nvcast/stream.h"
#include "support/test_support.h"
#include "support/udp_peer.h"

using namespace nvcast;
using namespace nvcast::test;
using namespace std::chrono_literals;

namespace {

// An even port whose odd neighbour (RTCP) is free too, found by binding ephemeral ports.
uint16_t free_port_pair() {
    for (int attempt = 0; attempt < 50; ++attempt) {
        rtp::ReceiverConfig rc;
        rc.local = {"127.0.0.1", 0};
        uint16_t p;
        {
            rtp::UdpReceiver probe(rc);
            p = probe.port();
        }
        if (p % 2 || p == 65534) continue;
        try {
            rc.local.port = p;
            rtp::UdpReceiver a(rc);
            rc.local.port = static_cast<uint16_t>(p + 1);
            rtp::UdpReceiver b(rc);
            return p;
        } catch (const Error&) {
        }
    }
    return 0;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Case {
    const char* codec;
    const char* backend;
    const char* extension;
    bool srtp;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.codec << (c.srtp ? "+srtp" : ""); }

class FfmpegReceives : public ::testing::TestWithParam<Case> {};

}  // namespace

TEST_P(FfmpegReceives, EveryFrameDecodesLikeTheElementaryStream) {
    const Case c = GetParam();
    if (!have_ffmpeg()) GTEST_SKIP() << "ffmpeg CLI not installed";
    if (c.srtp && !rtp::srtp_supported()) GTEST_SKIP() << "built without libsrtp2";
    constexpr int kFrames = 30;
    TempDir dir;
    const std::string input = "synthetic:320x240@30:" + std::to_string(kFrames);
    const std::string enc = std::string(" -c ") + c.codec + " -b " + c.backend + " --tune ll --gop 15 --threads 1";

    // Reference: the same encode written to a file, decoded by libavcodec.
    const std::string es = dir.file(std::string("direct") + c.extension);
    auto r = run_cli("-q encode " + input + enc + " -o " + es, 120);
    if (r.exit_code != 0 && r.output.find("not available") != std::string::npos) GTEST_SKIP() << r.output;
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const std::string expected_yuv = dir.file("direct.yuv");
    write_raw(expected_yuv, decode_all(es));

    const uint16_t port = free_port_pair();
    ASSERT_NE(port, 0);
    const std::string url = " --to rtp://127.0.0.1:" + std::to_string(port);
    const std::string sdp = dir.file("stream.sdp");
    std::string key;
    if (c.srtp) key = " --srtp " + rtp::SrtpKey::generate().base64();
    r = run_cli("-q stream " + input + enc + url + key + " --sdp " + sdp + " --sdp-only", 120);
    ASSERT_EQ(r.exit_code, 0) << r.output;

    const std::string got_yuv = dir.file("ffmpeg.yuv");
    CommandResult ff;
    std::thread receiver([&] {
        ff = run_command("'" + ffmpeg_path() + "' -hide_banner -loglevel error -protocol_whitelist file,udp,rtp -i '" +
                             sdp + "' -frames:v " + std::to_string(kFrames) + " -fps_mode passthrough -f rawvideo -pix_fmt yuv420p '" +
                             got_yuv + "'",
                         60);
    });
    for (int i = 0; i < 200 && !udp_port_bound(port); ++i) std::this_thread::sleep_for(50ms);
    std::this_thread::sleep_for(200ms);
    r = run_cli("-q stream " + input + enc + url + key, 120);  // real time: 1 s
    receiver.join();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    ASSERT_EQ(ff.exit_code, 0) << ff.output;
    const std::string expected = read_file(expected_yuv), got = read_file(got_yuv);
    ASSERT_EQ(expected.size(), static_cast<size_t>(320 * 240 * 3 / 2 * kFrames));
    ASSERT_EQ(got.size(), expected.size()) << "ffmpeg decoded " << got.size() / (320 * 240 * 3 / 2) << " frames";
    EXPECT_TRUE(got == expected) << "ffmpeg's frames differ from a direct decode";
}

INSTANTIATE_TEST_SUITE_P(Peers, FfmpegReceives,
                         ::testing::Values(Case{"h264", "x264", ".h264", false}, Case{"hevc", "x265", ".hevc", false},
                                           Case{"h264", "x264", ".h264", true}, Case{"hevc", "x265", ".hevc", true}),
                         [](const auto& param_info) {
                             return std::string(param_info.param.codec) + (param_info.param.srtp ? "_srtp" : "");
                         });

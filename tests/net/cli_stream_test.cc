// `nvcast stream` and `nvcast receive`: bad input gives clear errors; an SRTP stream
// received by our own receiver decodes like the elementary stream.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "nvcast/stream.h"
#include "support/test_support.h"
#include "support/udp_peer.h"

using namespace nvcast;
using namespace nvcast::test;
using namespace std::chrono_literals;

namespace {

uint16_t free_port() {
    rtp::ReceiverConfig rc;
    rc.local = {"127.0.0.1", 0};
    rtp::UdpReceiver probe(rc);
    return probe.port();
}

const std::string kInput = "synthetic:160x128@30:12 -b x264 -c h264";

}  // namespace

TEST(CliStream, BadDestinationsAndKeysFailClearly) {
    auto r = run_cli("stream " + kInput + " --to rtp://127.0.0.1:70000", 60);
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.output.find("out of range (1..65535)"), std::string::npos) << r.output;

    r = run_cli("stream " + kInput + " --to rtp://no-such-host.invalid:5004", 60);
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.output.find("cannot resolve host 'no-such-host.invalid'"), std::string::npos) << r.output;

    r = run_cli("stream " + kInput + " --to 127.0.0.1", 60);
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.output.find("missing port"), std::string::npos) << r.output;

    const std::string short_key = "c2hvcnRrZXlzaG9ydGtleQ==";  // 16 bytes
    r = run_cli("stream " + kInput + " --to rtp://127.0.0.1:5004 --srtp " + short_key, 60);
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.output.find("SRTP key decodes to 16 bytes"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find(short_key), std::string::npos) << "the key must not be echoed";

    r = run_cli("stream " + kInput + " --to rtp://127.0.0.1:5004 --mtu 5", 60);
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.output.find("mtu 5 is out of range"), std::string::npos) << r.output;
}

TEST(CliReceive, NothingArrivingIsAnErrorNotAHang) {
    TempDir dir;
    const auto r = run_cli("receive rtp://@:" + std::to_string(free_port()) + " -c h264 --wait 0.5 -o " +
                               dir.file("x.h264"),
                           30);
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find("no RTP packets arrived"), std::string::npos) << r.output;
}

TEST(CliReceive, TakesPortCodecAndKeyFromTheSdp) {
    if (!rtp::srtp_supported()) GTEST_SKIP() << "built without libsrtp2";
    TempDir dir;
    const std::string input = "synthetic:160x128@30:10 -c hevc -b x265 --tune ll --gop 5 --threads 1";
    const std::string sdp = dir.file("s.sdp");
    const uint16_t port = free_port();
    auto r = run_cli("-q stream " + input + " --to rtp://127.0.0.1:" + std::to_string(port) +
                         " --srtp-generate --sdp " + sdp + " --sdp-only",
                     120);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output.find("inline:"), std::string::npos) << "no key on the console without --print-key";
    EXPECT_EQ(std::filesystem::status(sdp).permissions() & std::filesystem::perms::others_read,
              std::filesystem::perms::none);
    // Take the key from the SDP for the sender; the receiver reads the whole SDP.
    std::ifstream in(sdp);
    std::string line, key;
    while (std::getline(in, line))
        if (auto at = line.find("inline:"); at != std::string::npos) key = line.substr(at + 7, 40);
    ASSERT_EQ(key.size(), 40u);
    CommandResult rx;
    const std::string out = dir.file("out.hevc");
    std::thread receiver([&] { rx = run_cli("receive " + sdp + " --timeout 3 --frames 10 -o " + out, 120); });
    for (int i = 0; i < 200 && !udp_port_bound(port); ++i) std::this_thread::sleep_for(50ms);
    r = run_cli("-q stream " + input + " --fast --to rtp://127.0.0.1:" + std::to_string(port) + " --srtp " + key, 120);
    receiver.join();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    ASSERT_EQ(rx.exit_code, 0) << rx.output;
    EXPECT_EQ(decode_all(out).size(), 10u) << rx.output;
}

class CliSrtpRoundTrip : public ::testing::TestWithParam<std::pair<std::string, std::string>> {};

TEST_P(CliSrtpRoundTrip, OwnReceiverGetsEveryFrame) {
    if (!rtp::srtp_supported()) GTEST_SKIP() << "built without libsrtp2";
    const std::string codec = GetParam().first, backend = GetParam().second;
    const std::string ext = codec == "av1" ? ".ivf" : "." + codec;
    constexpr int kFrames = 20;
    TempDir dir;
    const std::string input = "synthetic:320x240@30:" + std::to_string(kFrames) + " -c " + codec + " -b " + backend +
                              " --gop 10 --threads 1";
    const std::string direct = dir.file("direct" + ext);
    auto r = run_cli("-q encode " + input + " -o " + direct, 300);
    if (r.exit_code != 0 && r.output.find("not available") != std::string::npos) GTEST_SKIP() << r.output;
    ASSERT_EQ(r.exit_code, 0) << r.output;

    const std::string key = rtp::SrtpKey::generate().base64();
    const uint16_t port = free_port();
    const std::string received = dir.file("received" + ext);
    CommandResult rx;
    std::thread receiver([&] {
        rx = run_cli("receive rtp://@:" + std::to_string(port) + " -c " + codec + " --srtp " + key +
                         " --timeout 3 --frames " + std::to_string(kFrames) + " -o " + received,
                     120);
    });
    for (int i = 0; i < 200 && !udp_port_bound(port); ++i) std::this_thread::sleep_for(50ms);
    r = run_cli("-q stream " + input + " --fast --to rtp://127.0.0.1:" + std::to_string(port) + " --srtp " + key, 300);
    receiver.join();
    ASSERT_EQ(r.exit_code, 0) << r.output;
    ASSERT_EQ(rx.exit_code, 0) << rx.output;
    EXPECT_NE(rx.output.find("lost 0"), std::string::npos) << rx.output;
    EXPECT_EQ(rx.output.find(key), std::string::npos) << "the key must not be printed";

    const auto expected = decode_all(direct);
    const auto got = decode_all(received);
    ASSERT_EQ(expected.size(), static_cast<size_t>(kFrames));
    ASSERT_EQ(got.size(), expected.size());
    for (size_t i = 0; i < got.size(); ++i) EXPECT_TRUE(frames_equal(got[i], expected[i])) << "frame " << i;
}

INSTANTIATE_TEST_SUITE_P(Codecs, CliSrtpRoundTrip,
                         ::testing::Values(std::make_pair(std::string("h264"), std::string("x264")),
                                           std::make_pair(std::string("hevc"), std::string("x265")),
                                           std::make_pair(std::string("av1"), std::string("svtav1"))),
                         [](const auto& param_info) { return param_info.param.first; });

namespace nvcast::test {
namespace {

// Issue 13, finding 2: `receive` into a container learns the size from the first keyframe's
// parameter sets, so the file is complete and playable.
class CliReceiveContainer : public ::testing::TestWithParam<std::string> {};

TEST_P(CliReceiveContainer, ReceivedStreamIsAPlayableContainer) {
    constexpr int kFrames = 15;
    TempDir dir;
    const std::string input = "synthetic:320x240@30:" + std::to_string(kFrames) + " -c h264 -b x264 --gop 5 --threads 1";
    const uint16_t port = free_port();
    const std::string received = dir.file("received." + GetParam());
    CommandResult rx;
    std::thread receiver([&] {
        rx = run_cli("receive rtp://@:" + std::to_string(port) + " -c h264 --timeout 3 --frames " +
                         std::to_string(kFrames) + " -o " + received,
                     120);
    });
    for (int i = 0; i < 200 && !udp_port_bound(port); ++i) std::this_thread::sleep_for(50ms);
    const auto tx = run_cli("-q stream " + input + " --fast --to rtp://127.0.0.1:" + std::to_string(port), 300);
    receiver.join();
    ASSERT_EQ(tx.exit_code, 0) << tx.output;
    ASSERT_EQ(rx.exit_code, 0) << rx.output;
    const auto got = decode_all(received);
    ASSERT_EQ(got.size(), static_cast<size_t>(kFrames)) << rx.output;
    EXPECT_EQ(got[0].width(), 320);
    EXPECT_EQ(got[0].height(), 240);
}

INSTANTIATE_TEST_SUITE_P(Containers, CliReceiveContainer, ::testing::Values("mp4", "mkv", "mov", "ts"));

TEST(CliReceiveContainer, NothingReceivedLeavesNoFile) {
    TempDir dir;
    const std::string out = dir.file("none.mp4");
    const auto r = run_cli("receive rtp://@:" + std::to_string(free_port()) + " -c h264 --wait 0.5 -o " + out, 60);
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_FALSE(std::filesystem::exists(out));
}

}  // namespace
}  // namespace nvcast::test

namespace nvcast::test {
namespace {

// One RTP-shaped datagram from a source that is not the stream (SSRC 0x0BADF00D) to 127.0.0.1:port.
void send_stray_datagram(uint16_t port) {
    const uint8_t packet[] = {0x80, 0xE0, 0x12, 0x34, 0, 0, 0, 1, 0x0B, 0xAD, 0xF0, 0x0D, 0x65, 0x88, 0x84, 0x21, 0x07};
    udp_exchange(port, packet);
}

// Issue 13, finding 1: a stray datagram before the stream no longer captures the receiver.
TEST(CliReceive, StrayDatagramBeforeTheStreamIsIgnored) {
    constexpr int kFrames = 12;
    TempDir dir;
    const uint16_t port = free_port();
    const std::string out = dir.file("out.h264");
    CommandResult rx;
    std::thread receiver([&] {
        rx = run_cli("receive rtp://@:" + std::to_string(port) + " -c h264 --timeout 3 --frames " +
                         std::to_string(kFrames) + " -o " + out,
                     120);
    });
    for (int i = 0; i < 200 && !udp_port_bound(port); ++i) std::this_thread::sleep_for(50ms);
    send_stray_datagram(port);
    std::this_thread::sleep_for(100ms);
    const auto tx = run_cli("-q stream synthetic:160x128@30:" + std::to_string(kFrames) +
                                " -c h264 -b x264 --gop 6 --threads 1 --fast --to rtp://127.0.0.1:" + std::to_string(port),
                            120);
    receiver.join();
    ASSERT_EQ(tx.exit_code, 0) << tx.output;
    ASSERT_EQ(rx.exit_code, 0) << rx.output;
    EXPECT_NE(rx.output.find("source switches 1"), std::string::npos) << rx.output;
    EXPECT_NE(rx.output.find("foreign-source 1"), std::string::npos) << rx.output;
    EXPECT_EQ(decode_all(out).size(), static_cast<size_t>(kFrames)) << rx.output;
}

}  // namespace
}  // namespace nvcast::test

namespace {

// Issue 15 (loss recovery on the plain RTP path): 5% of the sender's packets are dropped on
// purpose; nvcast receive NACKs them, the sender resends them from its history, and every frame
// arrives — without feedback the same seeded loss costs frames.
struct LossRun {
    CommandResult tx, rx;
    size_t frames = 0;
};

LossRun stream_with_loss(const TempDir& dir, const std::string& receive_flags, const std::string& name) {
    constexpr int kFrames = 90;
    const uint16_t port = free_port();
    const std::string out = dir.file(name + ".h264");
    LossRun run;
    std::thread receiver([&] {
        run.rx = run_cli("receive rtp://@:" + std::to_string(port) + " -c h264 --timeout 2 --frames " +
                             std::to_string(kFrames) + " " + receive_flags + " -o " + out,
                         120);
    });
    for (int i = 0; i < 200 && !udp_port_bound(port); ++i) std::this_thread::sleep_for(50ms);
    // A few frames more than the receiver keeps, so that a loss in the last kept frame is seen (a gap
    // shows only when a later packet arrives).
    run.tx = run_cli("stream synthetic:320x240@30:" + std::to_string(kFrames + 6) +
                         " -c h264 -b x264 --gop 30 --threads 1 --loss 0.05 --loss-seed 3 --to rtp://127.0.0.1:" +
                         std::to_string(port),
                     120);
    receiver.join();
    try {
        run.frames = decode_all(out).size();
    } catch (const Error&) {
        run.frames = 0;  // every keyframe lost: nothing decodable was written
    }
    return run;
}

TEST(CliLossRecovery, NacksRecoverSimulatedLoss) {
    TempDir dir;
    const LossRun with = stream_with_loss(dir, "", "with");
    ASSERT_EQ(with.tx.exit_code, 0) << with.tx.output;
    EXPECT_EQ(with.frames, 90u) << with.rx.output << "\n" << with.tx.output;
    EXPECT_NE(with.rx.output.find(" 0 incomplete"), std::string::npos) << with.rx.output;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(with.tx.output, m, std::regex("rtx ([0-9]+)"))) << with.tx.output;
    EXPECT_GT(std::stoi(m[1]), 0) << with.tx.output;

    const LossRun without = stream_with_loss(dir, "--no-feedback", "without");
    EXPECT_LT(without.frames, 90u) << "the same loss without feedback should cost frames\n" << without.rx.output;
}

}  // namespace

// Live inputs: the X11 screen under Xvfb, RTP from an ffmpeg sender on loopback (an SDP file), a
// sender that stops (the timeout ends the stream; what arrived is kept), and a filter graph device.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <thread>

#include "inputs_support.h"
#include "nvcast/decode.h"

namespace nvcast::test {
namespace {

// A background process for the test's duration (killed at the end).
class Background {
public:
    explicit Background(const std::string& command) {
        pid_ = ::fork();
        if (pid_ == 0) {
            ::setpgid(0, 0);
            ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
    }
    ~Background() {
        if (pid_ > 0) {
            ::kill(-pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    Background(const Background&) = delete;
    Background& operator=(const Background&) = delete;

private:
    pid_t pid_ = -1;
};

bool have(const char* program) { return run_command(std::string("which ") + program).exit_code == 0; }

int free_udp_port_pair() { return 20000 + static_cast<int>(::getpid() % 2000) * 2; }

TEST(LiveInputs, X11ScreenUnderXvfb) {
    if (!have("Xvfb")) GTEST_SKIP() << "Xvfb is not installed";
    const int display = 90 + static_cast<int>(::getpid() % 50);
    Background xvfb("exec Xvfb :" + std::to_string(display) + " -screen 0 320x240x24 -nolisten tcp");
    // Wait for the display's socket.
    const std::string socket = "/tmp/.X11-unix/X" + std::to_string(display);
    for (int i = 0; i < 100 && ::access(socket.c_str(), F_OK) != 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_EQ(::access(socket.c_str(), F_OK), 0) << "Xvfb did not start";
    TempDir dir;
    const std::string out = dir.file("screen.mp4");
    const auto r = run_cli("encode x11grab::" + std::to_string(display) +
                               ".0 --input-option video_size=320x240 --input-option framerate=15 -n 10 -b x264 "
                               "--preset p1 -o '" + out + "'",
                           60);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto frames = decode_all(out);
    ASSERT_EQ(frames.size(), 10u);
    EXPECT_EQ(frames[0].width(), 320);
    EXPECT_EQ(frames[0].height(), 240);
}

TEST(LiveInputs, RtpFromAnFfmpegSenderThenTheSenderStops) {
    TempDir dir;
    const int port = free_udp_port_pair();
    const std::string sdp = dir.file("in.sdp");
    std::ofstream(sdp) << "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=test\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                          "m=video " << port << " RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
                          "a=fmtp:96 packetization-mode=1\r\n";
    // The sender starts after nvcast listens and sends 3 s of video, then stops: nvcast's timeout ends the stream.
    Background sender("sleep 1; exec '" + ffmpeg_path() +
                      "' -hide_banner -loglevel error -re -f lavfi -i testsrc2=size=160x96:rate=25 -t 3 -c:v libx264 "
                      "-preset ultrafast -tune zerolatency -g 10 -bf 0 -pix_fmt yuv420p -f rtp -payload_type 96 -sdp_file /dev/null "
                      "rtp://127.0.0.1:" + std::to_string(port));
    const std::string out = dir.file("received.mkv");
    const auto start = std::chrono::steady_clock::now();
    const auto r = run_cli("encode '" + sdp + "' --timeout 2 -b x264 --preset p1 -o '" + out + "'", 60);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_NE(r.exit_code, 0) << "a source that disappears is reported\n" << r.output;
    EXPECT_NE(r.output.find("nothing arrived for 2 s"), std::string::npos) << r.output;
    EXPECT_LT(seconds, 20) << "no hang";
    const auto frames = decode_all(out);  // what arrived before the sender stopped is in a playable file
    EXPECT_GE(frames.size(), 40u) << r.output;
    EXPECT_LE(frames.size(), 76u);
}

TEST(LiveInputs, FilterGraphDevice) {
    TempDir dir;
    const auto r = run_cli("-q encode lavfi:testsrc2=size=96x64:rate=30 -n 7 -b x264 --preset p1 -o " +
                           dir.file("lavfi.mkv"));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(decode_all(dir.file("lavfi.mkv")).size(), 7u);
}

TEST(LiveInputs, ProbeListsCaptureInputs) {
    const auto r = run_cli("probe --inputs");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("x11grab"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("v4l2"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace nvcast::test

// Frames between processes (issue 19): the frame channel delivers every byte without a copy,
// returns slots, and survives kill -9 of either side; bad use is a clear error.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>

#include "nvcast/convert.h"
#include "nvcast/error.h"
#include "nvcast/ipc.h"
#include "nvcast/source.h"

namespace nvcast::test {
namespace {

using Clock = std::chrono::steady_clock;

// A channel name no other test run on this machine uses at the same time.
std::string channel(const char* what) { return std::string("test-") + what + "-" + std::to_string(::getpid()); }

bool same_pixels(const Frame& a, const Frame& b) {
    if (a.width() != b.width() || a.height() != b.height() || a.format() != b.format()) return false;
    for (int p = 0; p < a.plane_count(); ++p)
        for (int y = 0; y < plane_rows(a.format(), a.height(), p); ++y)
            if (std::memcmp(a.data(p) + static_cast<size_t>(y) * a.pitch(p), b.data(p) + static_cast<size_t>(y) * b.pitch(p),
                            plane_row_bytes(a.format(), a.width(), p)) != 0)
                return false;
    return true;
}

// Publishes `frames` synthetic frames (seed 7) read straight into the ring; finish() unless told not to.
void publish_synthetic(ipc::FramePublisher& pub, int frames, bool finish = true) {
    auto src = open_synthetic(96, 64, 30, 1, frames, PixelFormat::I420, 7);
    for (;;) {
        Frame& f = pub.next_buffer();
        if (!src->read(f)) break;
        pub.publish(f);
    }
    if (finish) pub.finish();
}

InputOptions timeout(double seconds) {
    InputOptions o;
    o.timeout_s = seconds;
    return o;
}

SourceInfo synthetic_info() { return open_synthetic(96, 64, 30, 1, 1, PixelFormat::I420, 7)->info(); }

TEST(IpcChannel, EveryFrameArrivesIntactWithoutACopy) {
    const std::string name = channel("roundtrip");
    ipc::FramePublisher pub({name, 4}, synthetic_info());
    std::thread producer([&] { publish_synthetic(pub, 30); });
    auto sub = open_source("ipc:" + name);
    EXPECT_EQ(sub->info().width, 96);
    EXPECT_TRUE(sub->info().provides_buffers);
    auto reference = open_synthetic(96, 64, 30, 1, 30, PixelFormat::I420, 7);
    Frame got, want;
    int n = 0;
    while (sub->read(got)) {
        ASSERT_TRUE(reference->read(want));
        EXPECT_TRUE(same_pixels(got, want)) << "frame " << n;
        EXPECT_EQ(got.pts, want.pts) << "frame " << n;
        ++n;
    }
    producer.join();
    EXPECT_EQ(n, 30);
    const ipc::PublisherStats st = pub.stats();
    EXPECT_EQ(st.published, 30);
    EXPECT_EQ(st.copies, 0) << "the source read straight into the ring";
    ASSERT_EQ(st.subscribers.size(), 1u);
    EXPECT_EQ(st.subscribers[0].sent, 30);
    EXPECT_FALSE(st.subscribers[0].went_away);
}

TEST(IpcChannel, SlotsComeBackSoFourSlotsCarryAnyNumberOfFrames) {
    // The subscriber keeps at most one frame: with 2 slots, 50 frames only pass if slots return.
    const std::string name = channel("credits");
    ipc::FramePublisher pub({name, 2}, synthetic_info());
    std::thread producer([&] { publish_synthetic(pub, 50); });
    auto sub = open_source("ipc:" + name);
    Frame f;
    int n = 0;
    while (sub->read(f)) ++n;
    producer.join();
    EXPECT_EQ(n, 50);
}

TEST(IpcChannel, AFrameFromElsewhereIsCopiedAndCounted) {
    const std::string name = channel("copy");
    ipc::FramePublisher pub({name, 2}, synthetic_info());
    Frame own = Frame::allocate(PixelFormat::I420, 96, 64);
    std::memset(own.data(0), 77, static_cast<size_t>(own.pitch(0)) * 64);
    std::thread producer([&] {
        pub.next_buffer();  // waits for the subscriber
        pub.publish(own);
        pub.finish();
    });
    auto sub = open_source("ipc:" + name);
    Frame f;
    ASSERT_TRUE(sub->read(f));
    EXPECT_EQ(f.data(0)[95], 77);
    EXPECT_FALSE(sub->read(f));
    producer.join();
    EXPECT_EQ(pub.stats().copies, 1);
}

TEST(IpcChannel, KilledSubscriberIsNoticedAndTheNextOneGetsTheRest) {
    const std::string name = channel("subkill");
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {  // a subscriber that dies holding frames
        try {
            auto sub = open_source("ipc:" + name);
            Frame a, b, c;
            sub->read(a);
            sub->read(b);
            sub->read(c);
        } catch (...) {
        }
        ::raise(SIGKILL);
    }
    ipc::FramePublisher pub({name, 4}, synthetic_info());
    std::thread producer([&] { publish_synthetic(pub, 40); });
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    const auto killed = Clock::now();
    auto sub = open_source("ipc:" + name);
    Frame f;
    int n = 0;
    double first_frame_s = -1;
    while (sub->read(f)) {
        if (n++ == 0) first_frame_s = std::chrono::duration<double>(Clock::now() - killed).count();
    }
    producer.join();
    EXPECT_GE(first_frame_s, 0);
    EXPECT_LT(first_frame_s, 1.0) << "the publisher must notice the dead subscriber within a second";
    const ipc::PublisherStats st = pub.stats();
    ASSERT_EQ(st.subscribers.size(), 2u);
    EXPECT_TRUE(st.subscribers[0].went_away);
    EXPECT_GE(st.subscribers[0].sent, 3);
    EXPECT_EQ(st.subscribers[1].sent, n);
    EXPECT_EQ(st.subscribers[0].sent + st.subscribers[1].sent, st.published) << "nothing lost without a count";
    EXPECT_EQ(st.published, 40);
}

TEST(IpcChannel, KilledPublisherIsNoticedAndARestartedOneContinuesTheStream) {
    const std::string name = channel("pubkill");
    const pid_t first = ::fork();
    ASSERT_GE(first, 0);
    if (first == 0) {  // publishes 10 frames and dies without ending the stream
        try {
            ipc::FramePublisher pub({name, 4}, synthetic_info());
            publish_synthetic(pub, 10, false);
        } catch (...) {
        }
        ::raise(SIGKILL);
    }
    auto sub = open_source("ipc:" + name, timeout(5));
    Frame f;
    int n = 0;
    while (n < 10 && sub->read(f)) ++n;
    ASSERT_EQ(n, 10);
    int status = 0;
    ASSERT_EQ(::waitpid(first, &status, 0), first);
    const pid_t second = ::fork();  // the restarted publisher: 5 more frames, then the end
    ASSERT_GE(second, 0);
    if (second == 0) {
        try {
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            ipc::FramePublisher pub({name, 4}, synthetic_info());
            publish_synthetic(pub, 5);
            ::_exit(0);
        } catch (...) {
        }
        ::_exit(1);
    }
    while (sub->read(f)) ++n;
    EXPECT_EQ(n, 15) << "every frame of both publishers";
    ASSERT_EQ(::waitpid(second, &status, 0), second);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST(IpcChannel, ARestartedPublisherWithAnotherFormatIsAClearError) {
    const std::string name = channel("format");
    const pid_t first = ::fork();
    ASSERT_GE(first, 0);
    if (first == 0) {
        try {
            ipc::FramePublisher pub({name, 2}, synthetic_info());
            publish_synthetic(pub, 1, false);
        } catch (...) {
        }
        ::raise(SIGKILL);
    }
    auto sub = open_source("ipc:" + name, timeout(5));
    Frame f;
    ASSERT_TRUE(sub->read(f));
    int status = 0;
    ::waitpid(first, &status, 0);
    const pid_t second = ::fork();
    if (second == 0) {
        try {
            SourceInfo other = synthetic_info();
            other.width = 128;
            ipc::FramePublisher pub({name, 2}, other);
            pub.next_buffer();  // serves the subscriber its Hello, then waits
        } catch (...) {
        }
        ::_exit(0);
    }
    try {
        sub->read(f);
        ADD_FAILURE() << "a changed frame size must not pass";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::InvalidData);
        EXPECT_NE(std::string(e.what()).find("128x64 i420"), std::string::npos) << e.what();
    }
    ::kill(second, SIGKILL);
    ::waitpid(second, &status, 0);
}

TEST(IpcChannel, MisuseIsAClearError) {
    const std::string name = channel("misuse");
    ipc::FramePublisher pub({name, 2}, synthetic_info());
    try {
        ipc::FramePublisher again({name, 2}, synthetic_info());
        ADD_FAILURE() << "two publishers of one name";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::Io);
        EXPECT_NE(std::string(e.what()).find("already published"), std::string::npos) << e.what();
    }
    try {
        open_source("ipc:" + channel("nobody"), timeout(0.2));
        ADD_FAILURE() << "no publisher";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::Unavailable);
        EXPECT_NE(std::string(e.what()).find("no publisher"), std::string::npos) << e.what();
    }
    for (const char* bad : {"", "a b", "../x", "x/y"}) {
        EXPECT_THROW(ipc::check_channel_name(bad), Error) << bad;
        EXPECT_THROW(open_source(std::string("ipc:") + bad), Error) << bad;
    }
    EXPECT_THROW(ipc::FramePublisher({channel("slots"), 1}, synthetic_info()), Error);
    if (!FrameConverter::gpu_available()) {  // CUDA frames: tests/ipc/gpu_split_test.cc on a GPU
        SourceInfo device = synthetic_info();
        device.memory = MemoryType::Cuda;
        try {
            ipc::FramePublisher({channel("device"), 2}, device);
            ADD_FAILURE() << "a CUDA ring without a GPU";
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), ErrorCode::Unavailable) << e.what();
            EXPECT_NE(std::string(e.what()).find("CUDA"), std::string::npos) << e.what();
        }
    }
    Frame wrong = Frame::allocate(PixelFormat::I420, 32, 32);
    EXPECT_THROW(pub.publish(wrong), Error);
}

TEST(IpcChannel, ASecondSubscriberIsRefused) {
    const std::string name = channel("busy");
    ipc::FramePublisher pub({name, 2}, synthetic_info());
    std::thread producer([&] { publish_synthetic(pub, 3); });
    auto first = open_source("ipc:" + name);
    Frame f;
    ASSERT_TRUE(first->read(f));
    try {
        open_source("ipc:" + name, timeout(2));
        ADD_FAILURE() << "a second subscriber";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("already has a subscriber"), std::string::npos) << e.what();
    }
    while (first->read(f)) {
    }
    producer.join();
}

TEST(IpcChannel, LiveChannelsDropWhatNobodyTakesAndCountIt) {
    ipc::FramePublisher pub({channel("live"), 2, true}, synthetic_info());
    publish_synthetic(pub, 5);
    const ipc::PublisherStats st = pub.stats();
    EXPECT_EQ(st.published, 5);
    EXPECT_EQ(st.dropped_no_subscriber, 5);
    EXPECT_NE(pub.summary().find("no subscriber 5"), std::string::npos) << pub.summary();
}

// --- packet channels --------------------------------------------------------------------------

StreamInfo packet_info() {
    StreamInfo info;
    info.codec = Codec::H264;
    info.width = 320;
    info.height = 240;
    info.codec_headers = {0, 0, 0, 1, 0x67, 0x42};
    return info;
}

Packet numbered_packet(int i, bool keyframe) {
    Packet p;
    p.data.resize(static_cast<size_t>(100 + (i * 7919) % 9000));
    for (size_t k = 0; k < p.data.size(); ++k) p.data[k] = static_cast<uint8_t>(i * 31 + k);
    p.pts = p.dts = i;
    p.keyframe = keyframe;
    p.type = keyframe ? FrameType::IDR : FrameType::P;
    return p;
}

TEST(IpcPackets, EveryPacketArrivesAndRequestsGoBack) {
    const std::string name = channel("packets");
    std::atomic<int> keyframe_requests{0};
    std::atomic<int64_t> bitrate{0};
    ipc::PacketPublisherConfig pc;
    pc.name = name;
    pc.ring_bytes = 64 << 10;  // small: the 200 packets wrap around it many times
    pc.bitrate = 2000000;
    pc.on_keyframe_request = [&] { ++keyframe_requests; };
    pc.on_bitrate_request = [&](int64_t b) { bitrate = b; };
    auto sink = ipc::open_packet_publisher(pc, packet_info());
    std::thread producer([&] {
        for (int i = 0; i < 200; ++i) sink->write(numbered_packet(i, i == 0));
        sink->close();
    });
    auto sub = ipc::open_packet_subscriber(name, 5);
    EXPECT_EQ(sub->info().codec, Codec::H264);
    EXPECT_EQ(sub->info().codec_headers, packet_info().codec_headers);
    EXPECT_EQ(sub->bitrate(), 2000000);
    Packet p;
    int n = 0;
    while (sub->read(p)) {
        const Packet want = numbered_packet(n, n == 0);
        EXPECT_EQ(p.data, want.data) << "packet " << n;
        EXPECT_EQ(p.pts, n);
        EXPECT_EQ(p.keyframe, n == 0);
        if (n == 10) {
            sub->request_keyframe();
            sub->request_bitrate(123456);
        }
        ++n;
    }
    producer.join();
    EXPECT_EQ(n, 200);
    EXPECT_EQ(keyframe_requests.load(), 1);
    EXPECT_EQ(bitrate.load(), 123456);
    const ipc::PacketPublisherStats st = ipc::packet_publisher_stats(*sink);
    EXPECT_EQ(st.packets, 200);
    EXPECT_EQ(st.dropped_no_subscriber, 0);
}

TEST(IpcPackets, ANewSubscriberStartsAtAKeyframeItAsksFor) {
    const std::string name = channel("rejoin");
    std::atomic<bool> keyframe_next{false};
    ipc::PacketPublisherConfig pc;
    pc.name = name;
    pc.on_keyframe_request = [&] { keyframe_next = true; };
    auto sink = ipc::open_packet_publisher(pc, packet_info());
    std::atomic<bool> stop{false};
    std::thread producer([&] {
        for (int i = 0; !stop; ++i) {
            sink->write(numbered_packet(i, i == 0 || keyframe_next.exchange(false)));
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        sink->close();
    });
    {
        auto first = ipc::open_packet_subscriber(name, 5);
        Packet p;
        for (int i = 0; i < 5; ++i) ASSERT_TRUE(first->read(p));
    }  // gone, as if killed: the publisher drops while nobody listens
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto second = ipc::open_packet_subscriber(name, 5);
    Packet p;
    ASSERT_TRUE(second->read(p));
    EXPECT_TRUE(p.keyframe) << "a subscriber's first packet must be a keyframe";
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(second->read(p));
    stop = true;
    while (second->read(p)) {
    }
    producer.join();
    const ipc::PacketPublisherStats st = ipc::packet_publisher_stats(*sink);
    ASSERT_EQ(st.subscribers.size(), 2u);
    EXPECT_TRUE(st.subscribers[0].went_away);
    EXPECT_EQ(st.subscribers[0].sent + st.subscribers[1].sent + st.dropped_no_subscriber + st.dropped_until_keyframe,
              st.packets)
        << "every packet written was sent or dropped with a reason";
}

TEST(IpcPackets, ASubscriberThatStopsReadingDoesNotHoldTheEncoderBack) {
    const std::string name = channel("stalled");
    std::atomic<bool> keyframe_next{false};
    ipc::PacketPublisherConfig pc;
    pc.name = name;
    pc.ring_bytes = size_t{1} << 16;  // full after a dozen packets
    pc.behind_wait_s = 0.2;
    pc.on_keyframe_request = [&] { keyframe_next = true; };
    auto sink = ipc::open_packet_publisher(pc, packet_info());
    std::atomic<bool> stalled_part_written{false}, resume{false};
    double stalled_seconds = 0;
    std::thread producer([&] {
        const auto start = Clock::now();
        int i = 0;
        for (; i < 100; ++i) sink->write(numbered_packet(i, i == 0));  // nobody reads these
        stalled_seconds = std::chrono::duration<double>(Clock::now() - start).count();
        stalled_part_written = true;
        while (!resume) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        for (; i < 160; ++i) {
            sink->write(numbered_packet(i, keyframe_next.exchange(false)));
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        sink->close();
    });
    auto sub = ipc::open_packet_subscriber(name, 5);  // the first write waits for it, then it reads nothing
    while (!stalled_part_written) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    resume = true;
    Packet p;
    int64_t received = 0, last = -1;
    bool gap_seen = false;
    while (sub->read(p)) {
        if (last >= 0 && p.pts != last + 1) {
            gap_seen = true;
            EXPECT_TRUE(p.keyframe) << "after packets were dropped the subscriber goes on at a keyframe (pts " << p.pts << ")";
        }
        last = p.pts;
        ++received;
    }
    producer.join();
    EXPECT_LT(stalled_seconds, 2.0) << "the encoder waited for a subscriber that did not read";
    EXPECT_TRUE(gap_seen);
    EXPECT_GT(last, 100) << "the subscriber went on after catching up";
    const ipc::PacketPublisherStats st = ipc::packet_publisher_stats(*sink);
    EXPECT_GT(st.dropped_subscriber_behind, 0);
    EXPECT_EQ(st.subscribers.size(), 1u);
    EXPECT_EQ(received, st.subscribers[0].sent);
    EXPECT_EQ(st.subscribers[0].sent + st.dropped_no_subscriber + st.dropped_until_keyframe + st.dropped_subscriber_behind,
              st.packets)
        << "every packet written was sent or dropped with a reason";
}

TEST(IpcPackets, ARestartedEncoderIsWaitedFor) {
    const std::string name = channel("encrestart");
    const pid_t first = ::fork();
    ASSERT_GE(first, 0);
    if (first == 0) {
        try {
            ipc::PacketPublisherConfig pc;
            pc.name = name;
            auto sink = ipc::open_packet_publisher(pc, packet_info());
            for (int i = 0; i < 5; ++i) sink->write(numbered_packet(i, i == 0));
            ::raise(SIGKILL);  // dies before the sink could send End
        } catch (...) {
        }
        ::_exit(1);
    }
    auto sub = ipc::open_packet_subscriber(name, 5);
    Packet p;
    int n = 0;
    while (n < 5 && sub->read(p)) ++n;
    ASSERT_EQ(n, 5);
    int status = 0;
    ::waitpid(first, &status, 0);
    const pid_t second = ::fork();
    ASSERT_GE(second, 0);
    if (second == 0) {
        try {
            ipc::PacketPublisherConfig pc;
            pc.name = name;
            auto sink = ipc::open_packet_publisher(pc, packet_info());
            for (int i = 0; i < 5; ++i) sink->write(numbered_packet(i, i == 0));
            sink->close();
            ::_exit(0);
        } catch (...) {
        }
        ::_exit(1);
    }
    while (sub->read(p)) ++n;
    EXPECT_EQ(n, 10);
    ::waitpid(second, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

}  // namespace
}  // namespace nvcast::test

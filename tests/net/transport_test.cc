// URLs, SRTP keys, and the UDP sender/receiver on loopback (bounded: every receive has a timeout).
#include <gtest/gtest.h>

#include <chrono>

#include "nvcast/error.h"
#include "nvcast/stream.h"
#include "rtp_test_util.h"
#include "support/test_support.h"

using namespace nvcast;
using namespace nvcast::test::rtp_util;
using nvcast::test::error_of;
using namespace std::chrono_literals;

namespace {

// A frame of `n` packets of `size` payload bytes each.
rtp::PacketList make_frame(rtp::Payloader& p, size_t n, size_t size, uint32_t ts) {
    Bytes au = {0, 0, 0, 1, 0x41};
    for (size_t i = 0; i + 1 < n * (size - 2); ++i) au.push_back(static_cast<uint8_t>(0x10 + i % 200));
    auto packets = p.packetize(au, ts, false);
    EXPECT_EQ(packets.size(), n);
    return packets;
}

std::vector<Bytes> receive_n(rtp::UdpReceiver& r, size_t n, bool rtcp = false) {
    std::vector<Bytes> out;
    while (out.size() < n) {
        auto p = r.receive(2000ms, rtcp);
        if (!p) break;
        out.push_back(std::move(*p));
    }
    return out;
}

}  // namespace

TEST(RtpUrl, ParsesHostsAndPorts) {
    auto ep = rtp::parse_url("rtp://127.0.0.1:5004");
    EXPECT_EQ(ep.host, "127.0.0.1");
    EXPECT_EQ(ep.port, 5004);
    ep = rtp::parse_url("rtp://[::1]:6000");
    EXPECT_EQ(ep.host, "::1");
    EXPECT_EQ(ep.port, 6000);
    ep = rtp::parse_url("localhost:65535");
    EXPECT_EQ(ep.host, "localhost");
    ep = rtp::parse_url("rtp://@:5004", true);
    EXPECT_EQ(ep.host, "");
    EXPECT_EQ(ep.port, 5004);
}

TEST(RtpUrl, BadUrlsGetSpecificErrors) {
    EXPECT_NE(error_of([] { rtp::parse_url("rtp://127.0.0.1:70000"); }).find("out of range (1..65535)"),
              std::string::npos);
    EXPECT_NE(error_of([] { rtp::parse_url("rtp://127.0.0.1:0"); }).find("out of range"), std::string::npos);
    EXPECT_NE(error_of([] { rtp::parse_url("rtp://127.0.0.1"); }).find("missing port"), std::string::npos);
    EXPECT_NE(error_of([] { rtp::parse_url("rtp://127.0.0.1:abc"); }).find("not a number"), std::string::npos);
    EXPECT_NE(error_of([] { rtp::parse_url("http://x:1"); }).find("unsupported URL scheme"), std::string::npos);
    EXPECT_NE(error_of([] { rtp::parse_url("rtp://::1:5004"); }).find("brackets"), std::string::npos);
    EXPECT_NE(error_of([] { rtp::parse_url("rtp://:5004"); }).find("missing host"), std::string::npos);
    EXPECT_NE(error_of([] { rtp::resolve_host("no-such-host.invalid"); }).find("cannot resolve host"),
              std::string::npos);
}

TEST(SrtpKeyTest, ParsesHexAndBase64AndRejectsBadKeys) {
    const auto hex = rtp::SrtpKey::parse("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d");
    for (size_t i = 0; i < rtp::SrtpKey::kSize; ++i) EXPECT_EQ(hex.bytes[i], i);
    EXPECT_EQ(hex.base64(), "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd");
    EXPECT_EQ(rtp::SrtpKey::parse("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd").bytes, hex.bytes);
    EXPECT_EQ(rtp::SrtpKey::parse("inline:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd").bytes, hex.bytes);
    const auto g1 = rtp::SrtpKey::generate(), g2 = rtp::SrtpKey::generate();
    EXPECT_NE(g1.bytes, g2.bytes);
    EXPECT_EQ(rtp::SrtpKey::parse(g1.base64()).bytes, g1.bytes);

    EXPECT_NE(error_of([] { rtp::SrtpKey::parse("AAECAwQFBgcICQoLDA0ODw=="); }).find("decodes to 16 bytes"),
              std::string::npos);
    EXPECT_NE(error_of([] { rtp::SrtpKey::parse("not a key!"); }).find("neither base64 nor hex"), std::string::npos);
    const std::string secret_ish = "zz0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d";
    const std::string msg = error_of([&] { rtp::SrtpKey::parse(secret_ish); });
    EXPECT_NE(msg.find("hex digits"), std::string::npos);
    EXPECT_EQ(msg.find(secret_ish), std::string::npos);  // the key text is never echoed
    EXPECT_NE(error_of([] { rtp::SrtpKey::parse(std::string(60, '0')); }).find("repeated byte"), std::string::npos);
}

TEST(UdpSenderTest, BadDestinationsGetClearErrors) {
    rtp::SenderConfig c;
    c.destination = {"no-such-host.invalid", 5004};
    EXPECT_NE(error_of([&] { rtp::UdpSender s(c); }).find("cannot resolve host 'no-such-host.invalid'"),
              std::string::npos);
    c.destination = {"127.0.0.1", 0};
    EXPECT_NE(error_of([&] { rtp::UdpSender s(c); }).find("out of range"), std::string::npos);
}

class Loopback : public ::testing::TestWithParam<std::string> {};

TEST_P(Loopback, PacketsArriveIntactAndInOrder) {
    const std::string host = GetParam();
    rtp::ReceiverConfig rc;
    rc.local = {host, 0};
    std::unique_ptr<rtp::UdpReceiver> receiver;
    try {
        receiver = std::make_unique<rtp::UdpReceiver>(rc);
    } catch (const Error& e) {
        GTEST_SKIP() << "no " << host << " here: " << e.what();
    }
    auto payloader = rtp::Payloader::create(payloader_config(Codec::H264, 1000));
    rtp::SenderConfig sc;
    sc.destination = {host, receiver->port()};
    sc.rtcp = false;
    std::vector<Bytes> sent;
    {
        rtp::UdpSender sender(sc);
        for (int f = 0; f < 5; ++f) {
            auto frame = make_frame(*payloader, 10, 1000, static_cast<uint32_t>(f * 3000));
            sent.insert(sent.end(), frame.begin(), frame.end());
            sender.send(std::move(frame));
        }
        sender.flush();
        const auto stats = sender.stats();
        EXPECT_EQ(stats.packets, 50u);
        EXPECT_EQ(stats.frames, 5u);
        EXPECT_EQ(stats.queued_packets, 0u);
        EXPECT_EQ(stats.send_errors, 0u);
    }
    EXPECT_EQ(receive_n(*receiver, sent.size()), sent);
}

INSTANTIATE_TEST_SUITE_P(Hosts, Loopback, ::testing::Values("127.0.0.1", "::1"),
                         [](const auto& param_info) { return param_info.param == "::1" ? std::string("ipv6") : std::string("ipv4"); });

TEST(Srtp, EncryptedStreamRoundTripsOnlyWithTheRightKey) {
    if (!rtp::srtp_supported()) GTEST_SKIP() << "built without libsrtp2";
    const auto key = rtp::SrtpKey::generate();
    rtp::ReceiverConfig good_rc, plain_rc, wrong_rc;
    good_rc.local = plain_rc.local = wrong_rc.local = {"127.0.0.1", 0};
    good_rc.srtp = key;
    wrong_rc.srtp = rtp::SrtpKey::generate();
    rtp::UdpReceiver good(good_rc), plain(plain_rc), wrong(wrong_rc);

    auto payloader = rtp::Payloader::create(payloader_config(Codec::H264, 1000));
    std::vector<Bytes> sent;
    for (int f = 0; f < 3; ++f) {
        auto frame = make_frame(*payloader, 4, 1000, static_cast<uint32_t>(f * 3000));
        sent.insert(sent.end(), frame.begin(), frame.end());
    }
    for (rtp::UdpReceiver* r : {&good, &plain, &wrong}) {
        rtp::SenderConfig sc;
        sc.destination = {"127.0.0.1", r->port()};
        sc.srtp = key;
        sc.rtcp = false;
        rtp::UdpSender sender(sc);
        for (size_t i = 0; i < sent.size(); i += 4) sender.send({sent.begin() + static_cast<long>(i), sent.begin() + static_cast<long>(i) + 4});
        sender.flush();
    }
    EXPECT_EQ(receive_n(good, sent.size()), sent);
    EXPECT_EQ(good.auth_failures(), 0u);

    const auto encrypted = receive_n(plain, sent.size());
    ASSERT_EQ(encrypted.size(), sent.size());
    for (size_t i = 0; i < sent.size(); ++i) {
        EXPECT_EQ(encrypted[i].size(), sent[i].size() + 10);  // 80-bit authentication tag
        EXPECT_TRUE(std::equal(sent[i].begin(), sent[i].begin() + 12, encrypted[i].begin()));  // header in clear
        EXPECT_FALSE(std::equal(sent[i].begin() + 12, sent[i].end(), encrypted[i].begin() + 12));  // payload not
    }

    EXPECT_TRUE(receive_n(wrong, 1).empty());
    EXPECT_EQ(wrong.auth_failures(), sent.size());
}

TEST(Rtcp, SenderReportsCountWhatWasSent) {
    for (bool secure : {false, true}) {
        if (secure && !rtp::srtp_supported()) continue;
        const auto key = rtp::SrtpKey::generate();
        rtp::ReceiverConfig rc;
        rc.local = {"127.0.0.1", 0};
        if (secure) rc.srtp = key;
        rtp::UdpReceiver media(rc), control(rc);
        auto payloader = rtp::Payloader::create(payloader_config(Codec::H264, 1000));
        rtp::SenderConfig sc;
        sc.destination = {"127.0.0.1", media.port()};
        sc.rtcp_port = control.port();
        sc.rtcp_interval = 100ms;
        sc.cname = "cam1@nvcast";
        if (secure) sc.srtp = key;
        size_t octets = 0;
        {
            rtp::UdpSender sender(sc);
            auto frame = make_frame(*payloader, 3, 1000, 90000);
            for (const auto& p : frame) octets += p.size() - 12;
            sender.send(std::move(frame));
            sender.flush();
            auto report = control.receive(2000ms, true);
            ASSERT_TRUE(report) << "no RTCP SR, secure=" << secure;
            const auto sr = rtp::parse_sender_report(*report);
            ASSERT_TRUE(sr) << "secure=" << secure;
            EXPECT_EQ(sr->ssrc, kSsrc);
            EXPECT_EQ(sr->packet_count, 3u);
            EXPECT_EQ(sr->octet_count, octets);
            EXPECT_EQ(sr->cname, "cam1@nvcast");
            EXPECT_GE(sr->rtp_timestamp, 90000u);
            EXPECT_GT(sr->ntp_timestamp >> 32, 3900000000ull);  // after 2023 in NTP seconds
        }
        EXPECT_EQ(receive_n(media, 3).size(), 3u);
    }
}

TEST(Pacing, SpreadsAFramesPacketsAtTheConfiguredRate) {
    rtp::ReceiverConfig rc;
    rc.local = {"127.0.0.1", 0};
    rtp::UdpReceiver receiver(rc);
    auto payloader = rtp::Payloader::create(payloader_config(Codec::H264, 1000));
    auto timed_send = [&](int64_t rate) {
        rtp::SenderConfig sc;
        sc.destination = {"127.0.0.1", receiver.port()};
        sc.rtcp = false;
        sc.pacing_rate = rate;
        sc.max_burst_bytes = 4000;
        rtp::UdpSender sender(sc);
        const auto start = std::chrono::steady_clock::now();
        sender.send(make_frame(*payloader, 60, 1000, 0));  // 60 * (1012 + 28) = 62400 bytes on the wire
        sender.flush();
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        EXPECT_EQ(receive_n(receiver, 60).size(), 60u);
        return s;
    };
    // 4 Mbit/s = 500000 bytes/s: (62400 - 4000 burst) / 500000 = 0.117 s at least.
    const double paced = timed_send(4'000'000);
    EXPECT_GE(paced, 0.11);
    EXPECT_LT(paced, 2.0);
    const double unpaced = timed_send(0);
    EXPECT_LT(unpaced, paced);
}

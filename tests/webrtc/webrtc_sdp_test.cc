// Offer/answer against a real Chromium offer (data/chromium_offer.sdp, recorded from Debian's
// Chromium 156 by createOffer() with one recvonly video transceiver) and hand-written variants.
#include <gtest/gtest.h>

#include "chromium_offer.h"
#include "net/webrtc/webrtc_sdp.h"
#include "nvcast/error.h"

namespace nvcast::webrtc {
namespace {

// SPS NAL unit headers of a High (100) and a Constrained Baseline (66) stream: enough for the profile.
const std::vector<uint8_t> kHighSps = {0, 0, 0, 1, 0x67, 100, 0, 31, 0xac};
const std::vector<uint8_t> kMainSps = {0, 0, 0, 1, 0x67, 77, 0, 31, 0xac};
const std::vector<uint8_t> kBaselineSps = {0, 0, 0, 1, 0x67, 66, 0xc0, 31, 0xac};

TEST(WebRtcSdp, ChromiumsOfferIsRead) {
    const auto offer = parse_webrtc_offer(chromium_offer());
    EXPECT_FALSE(offer.ice_ufrag.empty());
    EXPECT_GE(offer.ice_pwd.size(), 22u);
    EXPECT_EQ(offer.fingerprint.substr(0, 8), "sha-256 ");
    EXPECT_EQ(offer.setup, "actpass");
    ASSERT_EQ(offer.media.size(), 1u);
    EXPECT_EQ(offer.media[0].kind, "video");
    EXPECT_EQ(offer.media[0].mid, "0");
    EXPECT_GT(offer.media[0].formats.size(), 10u);
}

TEST(WebRtcSdp, TheStreamsH264ProfileAv1OrNothingIsChosen) {
    const auto offer = parse_webrtc_offer(chromium_offer());
    const auto main = choose_format(offer, Codec::H264, kMainSps);
    ASSERT_TRUE(main);
    EXPECT_EQ(main->format.encoding, "H264");
    EXPECT_NE(main->format.fmtp.find("packetization-mode=1"), std::string::npos);
    EXPECT_NE(main->format.fmtp.find("profile-level-id=4d"), std::string::npos) << main->format.fmtp;
    // This Chromium offers no High profile: the first packetization-mode=1 H.264 carries it
    // (decoders take any profile; the payload type is what must match).
    const auto high = choose_format(offer, Codec::H264, kHighSps);
    ASSERT_TRUE(high);
    EXPECT_NE(high->format.fmtp.find("packetization-mode=1"), std::string::npos) << high->format.fmtp;
    const auto baseline = choose_format(offer, Codec::H264, kBaselineSps);
    ASSERT_TRUE(baseline);
    EXPECT_NE(baseline->format.fmtp.find("profile-level-id=42"), std::string::npos) << baseline->format.fmtp;
    const auto av1 = choose_format(offer, Codec::AV1, {});
    ASSERT_TRUE(av1);
    EXPECT_EQ(av1->format.encoding, "AV1");
    EXPECT_FALSE(choose_format(offer, Codec::HEVC, {}));  // this Chromium offers no H.265
}

TEST(WebRtcSdp, TheAnswerIsIceLitePassiveBundledAndRejectsOtherSections) {
    const std::string sdp =
        "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
        "a=ice-ufrag:abcd\r\na=ice-pwd:0123456789012345678901\r\na=fingerprint:sha-256 AA:BB\r\na=setup:actpass\r\n"
        "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=recvonly\r\na=rtpmap:111 opus/48000/2\r\n"
        "m=video 9 UDP/TLS/RTP/SAVPF 45 102\r\na=mid:1\r\na=recvonly\r\na=rtpmap:45 AV1/90000\r\n"
        "a=rtpmap:102 H264/90000\r\na=fmtp:102 packetization-mode=1;profile-level-id=42e01f\r\n";
    const auto offer = parse_webrtc_offer(sdp);  // session-level credentials, as Firefox writes them
    EXPECT_EQ(offer.ice_ufrag, "abcd");
    const auto chosen = choose_format(offer, Codec::H264, kHighSps);  // no High offered: any mode-1 H.264
    ASSERT_TRUE(chosen);
    EXPECT_EQ(chosen->media_index, 1u);
    EXPECT_EQ(chosen->format.payload_type, 102);
    AnswerParams p;
    p.ice_ufrag = "nvcu";
    p.ice_pwd = "nvcast-password-123456";
    p.fingerprint = "01:02";
    p.address = "127.0.0.1";
    p.port = 40000;
    p.ssrc = 1234;
    const std::string answer = make_webrtc_answer(offer, *chosen, p);
    for (const char* line : {"a=ice-lite", "a=group:BUNDLE 1", "m=audio 0 UDP/TLS/RTP/SAVPF 111", "a=mid:0",
                             "m=video 40000 UDP/TLS/RTP/SAVPF 102", "a=setup:passive", "a=rtcp-mux", "a=sendonly",
                             "a=fingerprint:sha-256 01:02", "a=rtpmap:102 H264/90000", "a=rtcp-fb:102 nack pli",
                             "a=ssrc:1234 cname:nvcast", "a=candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host"})
        EXPECT_NE(answer.find(std::string(line) + "\r\n"), std::string::npos) << line << "\n" << answer;
}

// Chromium offers an rtx format for each video format (RFC 4588, "apt" naming it): the chosen
// format's comes along, and the answer declares it with the two streams' SSRCs grouped as FID.
TEST(WebRtcSdp, TheChosenFormatsRtxIsAnsweredWithAnFidGroup) {
    const auto offer = parse_webrtc_offer(chromium_offer());
    const auto h264 = choose_format(offer, Codec::H264, kBaselineSps);
    ASSERT_TRUE(h264);
    ASSERT_EQ(h264->format.payload_type, 102);
    EXPECT_EQ(h264->rtx_payload_type, 103);  // a=fmtp:103 apt=102
    const auto av1 = choose_format(offer, Codec::AV1, {});
    ASSERT_TRUE(av1);
    EXPECT_EQ(av1->rtx_payload_type, 46);  // a=fmtp:46 apt=45
    AnswerParams p;
    p.address = "127.0.0.1";
    p.port = 40000;
    p.ssrc = 1234;
    p.rtx_ssrc = 5678;
    const std::string answer = make_webrtc_answer(offer, *h264, p);
    for (const char* line : {"m=video 40000 UDP/TLS/RTP/SAVPF 102 103", "a=rtpmap:103 rtx/90000", "a=fmtp:103 apt=102",
                             "a=ssrc-group:FID 1234 5678", "a=ssrc:5678 cname:nvcast", "a=ssrc:1234 cname:nvcast"})
        EXPECT_NE(answer.find(std::string(line) + "\r\n"), std::string::npos) << line << "\n" << answer;

    ChosenFormat plain = *h264;  // no rtx (not offered, or turned off): nothing of it in the answer
    plain.rtx_payload_type.reset();
    const std::string without = make_webrtc_answer(offer, plain, p);
    EXPECT_NE(without.find("m=video 40000 UDP/TLS/RTP/SAVPF 102\r\n"), std::string::npos) << without;
    EXPECT_EQ(without.find("rtx"), std::string::npos) << without;
    EXPECT_EQ(without.find("5678"), std::string::npos) << without;
}

TEST(WebRtcSdp, UnusableOffersAreRefusedSayingWhy) {
    const std::string base = "v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n";
    const std::string creds = "a=ice-ufrag:abcd\r\na=ice-pwd:0123456789012345678901\r\n";
    const std::string video = "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\na=rtpmap:96 VP8/90000\r\n";
    auto message = [](const std::string& sdp) {
        try {
            parse_webrtc_offer(sdp);
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    EXPECT_NE(message("hello").find("not an SDP"), std::string::npos);
    EXPECT_NE(message(base + creds + "a=fingerprint:sha-256 AA\r\n").find("no m= section"), std::string::npos);
    EXPECT_NE(message(base + "a=fingerprint:sha-256 AA\r\n" + video).find("ICE credentials"), std::string::npos);
    EXPECT_NE(message(base + creds + video).find("fingerprint"), std::string::npos);
    EXPECT_NE(message(base + creds + "a=fingerprint:sha-1 AA\r\n" + video).find("sha-256"), std::string::npos);
    EXPECT_NE(message(base + creds + "a=fingerprint:sha-256 AA\r\na=setup:passive\r\n" + video).find("passive"),
              std::string::npos);
    EXPECT_NE(message(base + creds + "a=fingerprint:sha-256 AA\r\nm=video 9\r\n").find("malformed m="), std::string::npos);
    EXPECT_NE(message(base + creds + "a=fingerprint:sha-256 AA\r\n" + video + "a=rtpmap:x H264/90000\r\n").find("rtpmap"),
              std::string::npos);
    // VP8 only: parsed, but nothing carries nvcast's stream.
    const auto vp8 = parse_webrtc_offer(base + creds + "a=fingerprint:sha-256 AA\r\n" + video);
    EXPECT_FALSE(choose_format(vp8, Codec::H264, kHighSps));
}

}  // namespace
}  // namespace nvcast::webrtc

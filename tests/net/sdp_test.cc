// SDP (RFC 4566) with rtpmap/fmtp per RFC 6184, RFC 7798, the AV1 RTP spec, and a=crypto (RFC 4568).
#include <gtest/gtest.h>

#include "nvcast/error.h"
#include "nvcast/sdp.h"

using namespace nvcast;
using nvcast::rtp::SdpConfig;

namespace {
bool has_line(const std::string& sdp, const std::string& line) {
    return sdp.find(line + "\r\n") != std::string::npos;
}
}  // namespace

TEST(Sdp, H264HasProfileLevelIdAndSpropParameterSets) {
    SdpConfig c;
    c.codec = Codec::H264;
    c.address = "127.0.0.1";
    c.port = 5004;
    c.codec_headers = {0, 0, 0, 1, 0x67, 0x42, 0x00, 0x1F, 0, 0, 0, 1, 0x68, 0xCE, 0x3C, 0x80};
    const std::string sdp = rtp::make_sdp(c);
    EXPECT_EQ(sdp.rfind("v=0\r\n", 0), 0u);
    EXPECT_TRUE(has_line(sdp, "c=IN IP4 127.0.0.1")) << sdp;
    EXPECT_TRUE(has_line(sdp, "m=video 5004 RTP/AVP 96")) << sdp;
    EXPECT_TRUE(has_line(sdp, "a=rtpmap:96 H264/90000")) << sdp;
    // base64(67 42 00 1F) = Z0IAHw==, base64(68 CE 3C 80) = aM48gA==
    EXPECT_TRUE(has_line(sdp, "a=fmtp:96 packetization-mode=1;profile-level-id=42001F;"
                              "sprop-parameter-sets=Z0IAHw==,aM48gA=="))
        << sdp;
    EXPECT_EQ(sdp.find("crypto"), std::string::npos);
}

TEST(Sdp, HevcHasProfileTierLevelFromTheUnescapedSps) {
    SdpConfig c;
    c.codec = Codec::HEVC;
    c.address = "::1";
    c.port = 6000;
    c.payload_type = 98;
    // SPS with emulation prevention bytes: RBSP byte 14 (general_level_idc) = 0x5D = 93,
    // byte 3 = 0x01: profile_space 0, tier 0, profile_idc 1.
    c.codec_headers = {0, 0, 0, 1, 0x40, 0x01, 0x0C, 0, 0, 0, 1, 0x42, 0x01, 0x01, 0x01, 0x60, 0x00, 0x00, 0x03,
                       0x00, 0x90, 0x00, 0x00, 0x03, 0x00, 0x00, 0x03, 0x00, 0x5D, 0xA0, 0, 0, 0, 1, 0x44, 0x01, 0xC1};
    const std::string sdp = rtp::make_sdp(c);
    EXPECT_TRUE(has_line(sdp, "c=IN IP6 ::1")) << sdp;
    EXPECT_TRUE(has_line(sdp, "a=rtpmap:98 H265/90000")) << sdp;
    const auto fmtp = sdp.find("a=fmtp:98 profile-id=1;tier-flag=0;level-id=93;sprop-vps=QAEM;sprop-sps=");
    EXPECT_NE(fmtp, std::string::npos) << sdp;
    EXPECT_NE(sdp.find(";sprop-pps=RAHB\r\n"), std::string::npos) << sdp;
}

TEST(Sdp, Av1HasProfileLevelAndTier) {
    SdpConfig c;
    c.codec = Codec::AV1;
    // Sequence header payload bits: profile 000, still 0, reduced 0, timing 0, delay 0,
    // op count-1 00000, op idc 0 (12 bits), seq_level_idx 01000 (8), tier 1 -> 00 00 00 44.
    c.codec_headers = {0x0A, 0x04, 0x00, 0x00, 0x00, 0x44};
    const std::string sdp = rtp::make_sdp(c);
    EXPECT_TRUE(has_line(sdp, "a=rtpmap:96 AV1/90000")) << sdp;
    EXPECT_TRUE(has_line(sdp, "a=fmtp:96 profile=0;level-idx=8;tier=1")) << sdp;
}

TEST(Sdp, SrtpUsesSavpAndInlineKey) {
    SdpConfig c;
    c.srtp = rtp::SrtpKey::parse("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d");
    const std::string sdp = rtp::make_sdp(c);
    EXPECT_TRUE(has_line(sdp, "m=video 5004 RTP/SAVP 96")) << sdp;
    EXPECT_TRUE(has_line(sdp, "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd"))
        << sdp;
}

// The receiving side reads what the writer wrote, and what other tools write.
TEST(SdpParser, ReadsItsOwnSdpBack) {
    for (Codec codec : {Codec::H264, Codec::HEVC, Codec::AV1}) {
        SdpConfig c;
        c.codec = codec;
        c.port = 6000;
        c.payload_type = 101;
        if (rtp::srtp_supported()) c.srtp = rtp::SrtpKey::generate();
        const rtp::SdpSession s = rtp::parse_sdp(rtp::make_sdp(c));
        EXPECT_EQ(s.port, 6000);
        ASSERT_TRUE(s.payload_type.has_value());
        EXPECT_EQ(*s.payload_type, 101);
        ASSERT_TRUE(s.codec.has_value());
        EXPECT_EQ(*s.codec, codec);
        EXPECT_EQ(s.srtp.has_value(), c.srtp.has_value());
        if (c.srtp) {
            EXPECT_EQ(s.srtp->bytes, c.srtp->bytes);
        }
    }
}

TEST(SdpParser, TakesTheFirstVideoSectionAndItsPayloadType) {
    const rtp::SdpSession s = rtp::parse_sdp(
        "v=0\nm=audio 5000 RTP/AVP 0\na=rtpmap:0 PCMU/8000\nm=video 7000 RTP/AVP 98\na=rtpmap:99 VP8/90000\n"
        "a=rtpmap:98 AV1/90000\nm=video 8000 RTP/AVP 96\na=rtpmap:96 H264/90000\n");
    EXPECT_EQ(s.port, 7000);
    ASSERT_TRUE(s.codec.has_value());
    EXPECT_EQ(*s.codec, Codec::AV1);
}

TEST(SdpParser, ErrorsNameTheOriginAndTheProblem) {
    auto error = [](const std::string& text) {
        try {
            rtp::parse_sdp(text, "SDP 'x.sdp'");
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("(no error)");
    };
    EXPECT_NE(error("v=0\ns=x\n").find("SDP 'x.sdp' has no m=video line"), std::string::npos);
    EXPECT_NE(error("m=video 0 RTP/AVP 96\n").find("video port out of range"), std::string::npos);
    EXPECT_NE(error("m=video 99999 RTP/AVP 96\n").find("video port out of range"), std::string::npos);
    EXPECT_NE(error("m=video x RTP/AVP 96\n").find("video port out of range"), std::string::npos);
    EXPECT_NE(error("m=video 5004 RTP/AVP 96\na=rtpmap:96 VP9/90000\n").find("encoding 'VP9' is not H264/H265/AV1"),
              std::string::npos);
    EXPECT_NE(error("m=video 5004 RTP/AVP 96\na=crypto:1 AES_256_CM_HMAC_SHA1_80 inline:abc\n")
                  .find("only AES_CM_128_HMAC_SHA1_80"),
              std::string::npos);
    EXPECT_NE(error("m=video 5004 RTP/AVP 96\na=rtpmap:96\n").find("malformed a=rtpmap"), std::string::npos);
    try {
        rtp::read_sdp_file("/nonexistent/x.sdp");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::Io);
    }
}

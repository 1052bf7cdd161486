// The WHEP endpoint over HTTP on loopback (cpp-httplib's client as the viewer): status codes of
// the protocol and its errors, the player page, and ICE-lite on the socket the answer names.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>

#include <regex>
#include <thread>

#include "net/webrtc/stun.h"
#include "support/udp_peer.h"
#include "chromium_offer.h"
#include "nvcast/error.h"
#include "nvcast/webrtc.h"

namespace nvcast::webrtc {
namespace {

StreamInfo h264_stream() {
    StreamInfo info;
    info.codec = Codec::H264;
    info.width = 640;
    info.height = 360;
    info.codec_headers = {0, 0, 0, 1, 0x67, 66, 0xc0, 31, 0xac};
    return info;
}

WhepConfig loopback() {
    WhepConfig c;
    c.host = "127.0.0.1";
    c.port = 0;
    return c;
}

std::string answer_value(const std::string& answer, const std::string& key) {
    std::smatch m;
    return std::regex_search(answer, m, std::regex("a=" + key + ":(\\S+)")) ? m[1].str() : std::string();
}

// A STUN request to the answer's candidate port and the reply, if any.
std::optional<std::vector<uint8_t>> stun_exchange(uint16_t port, const std::vector<uint8_t>& request) {
    return test::udp_exchange(port, request, std::chrono::milliseconds(2000));
}

TEST(Whep, OfferGetsCreatedWithAnAnswerAndDeleteEndsTheSession) {
    WhepSink sink(loopback(), h264_stream());
    ASSERT_GT(sink.port(), 0);
    httplib::Client http("127.0.0.1", sink.port());
    auto res = http.Post("/whep", chromium_offer(), "application/sdp");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 201) << res->body;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/sdp");
    EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), "*");
    const std::string location = res->get_header_value("Location");
    ASSERT_EQ(location.rfind("/whep/", 0), 0u) << location;
    EXPECT_NE(res->body.find("a=ice-lite"), std::string::npos);
    EXPECT_NE(res->body.find("a=setup:passive"), std::string::npos);
    EXPECT_NE(res->body.find("profile-level-id=42"), std::string::npos);  // the stream's Baseline profile
    ASSERT_EQ(sink.viewers().size(), 1u);
    EXPECT_EQ(sink.viewers()[0].codec.substr(0, 5), "H264/");
    EXPECT_FALSE(sink.viewers()[0].connected);

    auto gone = http.Delete(location.c_str());
    ASSERT_TRUE(gone);
    EXPECT_EQ(gone->status, 200);
    auto again = http.Delete(location.c_str());
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 404);
    ASSERT_EQ(sink.viewers().size(), 1u);
    EXPECT_EQ(sink.viewers()[0].ended, "deleted by the viewer");
}

TEST(Whep, ProtocolErrorsGetTheirStatusAndAReason) {
    WhepConfig config = loopback();
    config.token = "s3cret";
    config.max_viewers = 1;
    WhepSink sink(config, h264_stream());
    httplib::Client http("127.0.0.1", sink.port());
    const httplib::Headers auth = {{"Authorization", "Bearer s3cret"}};

    auto res = http.Post("/whep", chromium_offer(), "application/sdp");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401);
    EXPECT_EQ(res->get_header_value("WWW-Authenticate"), "Bearer");
    res = http.Post("/whep", {{"Authorization", "Bearer wrong"}}, chromium_offer(), "application/sdp");
    EXPECT_EQ(res->status, 401);
    res = http.Post("/whep", auth, chromium_offer(), "text/plain");
    EXPECT_EQ(res->status, 415);
    res = http.Post("/whep", auth, "v=0\r\nthis is no offer", "application/sdp");
    EXPECT_EQ(res->status, 400);
    EXPECT_NE(res->body.find("no m= section"), std::string::npos) << res->body;
    const std::string vp8_only =
        "v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=ice-ufrag:abcd\r\na=ice-pwd:0123456789012345678901\r\n"
        "a=fingerprint:sha-256 AA\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\na=rtpmap:96 VP8/90000\r\n";
    res = http.Post("/whep", auth, vp8_only, "application/sdp");
    EXPECT_EQ(res->status, 406);
    EXPECT_NE(res->body.find("H264 with packetization-mode=1"), std::string::npos) << res->body;

    res = http.Post("/whep", auth, chromium_offer(), "application/sdp");
    ASSERT_EQ(res->status, 201);
    const std::string location = res->get_header_value("Location");
    res = http.Post("/whep", auth, chromium_offer(), "application/sdp");
    EXPECT_EQ(res->status, 503);  // one viewer at most
    EXPECT_NE(res->body.find("too many viewers"), std::string::npos);
    EXPECT_EQ(http.Delete(location.c_str())->status, 401);  // leaving needs the token too
    EXPECT_EQ(http.Patch(location.c_str(), auth, "a=candidate", "application/trickle-ice-sdpfrag")->status, 405);
    EXPECT_EQ(http.Options("/whep")->status, 204);
    EXPECT_EQ(http.Get("/nothing")->status, 404);
    auto page = http.Get("/");
    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 200);
    EXPECT_NE(page->body.find("RTCPeerConnection"), std::string::npos);
    EXPECT_EQ(http.Delete(location.c_str(), auth)->status, 200);
}

TEST(Whep, IceLiteAnswersChecksWithTheRightCredentialsOnly) {
    WhepSink sink(loopback(), h264_stream());
    httplib::Client http("127.0.0.1", sink.port());
    const std::string offer = chromium_offer();
    auto res = http.Post("/whep", offer, "application/sdp");
    ASSERT_EQ(res->status, 201);
    const std::string ufrag = answer_value(res->body, "ice-ufrag"), pwd = answer_value(res->body, "ice-pwd");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(res->body, m, std::regex("m=video (\\d+) ")));
    const auto port = static_cast<uint16_t>(std::stoi(m[1]));
    const std::string remote_ufrag = answer_value(offer, "ice-ufrag");
    const std::array<uint8_t, 12> tid = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2};

    const auto ok = stun_exchange(port, stun_binding_request(ufrag + ":" + remote_ufrag, pwd, true, tid));
    ASSERT_TRUE(ok);
    const auto answer = parse_stun(*ok);
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->type, 0x0101);
    EXPECT_TRUE(stun_integrity_ok(*ok, *answer, pwd));
    EXPECT_TRUE(stun_mapped_address(*ok));

    const auto wrong = stun_exchange(port, stun_binding_request(ufrag + ":" + remote_ufrag, "not-the-password-00000", true, tid));
    ASSERT_TRUE(wrong);
    EXPECT_EQ(parse_stun(*wrong)->type, 0x0111);
    const auto stranger = stun_exchange(port, stun_binding_request("someone:else", pwd, true, tid));
    ASSERT_TRUE(stranger);
    EXPECT_EQ(parse_stun(*stranger)->type, 0x0111);
    const std::vector<uint8_t> junk(100, 0x01);
    EXPECT_FALSE(stun_exchange(port, junk));  // not STUN: no answer, no crash
    ASSERT_EQ(sink.viewers().size(), 1u);
    EXPECT_EQ(sink.viewers()[0].address.rfind("127.0.0.1:", 0), 0u);
}

TEST(Whep, AViewerThatVanishesIsCleanedUp) {
    WhepConfig config = loopback();
    config.connect_timeout = std::chrono::milliseconds(300);
    WhepSink sink(config, h264_stream());
    httplib::Client http("127.0.0.1", sink.port());
    ASSERT_EQ(http.Post("/whep", chromium_offer(), "application/sdp")->status, 201);
    // No ICE, no DTLS: after the connect timeout the session ends by itself, and the next packet
    // written reaps it.
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
    Packet p;
    p.data = {0, 0, 0, 1, 0x65, 0x88};
    p.keyframe = true;
    sink.write(p);
    const auto viewers = sink.viewers();
    ASSERT_EQ(viewers.size(), 1u);
    EXPECT_NE(viewers[0].ended.find("did not complete"), std::string::npos) << viewers[0].ended;
    EXPECT_EQ(viewers[0].frames, 0u);
}

TEST(Whep, ATakenPortAndBadAddressesAreClearErrors) {
    WhepSink first(loopback(), h264_stream());
    WhepConfig same = loopback();
    same.port = first.port();
    try {
        WhepSink second(same, h264_stream());
        FAIL() << "a second endpoint on a taken port";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::Io);
        EXPECT_NE(std::string(e.what()).find("cannot listen"), std::string::npos);
    }
    EXPECT_EQ(parse_whep_url("whep://:8080?token=t&viewers=3").max_viewers, 3u);
    EXPECT_EQ(parse_whep_url("whep://127.0.0.1:0").port, 0);
    EXPECT_THROW(parse_whep_url("whep://127.0.0.1"), Error);
    EXPECT_THROW(parse_whep_url("whep://:8080?viewers=0"), Error);
    EXPECT_THROW(parse_whep_url("whep://:8080?colour=blue"), Error);
}

}  // namespace
}  // namespace nvcast::webrtc

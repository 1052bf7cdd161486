// STUN for ICE-lite: requests as browsers send them are read and answered; anything forged,
// truncated or tampered with is refused.
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

#include "net/webrtc/stun.h"

namespace nvcast::webrtc {
namespace {

constexpr std::array<uint8_t, 12> kTransaction = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

sockaddr_storage ipv4(const char* address, uint16_t port) {
    sockaddr_storage ss{};
    auto& a = reinterpret_cast<sockaddr_in&>(ss);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    inet_pton(AF_INET, address, &a.sin_addr);
    return ss;
}

TEST(Stun, ABrowsersBindingRequestIsReadAndItsIntegrityChecked) {
    const auto request = stun_binding_request("local:remote", "the-local-password-1234", true, kTransaction);
    EXPECT_EQ(classify_datagram(request), DatagramKind::Stun);
    const auto m = parse_stun(request);
    ASSERT_TRUE(m);
    EXPECT_TRUE(m->is_binding_request());
    EXPECT_EQ(m->username, "local:remote");
    EXPECT_TRUE(m->use_candidate);
    EXPECT_TRUE(m->has_integrity);
    EXPECT_TRUE(m->has_fingerprint);
    EXPECT_EQ(m->transaction, kTransaction);
    EXPECT_TRUE(stun_integrity_ok(request, *m, "the-local-password-1234"));
    EXPECT_FALSE(stun_integrity_ok(request, *m, "another-password-123456"));
}

TEST(Stun, TheResponseCarriesTheMappedAddressUnderIntegrityAndFingerprint) {
    const auto request = stun_binding_request("a:b", "pw-pw-pw-pw-pw-pw-pw-pw", false, kTransaction);
    const auto from = ipv4("192.0.2.7", 54321);
    const auto response = stun_binding_success(*parse_stun(request), from, "pw-pw-pw-pw-pw-pw-pw-pw");
    const auto m = parse_stun(response);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->type, 0x0101);
    EXPECT_EQ(m->transaction, kTransaction);
    EXPECT_TRUE(m->has_fingerprint);
    EXPECT_TRUE(stun_integrity_ok(response, *m, "pw-pw-pw-pw-pw-pw-pw-pw"));
    const auto mapped = stun_mapped_address(response);
    ASSERT_TRUE(mapped);
    EXPECT_EQ(std::memcmp(&*mapped, &from, sizeof(sockaddr_in)), 0);
}

TEST(Stun, ErrorResponsesSayTheCode) {
    const auto request = stun_binding_request("a:b", "pw-pw-pw-pw-pw-pw-pw-pw", false, kTransaction);
    const auto error = stun_binding_error(*parse_stun(request), 401, "unknown username or wrong password");
    const auto m = parse_stun(error);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->type, 0x0111);
    EXPECT_TRUE(m->has_fingerprint);
    EXPECT_NE(std::string(error.begin(), error.end()).find("wrong password"), std::string::npos);
}

TEST(Stun, TamperedTruncatedOrForeignDatagramsAreRefused) {
    auto request = stun_binding_request("a:b", "pw-pw-pw-pw-pw-pw-pw-pw", true, kTransaction);
    // One flipped bit in the username: the fingerprint no longer matches.
    auto tampered = request;
    tampered[24] ^= 1;
    EXPECT_FALSE(parse_stun(tampered));
    // Every truncation.
    for (size_t n = 0; n < request.size(); ++n)
        EXPECT_FALSE(parse_stun(std::span(request.data(), n))) << n;
    // Not STUN: no magic cookie; DTLS and RTP by their first byte.
    auto no_cookie = request;
    no_cookie[4] = 0;
    EXPECT_FALSE(parse_stun(no_cookie));
    const uint8_t dtls[] = {22, 0xfe, 0xfd};
    const uint8_t rtp[] = {0x80, 96};
    EXPECT_EQ(classify_datagram(dtls), DatagramKind::Dtls);
    EXPECT_EQ(classify_datagram(rtp), DatagramKind::Rtp);
    EXPECT_EQ(classify_datagram({}), DatagramKind::Other);
    // A message with a valid fingerprint but a forged integrity tag: parsed, refused by the check.
    auto forged = stun_binding_request("a:b", "the-attackers-guess-000", true, kTransaction);
    const auto m = parse_stun(forged);
    ASSERT_TRUE(m);
    EXPECT_FALSE(stun_integrity_ok(forged, *m, "pw-pw-pw-pw-pw-pw-pw-pw"));
}

}  // namespace
}  // namespace nvcast::webrtc

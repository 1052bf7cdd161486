// The DTLS server against OpenSSL as the browser's DTLS client, datagrams moved in memory:
// both ends derive the same SRTP keys, and a certificate other than the offered one is refused.
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "net/webrtc/dtls.h"

namespace nvcast::webrtc {
namespace {

// A DTLS client as a browser is one: its own self-signed certificate, use_srtp offered.
class Client {
public:
    explicit Client(std::shared_ptr<const DtlsCertificate> certificate) : certificate_(std::move(certificate)) {
        ctx_ = SSL_CTX_new(DTLS_client_method());
        SSL_CTX_use_certificate(ctx_, certificate_->x509());
        SSL_CTX_use_PrivateKey(ctx_, certificate_->key());
        SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, [](int, X509_STORE_CTX*) { return 1; });
        SSL_CTX_set_tlsext_use_srtp(ctx_, "SRTP_AES128_CM_SHA1_80");
        ssl_ = SSL_new(ctx_);
        in_ = BIO_new(BIO_s_mem());
        out_ = BIO_new(BIO_s_mem());
        BIO_set_mem_eof_return(in_, -1);
        SSL_set_bio(ssl_, in_, out_);
        SSL_set_connect_state(ssl_);
    }
    ~Client() {
        SSL_free(ssl_);
        SSL_CTX_free(ctx_);
    }
    // Feeds what the server sent; returns what the client sends (one buffer, as one datagram).
    Datagrams step(const Datagrams& from_server) {
        for (const auto& d : from_server) BIO_write(in_, d.data(), static_cast<int>(d.size()));
        if (!done_ && SSL_do_handshake(ssl_) == 1) done_ = true;
        Datagrams out;
        while (BIO_ctrl_pending(out_) > 0) {
            std::vector<uint8_t> d(BIO_ctrl_pending(out_));
            d.resize(static_cast<size_t>(BIO_read(out_, d.data(), static_cast<int>(d.size()))));
            out.push_back(std::move(d));
        }
        return out;
    }
    bool done() const { return done_; }
    std::vector<uint8_t> exported() {
        std::vector<uint8_t> m(60);
        SSL_export_keying_material(ssl_, m.data(), m.size(), "EXTRACTOR-dtls_srtp", 19, nullptr, 0, 0);
        return m;
    }

private:
    std::shared_ptr<const DtlsCertificate> certificate_;
    SSL_CTX* ctx_ = nullptr;
    SSL* ssl_ = nullptr;
    BIO* in_ = nullptr;
    BIO* out_ = nullptr;
    bool done_ = false;
};

// Runs the handshake to its end (or 20 round trips).
void handshake(Client& client, DtlsServer& server) {
    Datagrams to_server = client.step({});
    for (int round = 0; round < 20 && server.state() == DtlsServer::State::Handshaking; ++round) {
        Datagrams to_client;
        for (const auto& d : to_server) {
            auto out = server.receive(d);
            to_client.insert(to_client.end(), out.begin(), out.end());
        }
        to_server = client.step(to_client);
    }
}

TEST(Dtls, CertificateFingerprintIsSha256InSdpForm) {
    const auto c = DtlsCertificate::generate();
    EXPECT_EQ(c->fingerprint().size(), 32u * 3 - 1);  // 32 bytes as "AB:" pairs
    EXPECT_EQ(c->fingerprint()[2], ':');
    EXPECT_NE(DtlsCertificate::generate()->fingerprint(), c->fingerprint());
}

TEST(Dtls, HandshakeWithTheOfferedCertificateYieldsMirroredSrtpKeys) {
    const auto browser = DtlsCertificate::generate();
    Client client(browser);
    DtlsServer server(DtlsCertificate::generate(), "sha-256 " + browser->fingerprint());
    handshake(client, server);
    ASSERT_EQ(server.state(), DtlsServer::State::Connected) << server.error();
    ASSERT_TRUE(client.done());
    ASSERT_TRUE(server.keys());
    const auto m = client.exported();  // client key, server key, client salt, server salt
    const auto& k = *server.keys();
    EXPECT_TRUE(std::equal(m.begin(), m.begin() + 16, k.remote.bytes.begin()));
    EXPECT_TRUE(std::equal(m.begin() + 16, m.begin() + 32, k.local.bytes.begin()));
    EXPECT_TRUE(std::equal(m.begin() + 32, m.begin() + 46, k.remote.bytes.begin() + 16));
    EXPECT_TRUE(std::equal(m.begin() + 46, m.begin() + 60, k.local.bytes.begin() + 16));
    EXPECT_NE(k.local.bytes, k.remote.bytes);
}

TEST(Dtls, APeerWithAnotherCertificateThanItsOfferSaidIsRefused) {
    Client client(DtlsCertificate::generate());
    DtlsServer server(DtlsCertificate::generate(), "sha-256 " + DtlsCertificate::generate()->fingerprint());
    handshake(client, server);
    EXPECT_EQ(server.state(), DtlsServer::State::Failed);
    EXPECT_NE(server.error().find("does not match the fingerprint"), std::string::npos) << server.error();
    EXPECT_FALSE(server.keys());
}

TEST(Dtls, GarbageDatagramsFailTheAssociationWithoutACrash) {
    DtlsServer server(DtlsCertificate::generate(), "sha-256 00:11");
    std::vector<uint8_t> garbage(300);
    for (size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<uint8_t>(i * 37 + 22);
    garbage[0] = 22;  // a handshake record's content type, then nonsense
    server.receive(garbage);
    server.receive(std::vector<uint8_t>{22});
    server.poll_timer();
    EXPECT_NE(server.state(), DtlsServer::State::Connected);
    EXPECT_FALSE(server.keys());
}

}  // namespace
}  // namespace nvcast::webrtc

#include "net/webrtc/dtls.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>

#include "nvcast/error.h"

namespace nvcast::webrtc {
namespace {

// Records stay below the smallest path MTU browsers assume, so no flight is IP-fragmented.
constexpr long kMtu = 1200;
constexpr char kSrtpProfile[] = "SRTP_AES128_CM_SHA1_80";
constexpr char kExporterLabel[] = "EXTRACTOR-dtls_srtp";

std::string openssl_error(const char* what) {
    char buf[256] = {};
    ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
    ERR_clear_error();
    return std::string(what) + ": " + buf;
}

// An output BIO that keeps each write as one datagram (a memory BIO would run a flight's
// records together).
int datagram_write(BIO* bio, const char* data, int len) {
    auto* out = static_cast<Datagrams*>(BIO_get_data(bio));
    out->emplace_back(reinterpret_cast<const uint8_t*>(data), reinterpret_cast<const uint8_t*>(data) + len);
    return len;
}
long datagram_ctrl(BIO*, int cmd, long, void*) {
    switch (cmd) {
        case BIO_CTRL_FLUSH: return 1;
        case BIO_CTRL_DGRAM_QUERY_MTU: return kMtu;
        case BIO_CTRL_WPENDING:
        case BIO_CTRL_PENDING: return 0;
        default: return 0;
    }
}
int datagram_create(BIO* bio) {
    BIO_set_init(bio, 1);
    return 1;
}
const BIO_METHOD* datagram_method() {
    static BIO_METHOD* method = [] {
        BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "nvcast datagrams");
        BIO_meth_set_write(m, datagram_write);
        BIO_meth_set_ctrl(m, datagram_ctrl);
        BIO_meth_set_create(m, datagram_create);
        return m;
    }();
    return method;
}

// "sha-256 ab:cd" or "ab:cd" -> "AB:CD"; "" for any other hash.
std::string normalized_fingerprint(std::string_view text) {
    if (const size_t space = text.find(' '); space != std::string_view::npos) {
        std::string hash(text.substr(0, space));
        std::transform(hash.begin(), hash.end(), hash.begin(), [](unsigned char c) { return std::tolower(c); });
        if (hash != "sha-256") return {};
        text.remove_prefix(space + 1);
    }
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
    return out;
}

}  // namespace

std::string certificate_fingerprint(x509_st* x509) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!X509_digest(x509, EVP_sha256(), md, &len)) return {};
    std::string out;
    for (unsigned int i = 0; i < len; ++i) {
        char hex[4];
        std::snprintf(hex, sizeof hex, i ? ":%02X" : "%02X", md[i]);
        out += hex;
    }
    return out;
}

std::shared_ptr<const DtlsCertificate> DtlsCertificate::generate() {
    std::shared_ptr<DtlsCertificate> c(new DtlsCertificate);
    c->key_ = EVP_EC_gen("P-256");
    if (!c->key_) throw Error(ErrorCode::Io, openssl_error("cannot make a DTLS key"));
    c->x509_ = X509_new();
    X509* x = c->x509_;
    uint64_t serial = 0;
    RAND_bytes(reinterpret_cast<unsigned char*>(&serial), sizeof serial);
    X509_set_version(x, 2);
    ASN1_INTEGER_set_int64(X509_get_serialNumber(x), static_cast<int64_t>(serial >> 2));
    X509_gmtime_adj(X509_getm_notBefore(x), -86400);
    X509_gmtime_adj(X509_getm_notAfter(x), 30L * 86400);
    X509_set_pubkey(x, c->key_);
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("nvcast"), -1, -1, 0);
    X509_set_issuer_name(x, name);
    if (!X509_sign(x, c->key_, EVP_sha256())) throw Error(ErrorCode::Io, openssl_error("cannot sign the DTLS certificate"));
    c->fingerprint_ = certificate_fingerprint(x);
    return c;
}

DtlsCertificate::~DtlsCertificate() {
    X509_free(x509_);
    EVP_PKEY_free(key_);
}

DtlsServer::DtlsServer(std::shared_ptr<const DtlsCertificate> certificate, std::string peer_fingerprint)
    : certificate_(std::move(certificate)), peer_fingerprint_(normalized_fingerprint(peer_fingerprint)) {
    ctx_ = SSL_CTX_new(DTLS_server_method());
    if (!ctx_) throw Error(ErrorCode::Io, openssl_error("cannot create a DTLS context"));
    SSL_CTX_set_min_proto_version(ctx_, DTLS1_2_VERSION);
    if (SSL_CTX_use_certificate(ctx_, certificate_->x509()) != 1 || SSL_CTX_use_PrivateKey(ctx_, certificate_->key()) != 1)
        throw Error(ErrorCode::Io, openssl_error("cannot use the DTLS certificate"));
    // The peer's certificate is self-signed too: it is checked against the offer's fingerprint
    // once the handshake is done, not against an authority.
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, [](int, X509_STORE_CTX*) { return 1; });
    if (SSL_CTX_set_tlsext_use_srtp(ctx_, kSrtpProfile) != 0)  // 0 means success here
        throw Error(ErrorCode::Io, openssl_error("cannot offer DTLS-SRTP"));
    SSL_CTX_set_read_ahead(ctx_, 1);
    ssl_ = SSL_new(ctx_);
    in_ = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(in_, -1);
    BIO* out = BIO_new(datagram_method());
    BIO_set_data(out, &out_);
    SSL_set_bio(ssl_, in_, out);
    SSL_set_options(ssl_, SSL_OP_NO_QUERY_MTU);
    SSL_set_mtu(ssl_, kMtu);
    DTLS_set_link_mtu(ssl_, kMtu);
    SSL_set_accept_state(ssl_);
}

DtlsServer::~DtlsServer() {
    SSL_free(ssl_);  // frees both BIOs
    SSL_CTX_free(ctx_);
}

void DtlsServer::fail(std::string why) {
    state_ = State::Failed;
    error_ = std::move(why);
    ERR_clear_error();
}

void DtlsServer::advance() {
    if (state_ == State::Handshaking) {
        const int rc = SSL_do_handshake(ssl_);
        if (rc != 1) {
            const int err = SSL_get_error(ssl_, rc);
            if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) fail(openssl_error("DTLS handshake failed"));
            return;
        }
        if (!SSL_get_selected_srtp_profile(ssl_)) return fail("the peer negotiated no SRTP profile (use_srtp)");
        X509* peer = SSL_get1_peer_certificate(ssl_);
        const std::string got = peer ? certificate_fingerprint(peer) : std::string();
        X509_free(peer);
        if (got.empty() || got != peer_fingerprint_)
            return fail("the peer's DTLS certificate does not match the fingerprint in its offer");
        // RFC 5764 §4.2: client key, server key, client salt, server salt.
        uint8_t material[60];
        if (SSL_export_keying_material(ssl_, material, sizeof material, kExporterLabel, sizeof kExporterLabel - 1,
                                       nullptr, 0, 0) != 1)
            return fail(openssl_error("cannot export the SRTP keys"));
        SrtpKeys keys;
        std::memcpy(keys.remote.bytes.data(), material, 16);
        std::memcpy(keys.local.bytes.data(), material + 16, 16);
        std::memcpy(keys.remote.bytes.data() + 16, material + 32, 14);
        std::memcpy(keys.local.bytes.data() + 16, material + 46, 14);
        keys_ = keys;
        state_ = State::Connected;
    }
    if (state_ == State::Connected) {
        // Application data is not used on this association; reading notices a close_notify.
        char sink[2048];
        for (;;) {
            const int n = SSL_read(ssl_, sink, sizeof sink);
            if (n > 0) continue;
            const int err = SSL_get_error(ssl_, n);
            if (err == SSL_ERROR_ZERO_RETURN) state_ = State::Closed;
            else if (err != SSL_ERROR_WANT_READ) fail(openssl_error("DTLS error"));
            break;
        }
    }
}

Datagrams DtlsServer::receive(std::span<const uint8_t> datagram) {
    if (state_ == State::Handshaking || state_ == State::Connected) {
        BIO_write(in_, datagram.data(), static_cast<int>(datagram.size()));
        advance();
    }
    return std::exchange(out_, {});
}

Datagrams DtlsServer::poll_timer() {
    if (state_ == State::Handshaking && DTLSv1_handle_timeout(ssl_) < 0) fail(openssl_error("DTLS handshake timed out"));
    return std::exchange(out_, {});
}

Datagrams DtlsServer::close() {
    if (state_ == State::Connected) {
        SSL_shutdown(ssl_);
        state_ = State::Closed;
    }
    return std::exchange(out_, {});
}

}  // namespace nvcast::webrtc

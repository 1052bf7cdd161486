// DTLS 1.2 for DTLS-SRTP (RFC 5764, RFC 8827): nvcast's certificate and the server side of one
// association, over datagrams the caller moves (OpenSSL with memory BIOs), ending in the SRTP keys.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "nvcast/stream.h"

// OpenSSL's types, declared as its headers do, so that this header need not include them.
struct x509_st;
struct evp_pkey_st;
struct ssl_ctx_st;
struct ssl_st;
struct bio_st;

namespace nvcast::webrtc {

// An ECDSA P-256 key with a self-signed certificate, made once per server; browsers check it
// against the SHA-256 fingerprint in the SDP answer, not against any authority.
class DtlsCertificate {
public:
    static std::shared_ptr<const DtlsCertificate> generate();  // throws Error(Io) when OpenSSL fails
    ~DtlsCertificate();
    DtlsCertificate(const DtlsCertificate&) = delete;
    DtlsCertificate& operator=(const DtlsCertificate&) = delete;

    const std::string& fingerprint() const noexcept { return fingerprint_; }  // "AB:CD:…" (SHA-256)
    x509_st* x509() const noexcept { return x509_; }
    evp_pkey_st* key() const noexcept { return key_; }

private:
    DtlsCertificate() = default;
    x509_st* x509_ = nullptr;
    evp_pkey_st* key_ = nullptr;
    std::string fingerprint_;
};

// "sha-256 AB:CD:…" or "AB:CD:…" of a certificate, upper case (SDP a=fingerprint).
std::string certificate_fingerprint(x509_st* x509);

using Datagrams = std::vector<std::vector<uint8_t>>;

// The DTLS server of one association (the browser is the client: our answer says setup:passive).
// The peer must present the certificate whose fingerprint its offer gave.
class DtlsServer {
public:
    enum class State { Handshaking, Connected, Closed, Failed };
    struct SrtpKeys {
        rtp::SrtpKey local;   // protects what we send (the server write key and salt)
        rtp::SrtpKey remote;  // checks what the peer sends (the client write key and salt)
    };

    // peer_fingerprint: "sha-256 AB:CD:…" from the offer.
    DtlsServer(std::shared_ptr<const DtlsCertificate> certificate, std::string peer_fingerprint);
    ~DtlsServer();
    DtlsServer(const DtlsServer&) = delete;
    DtlsServer& operator=(const DtlsServer&) = delete;

    // One datagram from the peer in; what to send back out.
    Datagrams receive(std::span<const uint8_t> datagram);
    // Retransmits a lost flight when its timer has run out; call every few tens of milliseconds.
    Datagrams poll_timer();
    // A close_notify to send when ending the association.
    Datagrams close();

    State state() const noexcept { return state_; }
    const std::string& error() const noexcept { return error_; }  // why it Failed
    const std::optional<SrtpKeys>& keys() const noexcept { return keys_; }

private:
    void advance();
    void fail(std::string why);

    std::shared_ptr<const DtlsCertificate> certificate_;
    std::string peer_fingerprint_;
    ssl_ctx_st* ctx_ = nullptr;
    ssl_st* ssl_ = nullptr;
    bio_st* in_ = nullptr;  // a memory BIO the peer's datagrams go into
    Datagrams out_;         // what the output BIO collected, one datagram per write
    State state_ = State::Handshaking;
    std::string error_;
    std::optional<SrtpKeys> keys_;
};

}  // namespace nvcast::webrtc

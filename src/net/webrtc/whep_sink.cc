// The WHEP endpoint (draft-ietf-wish-whep): POST an offer to /whep, get 201 with the answer and
// the session's Location; DELETE that Location to leave. cpp-httplib serves it.
#include <httplib.h>
#include <openssl/rand.h>

#include <algorithm>
#include <map>
#include <mutex>

#include "net/webrtc/dtls.h"
#include "net/webrtc/player_page.h"
#include "net/webrtc/viewer_session.h"
#include "net/webrtc/webrtc_sdp.h"
#include "nvcast/error.h"
#include "nvcast/log.h"
#include "nvcast/webrtc.h"

namespace nvcast::webrtc {
namespace {

std::string session_id() {
    uint8_t random[8];
    RAND_bytes(random, sizeof random);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string id;
    for (uint8_t b : random) {
        id += kHex[b >> 4];
        id += kHex[b & 15];
    }
    return id;
}

void plain(httplib::Response& res, int status, const std::string& text) {
    res.status = status;
    res.set_content(text + "\n", "text/plain");
}

}  // namespace

bool webrtc_supported() noexcept { return true; }

struct WhepSink::Impl {
    WhepConfig config;
    StreamInfo stream;
    std::function<void(int64_t)> user_bitrate;
    std::shared_ptr<const DtlsCertificate> certificate;
    httplib::Server http;
    std::thread http_thread;
    uint16_t port = 0;

    mutable std::mutex mutex;
    std::map<std::string, std::shared_ptr<ViewerSession>> sessions;
    std::vector<ViewerStats> ended;
    bool closed = false;

    bool authorized(const httplib::Request& req) const {
        if (config.token.empty()) return true;
        return req.get_header_value("Authorization") == "Bearer " + config.token;
    }

    // Sessions that ended by themselves (consent lost, DTLS closed) leave the map; their threads
    // are joined outside the lock (a session's thread may be calling back into us).
    void reap() {
        std::vector<std::shared_ptr<ViewerSession>> gone;
        {
            std::lock_guard lock(mutex);
            for (auto it = sessions.begin(); it != sessions.end();) {
                if (it->second->ended()) {
                    gone.push_back(it->second);
                    it = sessions.erase(it);
                } else {
                    ++it;
                }
            }
        }
        retire(gone, "");
    }

    void retire(const std::vector<std::shared_ptr<ViewerSession>>& gone, const std::string& why) {
        for (const auto& s : gone) {
            s->end(why);
            ViewerStats stats = s->stats();  // before our lock: a session locks itself, then may call us
            std::lock_guard lock(mutex);
            ended.push_back(std::move(stats));
        }
    }

    std::vector<std::shared_ptr<ViewerSession>> live() const {
        std::lock_guard lock(mutex);
        std::vector<std::shared_ptr<ViewerSession>> out;
        for (const auto& [id, s] : sessions) out.push_back(s);
        return out;
    }

    // The lowest estimate among the viewers is what every one of them can take.
    void bitrate_estimated() {
        int64_t lowest = 0;
        for (const auto& s : live())
            if (const int64_t b = s->bitrate_estimate(); b > 0 && (lowest == 0 || b < lowest)) lowest = b;
        if (lowest > 0 && user_bitrate) user_bitrate(lowest);
    }

    void offer(const httplib::Request& req, httplib::Response& res) {
        if (!authorized(req)) {
            res.set_header("WWW-Authenticate", "Bearer");
            return plain(res, 401, "a valid bearer token is required (Authorization: Bearer <token>)");
        }
        if (req.get_header_value("Content-Type").rfind("application/sdp", 0) != 0)
            return plain(res, 415, "the offer must be sent as Content-Type: application/sdp");
        reap();
        {
            std::lock_guard lock(mutex);
            if (closed) return plain(res, 503, "the stream has ended");
            if (sessions.size() >= config.max_viewers) {
                res.set_header("Retry-After", "10");
                return plain(res, 503, "too many viewers (at most " + std::to_string(config.max_viewers) + ")");
            }
        }
        try {
            const WebRtcOffer offer = parse_webrtc_offer(req.body);
            const auto chosen = choose_format(offer, stream.codec, stream.codec_headers);
            if (!chosen) {
                const char* wanted = stream.codec == Codec::H264 ? "H264 with packetization-mode=1"
                                     : stream.codec == Codec::AV1 ? "AV1" : "H265";
                return plain(res, 406, std::string("the offer has no video format for this stream: it is ") + wanted);
            }
            std::string address = config.candidate_address;
            if (address.empty()) address = req.local_addr;
            if (address.rfind("::ffff:", 0) == 0) address = address.substr(7);  // IPv4 reached over an IPv6 socket
            if (address.empty()) address = "127.0.0.1";
            const std::string id = session_id();
            auto session = std::make_shared<ViewerSession>(id, config, stream, offer, *chosen, certificate, address);
            {
                std::lock_guard lock(mutex);
                sessions[id] = session;
            }
            log(LogLevel::Info, "WebRTC viewer " + id + " from " + req.remote_addr + ": offer accepted (" +
                                    chosen->format.encoding + "/" + std::to_string(chosen->format.payload_type) + ")");
            res.status = 201;
            res.set_header("Location", "/whep/" + id);
            res.set_content(session->answer(), "application/sdp");
        } catch (const Error& e) {
            plain(res, e.code() == ErrorCode::InvalidArgument ? 400 : 500, e.what());
        }
    }

    void remove(const httplib::Request& req, httplib::Response& res) {
        if (!authorized(req)) {
            res.set_header("WWW-Authenticate", "Bearer");
            return plain(res, 401, "a valid bearer token is required (Authorization: Bearer <token>)");
        }
        std::shared_ptr<ViewerSession> session;
        {
            std::lock_guard lock(mutex);
            auto it = sessions.find(req.matches[1]);
            if (it != sessions.end()) {
                session = it->second;
                sessions.erase(it);
            }
        }
        if (!session) return plain(res, 404, "no such WHEP session");
        retire({session}, "deleted by the viewer");
        res.status = 200;
    }

    void routes() {
        http.set_payload_max_length(64 * 1024);  // an offer is a few kilobytes
        // SO_REUSEADDR only: httplib's default adds SO_REUSEPORT, which would let a second server
        // share a taken port instead of saying it is taken.
        http.set_socket_options([](int sock) {
            const int yes = 1;
            ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        });
        http.set_default_headers({{"Access-Control-Allow-Origin", "*"},
                                  {"Access-Control-Expose-Headers", "Location"}});
        auto preflight = [](const httplib::Request&, httplib::Response& res) {
            res.status = 204;
            res.set_header("Access-Control-Allow-Methods", "POST, DELETE, OPTIONS");
            res.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type");
        };
        http.Options("/whep", preflight);
        http.Options(R"(/whep/([0-9a-f]+))", preflight);
        http.Post("/whep", [this](const httplib::Request& req, httplib::Response& res) { offer(req, res); });
        http.Delete(R"(/whep/([0-9a-f]+))", [this](const httplib::Request& req, httplib::Response& res) { remove(req, res); });
        http.Patch(R"(/whep/([0-9a-f]+))", [](const httplib::Request&, httplib::Response& res) {
            res.set_header("Allow", "DELETE");
            plain(res, 405, "nvcast is an ICE-lite agent: it needs no trickled candidates");
        });
        http.Get("/", [](const httplib::Request&, httplib::Response& res) { res.set_content(kPlayerPage, "text/html"); });
    }
};

WhepSink::WhepSink(const WhepConfig& config, const StreamInfo& stream) : impl_(std::make_unique<Impl>()) {
    Impl& s = *impl_;
    s.config = config;
    s.stream = stream;
    if (config.max_viewers == 0) throw Error(ErrorCode::InvalidArgument, "WHEP: max viewers must be at least 1");
    // Keyframe requests pass through; bitrate estimates become the lowest among the viewers.
    s.user_bitrate = config.on_bitrate_estimate;
    s.config.on_bitrate_estimate = [&s](int64_t) { s.bitrate_estimated(); };
    s.certificate = DtlsCertificate::generate();
    s.routes();
    const std::string host = config.host.empty() ? "0.0.0.0" : config.host;
    bool bound = false;
    if (config.port == 0) {
        const int port = s.http.bind_to_any_port(host);
        bound = port > 0;
        s.port = static_cast<uint16_t>(std::max(port, 0));
    } else {
        bound = s.http.bind_to_port(host, config.port);
        s.port = config.port;
    }
    if (!bound)
        throw Error(ErrorCode::Io, "WHEP: cannot listen on " + host + ":" + std::to_string(config.port) +
                                       " (in use, or not an address of this machine)");
    s.http_thread = std::thread([&s] { s.http.listen_after_bind(); });
    // httplib's stop() does nothing until the server runs: wait, or a quick close() would hang.
    while (!s.http.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    log(LogLevel::Info, "WHEP: viewers can watch at " + url() + " (offers to " + url() + "whep)");
}

WhepSink::~WhepSink() { close(); }

void WhepSink::write(const Packet& packet) {
    impl_->reap();
    for (const auto& s : impl_->live()) s->write(packet);
}

void WhepSink::close() {
    Impl& s = *impl_;
    std::vector<std::shared_ptr<ViewerSession>> all;
    {
        std::lock_guard lock(s.mutex);
        if (s.closed) return;
        s.closed = true;
        for (auto& [id, session] : s.sessions) all.push_back(session);
        s.sessions.clear();
    }
    s.http.stop();
    if (s.http_thread.joinable()) s.http_thread.join();
    s.retire(all, "the stream ended");
}

uint16_t WhepSink::port() const noexcept { return impl_->port; }

std::string WhepSink::url() const {
    const std::string& h = impl_->config.host;
    const std::string host = h.empty() || h == "0.0.0.0" ? "127.0.0.1" : h;
    return "http://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
           std::to_string(impl_->port) + "/";
}

std::vector<ViewerStats> WhepSink::viewers() const {
    std::vector<ViewerStats> out;
    {
        std::lock_guard lock(impl_->mutex);
        out = impl_->ended;
    }
    for (const auto& s : impl_->live()) out.push_back(s->stats());
    return out;
}

}  // namespace nvcast::webrtc

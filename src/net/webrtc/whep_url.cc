// whep://host:port[?token=T&viewers=N&candidate=ADDR] — the WHEP endpoint as an output target.
#include <charconv>

#include "nvcast/error.h"
#include "nvcast/features.h"
#include "nvcast/webrtc.h"

namespace nvcast::webrtc {

bool is_whep_url(std::string_view text) { return text.rfind("whep://", 0) == 0; }

WhepConfig parse_whep_url(std::string_view url) {
    const std::string original(url);
    if (!is_whep_url(url)) throw Error(ErrorCode::InvalidArgument, "'" + original + "' is not a whep:// address");
    std::string_view rest = url.substr(7);
    std::string_view query;
    if (const size_t q = rest.find('?'); q != std::string_view::npos) {
        query = rest.substr(q + 1);
        rest = rest.substr(0, q);
    }
    if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
    const rtp::Endpoint ep = rtp::parse_url(rest, /*allow_any_host=*/true, /*allow_port_zero=*/true);
    WhepConfig config;
    config.host = ep.host;
    config.port = ep.port;
    while (!query.empty()) {
        const size_t amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        const size_t eq = pair.find('=');
        const std::string_view key = pair.substr(0, eq);
        const std::string value(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
        if (key == "token") {
            config.token = value;
        } else if (key == "viewers") {
            size_t n = 0;
            const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
            if (ec != std::errc{} || end != value.data() + value.size() || n < 1 || n > 1000)
                throw Error(ErrorCode::InvalidArgument, "viewers=" + value + " in '" + original + "' is not 1..1000");
            config.max_viewers = n;
        } else if (key == "candidate") {
            config.candidate_address = value;
        } else {
            throw Error(ErrorCode::InvalidArgument, "unknown option '" + std::string(key) + "' in '" + original +
                                                        "' (allowed: token, viewers, candidate)");
        }
    }
    return config;
}

}  // namespace nvcast::webrtc

#include "net/webrtc/webrtc_sdp.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <sstream>

#include "nvcast/bitstream.h"
#include "nvcast/error.h"

namespace nvcast::webrtc {
namespace {

[[noreturn]] void bad_offer(const std::string& why) { throw Error(ErrorCode::InvalidArgument, "WebRTC offer: " + why); }

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
    return s;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.back() == '\r' || s.back() == ' ')) s.remove_suffix(1);
    return s;
}

std::vector<std::string> words(std::string_view s) {
    std::vector<std::string> out;
    std::istringstream in{std::string(s)};
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

int parse_pt(std::string_view text) {
    int pt = 0;
    if (text.empty() || text.size() > 3) return -1;
    for (char c : text) {
        if (c < '0' || c > '9') return -1;
        pt = pt * 10 + (c - '0');
    }
    return pt <= 127 ? pt : -1;
}

OfferedFormat* format_of(OfferedMedia& m, int pt) {
    for (auto& f : m.formats)
        if (f.payload_type == pt) return &f;
    return nullptr;
}

// The "profile-level-id" value of an fmtp line, e.g. "42e01f"; "" when absent.
std::string fmtp_value(const std::string& fmtp, std::string_view key) {
    std::istringstream in(fmtp);
    for (std::string part; std::getline(in, part, ';');) {
        const auto eq = part.find('=');
        if (eq == std::string::npos) continue;
        std::string_view k = std::string_view(part).substr(0, eq);
        while (!k.empty() && k.front() == ' ') k.remove_prefix(1);
        if (k == key) return part.substr(eq + 1);
    }
    return {};
}

int stream_h264_profile(const std::vector<uint8_t>& headers) {
    for (const NalUnit& n : split_annexb(headers))
        if (h264_nal_type(n) == h264_nal::kSps && n.size >= 2) return n.data[1];
    return -1;
}

// The first offered format that can carry the stream (choose_format without its rtx).
std::optional<ChosenFormat> choose_media_format(const WebRtcOffer& offer, Codec codec, const std::vector<uint8_t>& headers) {
    const int profile = codec == Codec::H264 ? stream_h264_profile(headers) : -1;
    std::optional<ChosenFormat> fallback;
    for (size_t i = 0; i < offer.media.size(); ++i) {
        const OfferedMedia& m = offer.media[i];
        if (m.kind != "video" || !m.receives || m.protocol.find("SAVPF") == std::string::npos) continue;
        for (const OfferedFormat& f : m.formats) {
            if (codec == Codec::H264 && f.encoding == "H264") {
                if (fmtp_value(f.fmtp, "packetization-mode") != "1") continue;
                const std::string level_id = fmtp_value(f.fmtp, "profile-level-id");
                int offered_profile = -1;
                if (level_id.size() == 6) std::from_chars(level_id.data(), level_id.data() + 2, offered_profile, 16);
                if (offered_profile == profile) return ChosenFormat{i, f, std::nullopt};
                if (!fallback) fallback = ChosenFormat{i, f, std::nullopt};
            } else if ((codec == Codec::AV1 && f.encoding == "AV1") || (codec == Codec::HEVC && f.encoding == "H265")) {
                return ChosenFormat{i, f, std::nullopt};
            }
        }
        if (fallback) return fallback;  // the first video section that can take the stream
    }
    return fallback;
}

// The offered RFC 4588 retransmission format for payload type `pt` of `m`.
std::optional<int> rtx_format_for(const OfferedMedia& m, int pt) {
    for (const OfferedFormat& f : m.formats)
        if (f.encoding == "RTX" && fmtp_value(f.fmtp, "apt") == std::to_string(pt)) return f.payload_type;
    return std::nullopt;
}

}  // namespace

WebRtcOffer parse_webrtc_offer(std::string_view sdp) {
    if (sdp.substr(0, 2) != "v=") bad_offer("not an SDP description (it must start with v=)");
    WebRtcOffer offer;
    std::string session_ufrag, session_pwd, session_fingerprint, session_setup;
    OfferedMedia* media = nullptr;
    size_t start = 0;
    while (start < sdp.size()) {
        size_t end = sdp.find('\n', start);
        if (end == std::string_view::npos) end = sdp.size();
        const std::string_view line = trim(sdp.substr(start, end - start));
        start = end + 1;
        if (line.size() < 2 || line[1] != '=') continue;
        const std::string_view value = line.substr(2);
        if (line[0] == 'm') {
            const auto w = words(value);
            if (w.size() < 4) bad_offer("malformed m= line '" + std::string(line) + "'");
            offer.media.push_back({});
            media = &offer.media.back();
            media->kind = w[0];
            media->protocol = w[2];
            media->format_tokens.assign(w.begin() + 3, w.end());
            continue;
        }
        if (line[0] != 'a') continue;
        const auto colon = value.find(':');
        const std::string_view name = value.substr(0, colon);
        const std::string_view arg = colon == std::string_view::npos ? std::string_view{} : value.substr(colon + 1);
        auto set = [&](std::string& session_value, std::string& media_value) {
            (media ? media_value : session_value) = std::string(arg);
        };
        if (name == "ice-ufrag") set(session_ufrag, offer.ice_ufrag);
        else if (name == "ice-pwd") set(session_pwd, offer.ice_pwd);
        else if (name == "fingerprint") set(session_fingerprint, offer.fingerprint);
        else if (name == "setup") set(session_setup, offer.setup);
        else if (!media) continue;
        else if (name == "mid") media->mid = std::string(arg);
        else if (name == "sendonly" || name == "inactive") media->receives = false;
        else if (name == "rtpmap") {
            const auto w = words(arg);
            const int pt = w.size() == 2 ? parse_pt(w[0]) : -1;
            if (pt < 0) bad_offer("malformed rtpmap '" + std::string(line) + "'");
            const std::string encoding = upper(w[1].substr(0, w[1].find('/')));
            if (auto* f = format_of(*media, pt)) f->encoding = encoding;
            else media->formats.push_back({pt, encoding, {}});
        } else if (name == "fmtp") {
            const auto space = arg.find(' ');
            const int pt = space == std::string_view::npos ? -1 : parse_pt(arg.substr(0, space));
            if (pt < 0) bad_offer("malformed fmtp '" + std::string(line) + "'");
            if (auto* f = format_of(*media, pt)) f->fmtp = std::string(arg.substr(space + 1));
            else media->formats.push_back({pt, "", std::string(arg.substr(space + 1))});
        }
    }
    // Media-level values win over session-level ones; either is enough.
    if (offer.ice_ufrag.empty()) offer.ice_ufrag = session_ufrag;
    if (offer.ice_pwd.empty()) offer.ice_pwd = session_pwd;
    if (offer.fingerprint.empty()) offer.fingerprint = session_fingerprint;
    if (offer.setup.empty()) offer.setup = session_setup;
    if (offer.media.empty()) bad_offer("it has no m= section");
    if (offer.ice_ufrag.empty() || offer.ice_pwd.empty()) bad_offer("it has no ICE credentials (a=ice-ufrag, a=ice-pwd)");
    if (offer.fingerprint.empty()) bad_offer("it has no DTLS fingerprint (a=fingerprint)");
    if (upper(offer.fingerprint.substr(0, offer.fingerprint.find(' '))) != "SHA-256")
        bad_offer("only sha-256 DTLS fingerprints are supported, not '" + offer.fingerprint + "'");
    if (offer.setup == "passive") bad_offer("a=setup:passive leaves nobody to start DTLS (nvcast answers passive)");
    return offer;
}

std::optional<ChosenFormat> choose_format(const WebRtcOffer& offer, Codec codec, const std::vector<uint8_t>& headers) {
    auto chosen = choose_media_format(offer, codec, headers);
    if (chosen) chosen->rtx_payload_type = rtx_format_for(offer.media[chosen->media_index], chosen->format.payload_type);
    return chosen;
}

std::string make_webrtc_answer(const WebRtcOffer& offer, const ChosenFormat& chosen, const AnswerParams& p) {
    std::ostringstream s;
    const OfferedMedia& video = offer.media[chosen.media_index];
    const int pt = chosen.format.payload_type;
    s << "v=0\r\n"
      << "o=- " << p.session_id << " 2 IN IP" << (p.address.find(':') != std::string::npos ? "6 " : "4 ") << p.address << "\r\n"
      << "s=nvcast\r\n"
      << "t=0 0\r\n"
      << "a=group:BUNDLE " << video.mid << "\r\n"
      << "a=ice-lite\r\n"
      << "a=msid-semantic: WMS nvcast\r\n";
    for (size_t i = 0; i < offer.media.size(); ++i) {
        const OfferedMedia& m = offer.media[i];
        if (i != chosen.media_index) {
            // Rejected: port 0, the offer's formats echoed, as JSEP requires.
            s << "m=" << m.kind << " 0 " << m.protocol;
            for (const auto& t : m.format_tokens) s << ' ' << t;
            s << "\r\n";
            if (!m.mid.empty()) s << "a=mid:" << m.mid << "\r\n";
            s << "a=inactive\r\n";
            continue;
        }
        const char* ip = p.address.find(':') != std::string::npos ? "IP6" : "IP4";
        const std::optional<int> rtx = chosen.rtx_payload_type;
        s << "m=video " << p.port << " " << m.protocol << " " << pt;
        if (rtx) s << ' ' << *rtx;
        s << "\r\n"
          << "c=IN " << ip << " " << p.address << "\r\n"
          << "a=mid:" << m.mid << "\r\n"
          << "a=ice-ufrag:" << p.ice_ufrag << "\r\n"
          << "a=ice-pwd:" << p.ice_pwd << "\r\n"
          << "a=fingerprint:sha-256 " << p.fingerprint << "\r\n"
          << "a=setup:passive\r\n"
          << "a=sendonly\r\n"
          << "a=rtcp-mux\r\n"
          << "a=rtpmap:" << pt << ' ' << (chosen.format.encoding == "H265" ? "H265" : chosen.format.encoding) << "/90000\r\n";
        if (!chosen.format.fmtp.empty()) s << "a=fmtp:" << pt << ' ' << chosen.format.fmtp << "\r\n";
        s << "a=rtcp-fb:" << pt << " nack\r\n"
          << "a=rtcp-fb:" << pt << " nack pli\r\n"
          << "a=rtcp-fb:" << pt << " ccm fir\r\n"
          << "a=rtcp-fb:" << pt << " goog-remb\r\n";
        if (rtx)
            s << "a=rtpmap:" << *rtx << " rtx/90000\r\n"
              << "a=fmtp:" << *rtx << " apt=" << pt << "\r\n"
              << "a=ssrc-group:FID " << p.ssrc << ' ' << p.rtx_ssrc << "\r\n";
        std::vector<uint32_t> ssrcs{p.ssrc};
        if (rtx) ssrcs.push_back(p.rtx_ssrc);
        for (const uint32_t ssrc : ssrcs) {
            s << "a=ssrc:" << ssrc << " cname:" << p.cname << "\r\n"
              << "a=ssrc:" << ssrc << " msid:nvcast video\r\n";
        }
        s << "a=msid:nvcast video\r\n"
          << "a=candidate:1 1 udp 2130706431 " << p.address << ' ' << p.port << " typ host\r\n"
          << "a=end-of-candidates\r\n";
    }
    return s.str();
}

}  // namespace nvcast::webrtc

// The receiving side of SDP: the few attributes nvcast's receiver needs, from any session
// description (ours, FFmpeg's, GStreamer's). Only the first m=video section counts.
#include "core/text.h"
#include "nvcast/error.h"
#include "nvcast/sdp.h"

namespace nvcast::rtp {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// The whitespace-separated fields of a line after its "x=" prefix.
std::vector<std::string_view> fields(std::string_view line) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && line[i] == ' ') ++i;
        const size_t start = i;
        while (i < line.size() && line[i] != ' ') ++i;
        if (i > start) out.push_back(line.substr(start, i - start));
    }
    return out;
}

}  // namespace

SdpSession parse_sdp(std::string_view text, const std::string& origin) {
    SdpSession s;
    enum class Section { Session, Video, Other } section = Section::Session;
    bool have_video = false;
    std::optional<long> video_pt;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (starts_with(line, "m=")) {
            if (have_video) break;  // a later media section is not ours
            const auto f = fields(line.substr(2));
            if (f.empty() || f[0] != "video") {
                section = Section::Other;
                continue;
            }
            section = Section::Video;
            have_video = true;
            const auto port = f.size() > 1 ? parse_int<long>(f[1]) : std::nullopt;
            if (!port || *port < 1 || *port > 65535)
                throw Error(ErrorCode::InvalidData, origin + ": video port out of range (1..65535)");
            s.port = static_cast<uint16_t>(*port);
            if (f.size() > 3) video_pt = parse_int<long>(f[3]);
            if (video_pt && *video_pt >= 0 && *video_pt <= 127) s.payload_type = static_cast<uint8_t>(*video_pt);
        } else if (section == Section::Other) {
            continue;
        } else if (starts_with(line, "a=rtpmap:")) {
            const auto f = fields(line.substr(9));
            if (f.size() < 2) throw Error(ErrorCode::InvalidData, origin + ": malformed a=rtpmap line");
            const auto pt = parse_int<long>(f[0]);
            if (video_pt && pt && *pt != *video_pt) continue;  // another payload type of the section
            const std::string_view encoding = f[1].substr(0, f[1].find('/'));
            if (encoding == "H264") s.codec = Codec::H264;
            else if (encoding == "H265") s.codec = Codec::HEVC;
            else if (encoding == "AV1") s.codec = Codec::AV1;
            else
                throw Error(ErrorCode::Unsupported,
                            origin + ": encoding '" + std::string(encoding) + "' is not H264/H265/AV1");
        } else if (starts_with(line, "a=crypto:")) {
            const size_t inl = line.find("inline:");
            if (line.find("AES_CM_128_HMAC_SHA1_80") == std::string_view::npos || inl == std::string_view::npos)
                throw Error(ErrorCode::Unsupported,
                            origin + ": only AES_CM_128_HMAC_SHA1_80 inline keys are supported");
            std::string_view key = line.substr(inl + 7);
            key = key.substr(0, key.find_first_of("| "));
            s.srtp = SrtpKey::parse(key);
        }
    }
    if (!have_video) throw Error(ErrorCode::InvalidData, origin + " has no m=video line");
    return s;
}

SdpSession read_sdp_file(const std::string& path) {
    const auto text = read_text_file(path);
    if (!text) throw Error(ErrorCode::Io, "cannot read SDP file '" + path + "'");
    return parse_sdp(*text, "SDP '" + path + "'");
}

}  // namespace nvcast::rtp

// SDP for one RTP video stream.
#include "nvcast/sdp.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

#include "net/base64.h"
#include "nvcast/bitstream.h"
#include "nvcast/error.h"

namespace nvcast::rtp {
namespace {

std::string hex2(unsigned v) {
    char buf[3];
    std::snprintf(buf, sizeof buf, "%02X", v & 0xff);
    return buf;
}

// RBSP of a NAL unit (emulation prevention bytes removed).
std::vector<uint8_t> unescape(const NalUnit& nal) {
    std::vector<uint8_t> out;
    out.reserve(nal.size);
    int zeros = 0;
    for (size_t i = 0; i < nal.size; ++i) {
        const uint8_t b = nal.data[i];
        if (zeros >= 2 && b == 3) {
            zeros = 0;
            continue;
        }
        zeros = b == 0 ? zeros + 1 : 0;
        out.push_back(b);
    }
    return out;
}

class BitReader {
public:
    BitReader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
    bool read(int n, uint32_t* v) {
        uint32_t x = 0;
        for (int i = 0; i < n; ++i) {
            if (pos_ >= size_ * 8) return false;
            x = x << 1 | ((data_[pos_ / 8] >> (7 - pos_ % 8)) & 1);
            ++pos_;
        }
        *v = x;
        return true;
    }

private:
    const uint8_t* data_;
    size_t size_;
    size_t pos_ = 0;
};

std::string h264_fmtp(const std::vector<NalUnit>& nals) {
    std::string fmtp = "packetization-mode=1";
    std::string sps_b64, pps_b64;
    for (const NalUnit& n : nals) {
        if (h264_nal_type(n) == h264_nal::kSps && n.size >= 4) {
            fmtp += ";profile-level-id=" + hex2(n.data[1]) + hex2(n.data[2]) + hex2(n.data[3]);
            sps_b64 = detail::base64_encode({n.data, n.size});
        } else if (h264_nal_type(n) == h264_nal::kPps && pps_b64.empty()) {
            pps_b64 = detail::base64_encode({n.data, n.size});
        }
    }
    if (!sps_b64.empty() && !pps_b64.empty()) fmtp += ";sprop-parameter-sets=" + sps_b64 + "," + pps_b64;
    return fmtp;
}

std::string hevc_fmtp(const std::vector<NalUnit>& nals) {
    std::string params, ptl;
    for (const NalUnit& n : nals) {
        const int t = hevc_nal_type(n);
        const char* name = t == hevc_nal::kVps ? "sprop-vps" : t == hevc_nal::kSps ? "sprop-sps"
                                                             : t == hevc_nal::kPps ? "sprop-pps" : nullptr;
        if (!name) continue;
        params += std::string(params.empty() ? "" : ";") + name + "=" + detail::base64_encode({n.data, n.size});
        if (t == hevc_nal::kSps) {
            // RBSP: 2-byte NAL header, 1 byte (vps id, max sub layers, nesting), then
            // profile_tier_level: space(2) tier(1) profile_idc(5), 4 + 6 bytes of flags, level_idc.
            const auto rbsp = unescape(n);
            if (rbsp.size() >= 15) {
                ptl = "profile-id=" + std::to_string(rbsp[3] & 0x1f) + ";tier-flag=" +
                      std::to_string((rbsp[3] >> 5) & 1) + ";level-id=" + std::to_string(rbsp[14]);
            }
        }
    }
    if (!ptl.empty()) params = ptl + (params.empty() ? "" : ";" + params);
    return params;
}

std::string av1_fmtp(const std::vector<uint8_t>& headers) {
    if (headers.empty()) return {};
    try {
        for (const Obu& obu : parse_obus(headers)) {
            if (obu.type != ObuType::SequenceHeader) continue;
            BitReader br(obu.payload, obu.payload_size);
            uint32_t profile, still, reduced;
            if (!br.read(3, &profile) || !br.read(1, &still) || !br.read(1, &reduced)) return {};
            std::string fmtp = "profile=" + std::to_string(profile);
            uint32_t level = 0, tier = 0;
            if (reduced) {
                if (!br.read(5, &level)) return fmtp;
            } else {
                uint32_t timing, delay_present, count, idc;
                if (!br.read(1, &timing) || timing) return fmtp;  // timing info: level needs a deeper parse
                if (!br.read(1, &delay_present) || !br.read(5, &count) || !br.read(12, &idc) || !br.read(5, &level))
                    return fmtp;
                if (level > 7 && !br.read(1, &tier)) return fmtp;
            }
            return fmtp + ";level-idx=" + std::to_string(level) + ";tier=" + std::to_string(tier);
        }
    } catch (const Error&) {
    }
    return {};
}

}  // namespace

std::string make_sdp(const SdpConfig& c) {
    const bool v6 = c.address.find(':') != std::string::npos;
    const std::string ip = v6 ? "IP6" : "IP4";
    const auto session_id = static_cast<unsigned long long>(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    const std::string pt = std::to_string(c.payload_type);
    std::ostringstream s;
    s << "v=0\r\n";
    s << "o=- " << session_id << " 1 IN " << ip << " " << c.address << "\r\n";
    s << "s=" << c.session_name << "\r\n";
    s << "c=IN " << ip << " " << c.address << "\r\n";
    s << "t=0 0\r\n";
    s << "m=video " << c.port << (c.srtp ? " RTP/SAVP " : " RTP/AVP ") << pt << "\r\n";
    std::string fmtp;
    switch (c.codec) {
        case Codec::H264:
            s << "a=rtpmap:" << pt << " H264/90000\r\n";
            fmtp = h264_fmtp(split_annexb(c.codec_headers));
            break;
        case Codec::HEVC:
            s << "a=rtpmap:" << pt << " H265/90000\r\n";
            fmtp = hevc_fmtp(split_annexb(c.codec_headers));
            break;
        case Codec::AV1:
            s << "a=rtpmap:" << pt << " AV1/90000\r\n";
            fmtp = av1_fmtp(c.codec_headers);
            break;
    }
    if (!fmtp.empty()) s << "a=fmtp:" << pt << " " << fmtp << "\r\n";
    if (c.fps_num > 0 && c.fps_den > 0) {
        char rate[32];
        std::snprintf(rate, sizeof rate, "%.6g", static_cast<double>(c.fps_num) / c.fps_den);
        s << "a=framerate:" << rate << "\r\n";
    }
    if (c.width > 0 && c.height > 0) s << "a=framesize:" << pt << " " << c.width << "-" << c.height << "\r\n";
    if (c.srtp) s << "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" << c.srtp->base64() << "\r\n";
    s << "a=sendonly\r\n";
    return s.str();
}

void write_sdp_file(const std::string& path, const std::string& sdp) {
    const bool secret = sdp.find("a=crypto:") != std::string::npos;
    if (secret) {
        // Create it private before the key goes in.
        std::FILE* f = std::fopen(path.c_str(), "w");
        if (!f) throw Error(ErrorCode::Io, "cannot write SDP file '" + path + "'");
        std::fclose(f);
        ::chmod(path.c_str(), 0600);
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw Error(ErrorCode::Io, "cannot write SDP file '" + path + "'");
    out << sdp;
    if (!out.flush()) throw Error(ErrorCode::Io, "cannot write SDP file '" + path + "'");
}

}  // namespace nvcast::rtp

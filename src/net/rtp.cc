// RTP fixed header (RFC 3550 §5.1), the payloader base and the depayloader's
// reordering / frame assembly shared by every payload format.
#include "nvcast/rtp.h"

#include <cmath>
#include <random>
#include <string>

#include "net/rtp_formats.h"
#include "nvcast/bitstream.h"
#include "nvcast/error.h"

namespace nvcast::rtp {

void write_header(const Header& h, uint8_t* out) {
    out[0] = 0x80;  // V=2, P=0, X=0, CC=0
    out[1] = static_cast<uint8_t>((h.marker ? 0x80 : 0) | (h.payload_type & 0x7f));
    out[2] = static_cast<uint8_t>(h.sequence >> 8);
    out[3] = static_cast<uint8_t>(h.sequence);
    out[4] = static_cast<uint8_t>(h.timestamp >> 24);
    out[5] = static_cast<uint8_t>(h.timestamp >> 16);
    out[6] = static_cast<uint8_t>(h.timestamp >> 8);
    out[7] = static_cast<uint8_t>(h.timestamp);
    out[8] = static_cast<uint8_t>(h.ssrc >> 24);
    out[9] = static_cast<uint8_t>(h.ssrc >> 16);
    out[10] = static_cast<uint8_t>(h.ssrc >> 8);
    out[11] = static_cast<uint8_t>(h.ssrc);
}

std::optional<Header> parse_packet(std::span<const uint8_t> p, std::span<const uint8_t>* payload) {
    if (p.size() < kHeaderSize || (p[0] >> 6) != 2) return std::nullopt;
    const bool padding = p[0] & 0x20;
    const bool extension = p[0] & 0x10;
    const size_t csrc_count = p[0] & 0x0f;
    Header h;
    h.marker = p[1] & 0x80;
    h.payload_type = p[1] & 0x7f;
    h.sequence = static_cast<uint16_t>(p[2] << 8 | p[3]);
    h.timestamp = static_cast<uint32_t>(p[4]) << 24 | static_cast<uint32_t>(p[5]) << 16 |
                  static_cast<uint32_t>(p[6]) << 8 | p[7];
    h.ssrc = static_cast<uint32_t>(p[8]) << 24 | static_cast<uint32_t>(p[9]) << 16 |
             static_cast<uint32_t>(p[10]) << 8 | p[11];
    size_t start = kHeaderSize + 4 * csrc_count;
    if (start > p.size()) return std::nullopt;
    if (extension) {
        if (start + 4 > p.size()) return std::nullopt;
        const size_t words = static_cast<size_t>(p[start + 2]) << 8 | p[start + 3];
        start += 4 + 4 * words;
        if (start > p.size()) return std::nullopt;
    }
    size_t end = p.size();
    if (padding) {
        const size_t pad = p[end - 1];
        if (pad == 0 || pad > end - start) return std::nullopt;
        end -= pad;
    }
    if (payload) *payload = p.subspan(start, end - start);
    return h;
}

uint32_t timestamp_from_pts(int64_t pts, int fps_num, int fps_den, uint32_t base) {
    if (fps_num <= 0 || fps_den <= 0) return base;
    // Wraps modulo 2^32 like every RTP timestamp; long double keeps pts * 90000 * den exact
    // far beyond any stream's length.
    const long double ticks = static_cast<long double>(pts) * kVideoClockRate * fps_den / fps_num;
    return base + static_cast<uint32_t>(static_cast<uint64_t>(static_cast<int64_t>(std::floor(ticks))));
}

namespace {

uint32_t random_u32() {
    static thread_local std::mt19937 rng{std::random_device{}()};
    return static_cast<uint32_t>(rng());
}

}  // namespace

Payloader::Payloader(const PayloaderConfig& config) : config_(config) {
    if (config.max_payload < kMinMaxPayload || config.max_payload > kMaxMaxPayload)
        throw Error(ErrorCode::InvalidArgument,
                    "RTP max payload size " + std::to_string(config.max_payload) + " is out of range (" +
                        std::to_string(kMinMaxPayload) + ".." + std::to_string(kMaxMaxPayload) + " bytes)");
    if (config.payload_type > 127)
        throw Error(ErrorCode::InvalidArgument,
                    "RTP payload type " + std::to_string(config.payload_type) + " is out of range (0..127)");
    ssrc_ = config.ssrc ? *config.ssrc : random_u32();
    sequence_ = config.initial_sequence ? *config.initial_sequence : static_cast<uint16_t>(random_u32());
}

std::unique_ptr<Payloader> Payloader::create(const PayloaderConfig& config) {
    switch (config.codec) {
        case Codec::H264: return detail::make_h264_payloader(config);
        case Codec::HEVC: return detail::make_hevc_payloader(config);
        case Codec::AV1: return detail::make_av1_payloader(config);
    }
    throw Error(ErrorCode::Unsupported, "no RTP payload format for this codec");
}

std::vector<uint8_t>& Payloader::new_packet(PacketList& out) const {
    auto& p = out.emplace_back();
    p.reserve(kHeaderSize + config_.max_payload);
    p.resize(kHeaderSize);
    return p;
}

PacketList Payloader::packetize(std::span<const uint8_t> access_unit, uint32_t timestamp, bool keyframe) {
    PacketList out;
    payloads(access_unit, keyframe, out);
    Header h;
    h.payload_type = config_.payload_type;
    h.timestamp = timestamp;
    h.ssrc = ssrc_;
    for (size_t i = 0; i < out.size(); ++i) {
        h.sequence = sequence_++;
        h.marker = i + 1 == out.size();
        write_header(h, out[i].data());
        ++packets_;
        octets_ += out[i].size() - kHeaderSize;
    }
    return out;
}

std::unique_ptr<Depayloader> Depayloader::create(const DepayloaderConfig& config) {
    switch (config.codec) {
        case Codec::H264: return detail::make_h264_depayloader(config);
        case Codec::HEVC: return detail::make_hevc_depayloader(config);
        case Codec::AV1: return detail::make_av1_depayloader(config);
    }
    throw Error(ErrorCode::Unsupported, "no RTP payload format for this codec");
}

void Depayloader::push(std::span<const uint8_t> packet) {
    std::span<const uint8_t> payload;
    const auto header = parse_packet(packet, &payload);
    if (!header || (config_.payload_type && header->payload_type != *config_.payload_type)) {
        ++stats_.malformed;
        return;
    }
    if (config_.ssrc && header->ssrc != *config_.ssrc) {
        ++stats_.foreign;
        return;
    }
    if (ssrc_ && *ssrc_ != header->ssrc) {
        offer_new_source(header->ssrc, packet);
        return;
    }
    if (!candidate_packets_.empty()) {  // the followed source goes on: the other one was noise
        stats_.foreign += candidate_packets_.size();
        candidate_packets_.clear();
        candidate_.reset();
    }
    accept(*header, payload);
}

void Depayloader::offer_new_source(uint32_t ssrc, std::span<const uint8_t> packet) {
    if (candidate_ != ssrc) {
        stats_.foreign += candidate_packets_.size();  // an interleaved third source: the earlier one was noise
        candidate_ = ssrc;
        candidate_packets_.clear();
    }
    candidate_packets_.emplace_back(packet.begin(), packet.end());
    if (candidate_packets_.size() >= config_.switch_after) switch_to_candidate();
}

void Depayloader::switch_to_candidate() {
    if (source_packets_ < config_.switch_after) {
        // The source followed so far sent too little to be a stream: noise. Nothing of it was
        // handed out (pop() holds back an unproven source's frames); drop it, counted as foreign.
        for (uint64_t i = 0; i < source_ready_; ++i) {
            (ready_.back().complete ? stats_.frames : stats_.incomplete_frames) -= 1;
            ready_.pop_back();
        }
        stats_.packets -= source_packets_;
        stats_.foreign += source_packets_;
        in_frame_ = false;
        frame_ = ReceivedFrame{};
    } else {  // a sender restart: deliver what the old source completed
        drain(true);
        finish_frame();
    }
    pending_.clear();
    started_ = false;
    gap_before_next_ = false;
    ssrc_ = candidate_;
    source_packets_ = 0;
    source_ready_ = 0;
    ++stats_.source_switches;
    std::vector<std::vector<uint8_t>> replay;
    replay.swap(candidate_packets_);
    candidate_.reset();
    for (const auto& p : replay) {
        std::span<const uint8_t> payload;
        if (const auto header = parse_packet(p, &payload)) accept(*header, payload);
    }
}

void Depayloader::accept(const Header& header, std::span<const uint8_t> payload) {
    ssrc_ = header.ssrc;
    int64_t ext;
    if (!started_ && pending_.empty()) {
        ext = header.sequence;
        highest_ = ext;
        next_ = ext;
    } else {
        ext = highest_ + static_cast<int16_t>(static_cast<uint16_t>(header.sequence - static_cast<uint16_t>(highest_)));
    }
    if (started_ && ext < next_) {
        ++stats_.late;
        return;
    }
    if (pending_.count(ext)) {
        ++stats_.duplicates;
        return;
    }
    if (ext < highest_) ++stats_.reordered;
    if (ext > highest_) highest_ = ext;
    if (!started_ && ext < next_) next_ = ext;
    ++stats_.packets;
    ++source_packets_;
    pending_.emplace(ext, Stored{header, {payload.begin(), payload.end()}});
    drain(false);
}

void Depayloader::drain(bool force) {
    // At the start, wait for a few packets so that early reordering doesn't look like loss.
    if (!started_) {
        if (!force && pending_.size() < std::min<size_t>(8, config_.reorder_window)) return;
        if (pending_.empty()) return;
        started_ = true;
        next_ = pending_.begin()->first;
    }
    while (!pending_.empty()) {
        auto it = pending_.begin();
        if (it->first != next_) {
            const bool give_up = force || pending_.size() >= config_.reorder_window ||
                                 highest_ - next_ >= static_cast<int64_t>(config_.reorder_window);
            if (!give_up) break;
            stats_.lost += static_cast<uint64_t>(it->first - next_);
            if (in_frame_) damaged_ = true;
            else gap_before_next_ = true;
            next_ = it->first;
        }
        process(it->second);
        pending_.erase(it);
        ++next_;
    }
}

void Depayloader::process(const Stored& packet) {
    if (in_frame_ && packet.header.timestamp != frame_.timestamp) finish_frame();  // marker lost or not set
    if (!in_frame_) {
        in_frame_ = true;
        damaged_ = gap_before_next_;  // the lost packets may have been this frame's first ones
        gap_before_next_ = false;
        frame_ = ReceivedFrame{};
        frame_.timestamp = packet.header.timestamp;
        begin_frame();
    }
    ++frame_.packets;
    if (!damaged_) {
        if (!add_payload(packet.payload, frame_.data)) {
            ++stats_.malformed;
            damaged_ = true;
        } else if (frame_.data.size() > config_.max_frame_bytes) {
            damaged_ = true;
        }
    }
    if (packet.header.marker) finish_frame();
}

void Depayloader::finish_frame() {
    if (!in_frame_) return;
    in_frame_ = false;
    if (!damaged_ && !end_frame(frame_.data)) damaged_ = true;
    if (!damaged_ && frame_.data.empty()) damaged_ = true;
    if (damaged_) {
        frame_.complete = false;
        frame_.data.clear();
        frame_.data.shrink_to_fit();
        ++stats_.incomplete_frames;
    } else {
        try {
            frame_.keyframe = is_keyframe_access_unit(config_.codec, frame_.data);
        } catch (const Error&) {
            frame_.keyframe = false;
        }
        ++stats_.frames;
    }
    ready_.push_back(std::move(frame_));
    ++source_ready_;
    frame_ = ReceivedFrame{};
}

std::optional<ReceivedFrame> Depayloader::pop() {
    if (ready_.empty()) return std::nullopt;
    // Frames of the source being followed wait until it has proven to be a stream (or the end).
    const bool unproven = !flushed_ && !config_.ssrc && source_packets_ < config_.switch_after;
    if (unproven && ready_.size() <= source_ready_) return std::nullopt;
    ReceivedFrame f = std::move(ready_.front());
    ready_.pop_front();
    if (ready_.size() < source_ready_) source_ready_ = ready_.size();
    return f;
}

void Depayloader::expire() { drain(true); }

std::vector<uint16_t> Depayloader::missing(size_t limit) const {
    std::vector<uint16_t> out;
    for (int64_t ext = next_; ext < highest_ && out.size() < limit; ++ext)
        if (!pending_.count(ext)) out.push_back(static_cast<uint16_t>(ext));
    return out;
}

void Depayloader::flush() {
    // A short stream that came after a stray packet: follow it rather than the stray.
    flushed_ = true;
    if (!candidate_packets_.empty()) {
        if (source_packets_ < config_.switch_after && candidate_packets_.size() >= source_packets_) {
            switch_to_candidate();
        } else {
            stats_.foreign += candidate_packets_.size();
            candidate_packets_.clear();
        }
    }
    drain(true);
    finish_frame();
}

}  // namespace nvcast::rtp

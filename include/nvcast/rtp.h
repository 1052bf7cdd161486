// RTP payload formats for the encoded video nvcast produces:
//   H.264 per RFC 6184 (packetization-mode 1: single NAL unit, STAP-A, FU-A),
//   HEVC  per RFC 7798 (single NAL unit, AP, FU; no DONL),
//   AV1   per the AV1 RTP payload specification (aggregation header Z/Y/W/N, OBU fragments).
// Payloaders turn one access unit / temporal unit into RTP packets; depayloaders
// rebuild access units from packets that may arrive lost, duplicated or reordered,
// and report incomplete frames instead of passing damaged data on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "nvcast/config.h"

namespace nvcast::rtp {

constexpr size_t kHeaderSize = 12;             // fixed RTP header, no CSRCs, no extension
constexpr size_t kDefaultMaxPayload = 1200;    // RTP payload bytes per packet
constexpr size_t kMinMaxPayload = 16;
constexpr size_t kMaxMaxPayload = 65000;
constexpr uint32_t kVideoClockRate = 90000;    // RTP clock of every video payload format here

struct Header {
    bool marker = false;
    uint8_t payload_type = 96;
    uint16_t sequence = 0;
    uint32_t timestamp = 0;
    uint32_t ssrc = 0;
};

// Writes the 12-byte fixed header (V=2, no padding/extension/CSRC).
void write_header(const Header& header, uint8_t* out);
// Parses an RTP packet (RFC 3550 §5.1): skips CSRCs and a header extension, strips
// padding. Returns nullopt for anything malformed (wrong version, truncated, bad padding).
std::optional<Header> parse_packet(std::span<const uint8_t> packet, std::span<const uint8_t>* payload);

// 90 kHz timestamp of a packet's pts given in units of 1/fps (pts = frame index).
uint32_t timestamp_from_pts(int64_t pts, int fps_num, int fps_den, uint32_t base = 0);

// RFC 4588 retransmission packets ("rtx" payload format, SSRC multiplexing): the original's header
// (CSRCs and extension included) with the retransmission stream's payload type, SSRC and sequence
// number, then the original sequence number (OSN), then the original payload without its padding.
// Empty when `original` is not a well-formed RTP packet.
std::vector<uint8_t> make_rtx_packet(std::span<const uint8_t> original, uint8_t rtx_payload_type, uint32_t rtx_ssrc,
                                     uint16_t rtx_sequence);
// The original packet back from an RTX packet: the media stream's payload type and SSRC, the OSN as
// sequence number. nullopt for a malformed packet or one too short to hold an OSN.
std::optional<std::vector<uint8_t>> original_from_rtx(std::span<const uint8_t> rtx, uint8_t media_payload_type,
                                                      uint32_t media_ssrc);

struct PayloaderConfig {
    Codec codec = Codec::H264;
    size_t max_payload = kDefaultMaxPayload;   // RTP payload bytes per packet (the RTP header comes on top)
    uint8_t payload_type = 96;                 // dynamic range 96..127
    std::optional<uint32_t> ssrc;              // random when unset
    std::optional<uint16_t> initial_sequence;  // random when unset
    // Parameter sets (Annex-B SPS/PPS[/VPS]) or the AV1 sequence header OBU: sent with
    // every keyframe that doesn't carry its own. Parameter sets seen in the stream replace them.
    std::vector<uint8_t> codec_headers;
};

using PacketList = std::vector<std::vector<uint8_t>>;

class Payloader {
public:
    // Throws Error(InvalidArgument) for a max_payload outside [kMinMaxPayload, kMaxMaxPayload]
    // or a payload type outside 0..127.
    static std::unique_ptr<Payloader> create(const PayloaderConfig& config);
    virtual ~Payloader() = default;
    Payloader(const Payloader&) = delete;
    Payloader& operator=(const Payloader&) = delete;

    // RTP packets (header included) for one access unit (Annex-B) or temporal unit (AV1 OBUs).
    // All share `timestamp`; the last has the marker bit. Throws Error(InvalidData) when
    // an AV1 temporal unit can't be parsed.
    PacketList packetize(std::span<const uint8_t> access_unit, uint32_t timestamp, bool keyframe);

    const PayloaderConfig& config() const noexcept { return config_; }
    uint32_t ssrc() const noexcept { return ssrc_; }
    uint16_t next_sequence() const noexcept { return sequence_; }
    uint64_t packet_count() const noexcept { return packets_; }
    uint64_t octet_count() const noexcept { return octets_; }  // payload octets (RTCP SR)

protected:
    explicit Payloader(const PayloaderConfig& config);
    // Appends payloads, each preceded by kHeaderSize bytes of room for the RTP header.
    virtual void payloads(std::span<const uint8_t> access_unit, bool keyframe, PacketList& out) = 0;
    std::vector<uint8_t>& new_packet(PacketList& out) const;

    PayloaderConfig config_;

private:
    uint32_t ssrc_ = 0;
    uint16_t sequence_ = 0;
    uint64_t packets_ = 0;
    uint64_t octets_ = 0;
};

// One access unit rebuilt from RTP packets.
struct ReceivedFrame {
    std::vector<uint8_t> data;  // Annex-B (4-byte start codes) or an AV1 temporal unit (OBUs with size fields,
                                // starting with a temporal delimiter); empty when !complete
    uint32_t timestamp = 0;
    bool complete = true;       // false: packets were lost or malformed; the data was discarded
    bool keyframe = false;
    uint32_t packets = 0;
};

struct DepayloaderStats {
    uint64_t packets = 0;            // accepted RTP packets
    uint64_t lost = 0;               // sequence numbers never received
    uint64_t duplicates = 0;
    uint64_t late = 0;               // arrived after their place had been given up
    uint64_t reordered = 0;          // arrived after a later sequence number
    uint64_t malformed = 0;          // unparsable RTP, wrong payload type, bad payload
    uint64_t foreign = 0;            // from another source (SSRC) than the one followed
    uint64_t source_switches = 0;    // times the depayloader moved to a new source
    uint64_t frames = 0;             // complete frames delivered
    uint64_t incomplete_frames = 0;  // frames reported incomplete
};

struct DepayloaderConfig {
    Codec codec = Codec::H264;
    std::optional<uint8_t> payload_type;  // accept only this payload type when set
    // Follow only this source (e.g. the SDP's a=ssrc). Unset: the first source, but a stray packet
    // cannot capture the stream — when another source sends switch_after packets in a row (the
    // real stream after a stray packet, or a sender restart), the depayloader follows it, keeping
    // those packets. A source's frames are handed out only once it has sent switch_after packets
    // (or at flush); one that sent fewer before another took over was noise, counted as foreign.
    std::optional<uint32_t> ssrc;
    size_t switch_after = 8;
    size_t reorder_window = 64;           // packets held back waiting for a missing one
    size_t max_frame_bytes = 64u << 20;
};

class Depayloader {
public:
    static std::unique_ptr<Depayloader> create(const DepayloaderConfig& config);
    virtual ~Depayloader() = default;
    Depayloader(const Depayloader&) = delete;
    Depayloader& operator=(const Depayloader&) = delete;

    // Feeds one RTP packet. Never throws on bad data: malformed packets are counted and dropped.
    void push(std::span<const uint8_t> packet);
    // Next frame in sequence order (complete or reported incomplete), if one is ready.
    std::optional<ReceivedFrame> pop();
    // Stops waiting for missing packets now (a receiver calls this when nothing has arrived
    // for a while, so that a loss doesn't hold frames back until reorder_window more packets come).
    void expire();
    // End of stream: stops waiting for missing packets and finishes what is buffered.
    void flush();
    // Sequence numbers between the next expected packet and the highest received that have not
    // arrived (what a receiver asks for again with a NACK), oldest first, at most `limit`.
    std::vector<uint16_t> missing(size_t limit = 256) const;
    // The source being followed (0 before the first packet).
    uint32_t ssrc() const noexcept { return ssrc_.value_or(0); }
    const DepayloaderStats& stats() const noexcept { return stats_; }

protected:
    explicit Depayloader(const DepayloaderConfig& config) : config_(config) {}
    // Codec part: starts a frame, adds one payload (false = malformed or out of place),
    // and says whether the frame so far ends cleanly (no open fragment).
    virtual void begin_frame() = 0;
    virtual bool add_payload(std::span<const uint8_t> payload, std::vector<uint8_t>& out) = 0;
    virtual bool end_frame(std::vector<uint8_t>& out) = 0;

    DepayloaderConfig config_;

private:
    struct Stored {
        Header header;
        std::vector<uint8_t> payload;
    };
    void drain(bool force);
    void process(const Stored& packet);
    void finish_frame();
    // A packet from `ssrc`, not the followed source: held; switch_after of them in a row make
    // the depayloader follow that source (switch_to_candidate replays them).
    void offer_new_source(uint32_t ssrc, std::span<const uint8_t> packet);
    void switch_to_candidate();
    void accept(const Header& header, std::span<const uint8_t> payload);

    DepayloaderStats stats_;
    std::map<int64_t, Stored> pending_;
    std::deque<ReceivedFrame> ready_;
    std::optional<uint32_t> ssrc_;
    uint64_t source_packets_ = 0;               // accepted packets of the followed source
    uint64_t source_ready_ = 0;                 // frames in ready_ that came from it
    bool flushed_ = false;
    std::optional<uint32_t> candidate_;         // another source sending in a row
    std::vector<std::vector<uint8_t>> candidate_packets_;
    bool started_ = false;
    int64_t highest_ = 0;
    int64_t next_ = 0;
    bool in_frame_ = false;
    bool damaged_ = false;
    bool gap_before_next_ = false;
    ReceivedFrame frame_;
};

}  // namespace nvcast::rtp

// Encode -> payload -> (seeded loss and reordering) -> depayload -> decode with libavcodec.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "net_support.h"
#include "nvcast/bitstream.h"

using namespace nvcast;
using namespace nvcast::test;
using namespace nvcast::test::net;

namespace {

struct Sent {
    std::vector<std::vector<uint8_t>> packets;  // in sending order
    std::vector<uint32_t> timestamps;           // one per frame
};

Sent payload_all(const EncoderConfig& config, const std::vector<Packet>& encoded, size_t max_payload) {
    rtp::PayloaderConfig pc;
    pc.codec = config.codec;
    pc.max_payload = max_payload;
    auto payloader = rtp::Payloader::create(pc);
    Sent sent;
    for (const Packet& p : encoded) {
        const uint32_t ts = rtp::timestamp_from_pts(p.pts, config.fps_num, config.fps_den);
        sent.timestamps.push_back(ts);
        for (auto& packet : payloader->packetize(p.data, ts, p.keyframe)) {
            EXPECT_LE(packet.size(), rtp::kHeaderSize + max_payload);
            sent.packets.push_back(std::move(packet));
        }
    }
    return sent;
}

std::vector<rtp::ReceivedFrame> receive_all(Codec codec, const std::vector<std::vector<uint8_t>>& packets,
                                            rtp::DepayloaderStats* stats) {
    rtp::DepayloaderConfig dc;
    dc.codec = codec;
    auto d = rtp::Depayloader::create(dc);
    std::vector<rtp::ReceivedFrame> frames;
    for (const auto& p : packets) {
        d->push(p);
        while (auto f = d->pop()) frames.push_back(std::move(*f));
    }
    d->flush();
    while (auto f = d->pop()) frames.push_back(std::move(*f));
    *stats = d->stats();
    return frames;
}

class RtpRoundTrip : public ::testing::TestWithParam<Codec> {};

}  // namespace

TEST_P(RtpRoundTrip, LosslessDeliveryDecodesToTheSameFrames) {
    const Codec codec = GetParam();
    const EncoderConfig config = small_config(codec);
    const auto source = synthetic_frames(config.width, config.height, 24);
    const auto encoded = try_encode(config, source);
    if (!encoded) GTEST_SKIP() << backend_for(codec) << " backend not in this build";
    ASSERT_EQ(encoded->size(), source.size());

    TempDir dir;
    const auto direct = decode_packets(dir.file("direct" + es_extension(codec)), config, *encoded);
    ASSERT_EQ(direct.size(), source.size());

    const Sent sent = payload_all(config, *encoded, 1200);
    EXPECT_GT(sent.packets.size(), encoded->size());  // big frames were split
    rtp::DepayloaderStats stats;
    const auto frames = receive_all(codec, sent.packets, &stats);
    ASSERT_EQ(frames.size(), encoded->size());
    for (size_t i = 0; i < frames.size(); ++i) {
        EXPECT_TRUE(frames[i].complete) << "frame " << i;
        EXPECT_EQ(frames[i].timestamp, sent.timestamps[i]);
        // Random-access points as the bitstream says (HEVC CRA counts; the encoder may flag only IDRs).
        EXPECT_EQ(frames[i].keyframe, is_keyframe_access_unit(codec, (*encoded)[i].data)) << "frame " << i;
        if ((*encoded)[i].keyframe) {
            EXPECT_TRUE(frames[i].keyframe) << "frame " << i;
        }
    }
    EXPECT_EQ(stats.lost, 0u);
    EXPECT_EQ(stats.malformed, 0u);

    const auto received = decode_packets(dir.file("received" + es_extension(codec)), config, to_packets(frames, config));
    ASSERT_EQ(received.size(), direct.size());
    for (size_t i = 0; i < received.size(); ++i) EXPECT_TRUE(frames_equal(received[i], direct[i])) << "frame " << i;
}

TEST_P(RtpRoundTrip, LossAndReorderingYieldOnlyIntactFrames) {
    const Codec codec = GetParam();
    EncoderConfig config = small_config(codec);
    const auto source = synthetic_frames(config.width, config.height, 30);
    const auto encoded = try_encode(config, source);
    if (!encoded) GTEST_SKIP() << backend_for(codec) << " backend not in this build";

    const Sent sent = payload_all(config, *encoded, 400);  // small packets: several per frame
    rtp::DepayloaderStats clean_stats;
    std::map<uint32_t, std::vector<uint8_t>> clean;  // what each frame looks like when nothing is lost
    for (auto& f : receive_all(codec, sent.packets, &clean_stats)) clean[f.timestamp] = f.data;
    ASSERT_EQ(clean.size(), encoded->size());

    for (uint32_t seed : {1u, 2u, 3u}) {
        std::mt19937 rng(seed);
        std::vector<std::vector<uint8_t>> damaged;
        size_t dropped = 0;
        for (size_t i = 0; i < sent.packets.size(); ++i) {
            if (i > 0 && i + 1 < sent.packets.size() && rng() % 100 < 4) {
                ++dropped;  // never the first or the last packet, so every loss is a detectable gap
                continue;
            }
            damaged.push_back(sent.packets[i]);
        }
        for (size_t i = 0; i + 1 < damaged.size(); ++i)  // swap neighbours ~10% of the time
            if (rng() % 10 == 0) std::swap(damaged[i], damaged[i + 1]);

        rtp::DepayloaderStats stats;
        const auto frames = receive_all(codec, damaged, &stats);
        EXPECT_EQ(stats.lost, dropped) << "seed " << seed;
        EXPECT_GT(dropped, 0u);
        size_t complete = 0;
        std::vector<rtp::ReceivedFrame> decodable;  // the complete frames up to the first damaged one
        bool clean_prefix = true;
        for (const auto& f : frames) {
            if (!f.complete) {
                EXPECT_TRUE(f.data.empty());
                clean_prefix = false;
                continue;
            }
            ++complete;
            ASSERT_TRUE(clean.count(f.timestamp)) << "seed " << seed;
            EXPECT_EQ(f.data, clean[f.timestamp]) << "a frame reported complete differs, seed " << seed;
            if (clean_prefix) decodable.push_back(f);
        }
        EXPECT_EQ(complete, stats.frames);
        EXPECT_LT(complete, encoded->size());  // something was lost ...
        EXPECT_GT(complete, encoded->size() / 3);  // ... but not everything
        if (!decodable.empty() && decodable.front().keyframe) {
            TempDir dir;
            const auto decoded =
                decode_packets(dir.file("lossy" + es_extension(codec)), config, to_packets(decodable, config));
            EXPECT_EQ(decoded.size(), decodable.size()) << "seed " << seed;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(AllCodecs, RtpRoundTrip, ::testing::Values(Codec::H264, Codec::HEVC, Codec::AV1),
                         [](const auto& param_info) { return std::string(to_string(param_info.param)); });

// Deterministic robustness test (the CI counterpart of the libFuzzer targets): random,
// truncated and bit-flipped packets must never crash a depayloader, and what it
// delivers as complete must be well-formed.
#include <gtest/gtest.h>

#include <random>

#include "nvcast/bitstream.h"
#include "rtp_test_util.h"

using namespace nvcast;
using namespace nvcast::test::rtp_util;

namespace {

// A valid stream of packets for the codec: a few access units of mixed sizes.
std::vector<Bytes> valid_packets(Codec codec, std::mt19937& rng) {
    auto cfg = payloader_config(codec, 64);
    auto payloader = rtp::Payloader::create(cfg);
    std::vector<Bytes> out;
    for (int f = 0; f < 6; ++f) {
        Bytes au;
        std::uniform_int_distribution<int> len(1, 300);
        for (int n = 0; n < 3; ++n) {
            const int size = len(rng);
            if (codec == Codec::AV1) {
                au.push_back(0x32);
                write_leb128(static_cast<uint64_t>(size), au);
            } else {
                au.insert(au.end(), {0, 0, 0, 1});
                au.push_back(codec == Codec::H264 ? 0x41 : 0x02);
                if (codec == Codec::HEVC) au.push_back(0x01);
            }
            for (int i = 0; i < size; ++i) au.push_back(static_cast<uint8_t>(0x40 | (rng() & 0x3f)));
        }
        for (auto& p : payloader->packetize(au, static_cast<uint32_t>(f * 3000), f == 0)) out.push_back(std::move(p));
    }
    return out;
}

void check_frames(Codec codec, rtp::Depayloader& d) {
    while (auto f = d.pop()) {
        if (!f->complete) {
            EXPECT_TRUE(f->data.empty());
            continue;
        }
        EXPECT_FALSE(f->data.empty());
        if (codec == Codec::AV1) {
            EXPECT_NO_THROW(parse_obus(f->data));
        } else {
            EXPECT_FALSE(split_annexb(f->data).empty());
        }
    }
}

class DepayloaderRobustness : public ::testing::TestWithParam<Codec> {};

}  // namespace

TEST_P(DepayloaderRobustness, RandomTruncatedAndFlippedPacketsNeverCrash) {
    const Codec codec = GetParam();
    std::mt19937 rng(1234 + static_cast<int>(codec));
    for (int round = 0; round < 300; ++round) {
        rtp::DepayloaderConfig cfg;
        cfg.codec = codec;
        cfg.reorder_window = 1 + rng() % 16;
        auto d = rtp::Depayloader::create(cfg);
        const auto packets = valid_packets(codec, rng);
        for (Bytes p : packets) {
            switch (rng() % 6) {
                case 0: p.resize(rng() % (p.size() + 1)); break;                    // truncated
                case 1: p[12 + rng() % (p.size() - 12)] ^= static_cast<uint8_t>(1u << (rng() % 8)); break;
                case 2: p[rng() % p.size()] = static_cast<uint8_t>(rng()); break;  // header too
                case 3: {                                                            // pure noise
                    p.resize(rng() % 80);
                    for (auto& b : p) b = static_cast<uint8_t>(rng());
                    if (p.size() > 1) p[0] = 0x80;  // mostly "valid" RTP version to get deeper
                    break;
                }
                default: break;  // intact
            }
            if (rng() % 8 == 0) continue;  // dropped
            d->push(p);
            check_frames(codec, *d);
        }
        d->flush();
        check_frames(codec, *d);
        const auto& s = d->stats();
        EXPECT_LE(s.frames + s.incomplete_frames, s.packets);
    }
}

TEST_P(DepayloaderRobustness, IntactStreamIsDeliveredWhole) {
    // Control for the test above: the same generator without damage gives only complete frames.
    const Codec codec = GetParam();
    std::mt19937 rng(99);
    rtp::DepayloaderConfig cfg;
    cfg.codec = codec;
    auto d = rtp::Depayloader::create(cfg);
    for (const Bytes& p : valid_packets(codec, rng)) d->push(p);
    d->flush();
    int frames = 0;
    while (auto f = d->pop()) {
        EXPECT_TRUE(f->complete);
        ++frames;
    }
    EXPECT_EQ(frames, 6);
    EXPECT_EQ(d->stats().malformed, 0u);
}

INSTANTIATE_TEST_SUITE_P(AllCodecs, DepayloaderRobustness, ::testing::Values(Codec::H264, Codec::HEVC, Codec::AV1),
                         [](const auto& param_info) { return std::string(to_string(param_info.param)); });

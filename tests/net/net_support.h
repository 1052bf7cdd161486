// Helpers for tests that encode, stream on loopback and decode.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "nvcast/nvcast.h"
#include "nvcast/rtp.h"
#include "support/test_support.h"

namespace nvcast::test::net {

inline std::string backend_for(Codec codec) {
    switch (codec) {
        case Codec::H264: return "x264";
        case Codec::HEVC: return "x265";
        case Codec::AV1: return "svtav1";
    }
    return "";
}

inline std::string es_extension(Codec codec) {
    return codec == Codec::H264 ? ".h264" : codec == Codec::HEVC ? ".hevc" : ".ivf";
}

inline EncoderConfig small_config(Codec codec, int width = 320, int height = 240) {
    EncoderConfig c;
    c.codec = codec;
    c.width = width;
    c.height = height;
    c.fps_num = 30;
    c.fps_den = 1;
    c.preset = 1;
    // SVT-AV1 in low-latency mode currently waits out a 10 s deadline per frame in the
    // svtav1 backend; the default tuning has no B-frames here either (b_frames = 0).
    c.tuning = codec == Codec::AV1 ? Tuning::HighQuality : Tuning::LowLatency;
    c.gop_length = 10;
    c.rc.mode = RateControlMode::CQP;
    c.rc.qp = 30;
    c.threads = 1;
    return c;
}

// Encodes with the codec's software backend, or nullopt when that backend isn't in this build.
inline std::optional<std::vector<Packet>> try_encode(const EncoderConfig& config, const std::vector<Frame>& frames) {
    try {
        return encode_all(backend_for(config.codec), config, frames);
    } catch (const Error& e) {
        if (e.code() == ErrorCode::Unavailable || e.code() == ErrorCode::InvalidArgument) return std::nullopt;
        throw;
    }
}

// Packets of received frames, as the encoder would have produced them (pts = frame index).
inline std::vector<Packet> to_packets(const std::vector<rtp::ReceivedFrame>& frames, const EncoderConfig& config) {
    std::vector<Packet> out;
    for (const auto& f : frames) {
        Packet p;
        p.data = f.data;
        p.keyframe = f.keyframe;
        // Timestamps count from 0 here (the tests payload with base 0).
        p.pts = static_cast<int64_t>(static_cast<double>(f.timestamp) * config.fps_num /
                                         (static_cast<double>(rtp::kVideoClockRate) * config.fps_den) + 0.5);
        p.dts = p.pts;
        out.push_back(std::move(p));
    }
    return out;
}

}  // namespace nvcast::test::net

// Helpers for the nvh264 tests: encode with the concrete encoder while keeping
// its reconstruction, write the stream, decode it with libavcodec.
#pragma once

#include <cstdint>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "backends/nvh264/nvh264_encoder.h"
#include "nvcast/bitstream.h"
#include "nvcast/decode.h"
#include "nvcast/nvcast.h"
#include "support/test_support.h"

namespace nvcast::test {

struct nvh264Run {
    std::vector<Packet> packets;
    std::vector<Frame> recon;  // one per frame, in coding (= display) order
    std::vector<uint8_t> stream;
};

inline nvh264Run nvh264_encode(const EncoderConfig& cfg, const std::vector<Frame>& frames,
                               const nvh264::Options& opt = {}, const std::vector<int>& force_idr_at = {},
                               const std::vector<int>& force_intra_at = {}) {
    nvh264::NvH264Encoder enc(cfg, opt);
    nvh264Run run;
    for (size_t i = 0; i < frames.size(); ++i) {
        FrameOptions fo;
        for (int k : force_idr_at) fo.force_idr |= static_cast<size_t>(k) == i;
        for (int k : force_intra_at) fo.force_intra |= static_cast<size_t>(k) == i;
        enc.send_frame(frames[i], fo);
        auto p = enc.receive_packet();  // zero latency: one packet per frame, at once
        if (!p) throw std::runtime_error("nvh264 produced no packet for frame " + std::to_string(i));
        run.stream.insert(run.stream.end(), p->data.begin(), p->data.end());
        run.packets.push_back(std::move(*p));
        run.recon.push_back(enc.last_reconstruction());
    }
    enc.flush();
    if (enc.receive_packet()) throw std::runtime_error("nvh264 returned a packet after flush");
    return run;
}

inline std::vector<Frame> decode_stream(const TempDir& dir, const std::vector<uint8_t>& stream,
                                        const std::string& name = "out.h264") {
    const std::string path = dir.file(name);
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(stream.data()),
                                                static_cast<std::streamsize>(stream.size()));
    return decode_all(path);
}

inline std::vector<Frame> flat_frames(int w, int h, int n, PixelFormat fmt = PixelFormat::I420) {
    std::vector<Frame> out;
    for (int i = 0; i < n; ++i) {
        Frame f = Frame::allocate(fmt, w, h);
        for (int p = 0; p < f.plane_count(); ++p)
            for (int y = 0; y < plane_rows(fmt, h, p); ++y)
                for (size_t x = 0; x < plane_row_bytes(fmt, w, p); ++x)
                    f.data(p)[static_cast<size_t>(y) * f.pitch(p) + x] =
                        static_cast<uint8_t>(p == 0 ? 90 + 3 * i : 128 + (p == 1 ? 10 : -10));
        f.pts = i;
        out.push_back(std::move(f));
    }
    return out;
}

inline std::vector<Frame> noise_frames(int w, int h, int n, uint32_t seed = 7) {
    std::mt19937 rng(seed);
    std::vector<Frame> out;
    for (int i = 0; i < n; ++i) {
        Frame f = Frame::allocate(PixelFormat::I420, w, h);
        for (int p = 0; p < 3; ++p)
            for (int y = 0; y < plane_rows(PixelFormat::I420, h, p); ++y)
                for (size_t x = 0; x < plane_row_bytes(PixelFormat::I420, w, p); ++x)
                    f.data(p)[static_cast<size_t>(y) * f.pitch(p) + x] = static_cast<uint8_t>(rng() & 0xff);
        f.pts = i;
        out.push_back(std::move(f));
    }
    return out;
}

// NV12 -> I420 (host), for PSNR against decoded I420 pictures.
inline Frame to_i420(const Frame& f) {
    if (f.format() == PixelFormat::I420) return f;
    Frame o = Frame::allocate(PixelFormat::I420, f.width(), f.height());
    for (int y = 0; y < f.height(); ++y)
        for (int x = 0; x < f.width(); ++x) o.data(0)[y * o.pitch(0) + x] = f.data(0)[y * f.pitch(0) + x];
    for (int y = 0; y < f.height() / 2; ++y)
        for (int x = 0; x < f.width() / 2; ++x) {
            o.data(1)[y * o.pitch(1) + x] = f.data(1)[y * f.pitch(1) + 2 * x];
            o.data(2)[y * o.pitch(2) + x] = f.data(1)[y * f.pitch(1) + 2 * x + 1];
        }
    return o;
}

inline EncoderConfig nvh264_config(int w, int h, int qp) {
    EncoderConfig c;
    c.width = w;
    c.height = h;
    c.rc.mode = RateControlMode::CQP;
    c.rc.qp = qp;
    c.tuning = Tuning::LowLatency;
    return c;
}

// Index of the first frame whose decoded picture differs from the reconstruction, -1 if all match.
inline int first_mismatch(const std::vector<Frame>& decoded, const std::vector<Frame>& recon) {
    for (size_t i = 0; i < recon.size() && i < decoded.size(); ++i)
        if (!frames_equal(decoded[i], recon[i])) return static_cast<int>(i);
    return -1;
}

}  // namespace nvcast::test

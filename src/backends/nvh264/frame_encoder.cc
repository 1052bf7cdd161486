#include "backends/nvh264/frame_encoder.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "backends/nvh264/bit_writer.h"
#include "backends/nvh264/cavlc.h"
#include "backends/nvh264/deblock.h"
#include "backends/nvh264/interpolation.h"
#include "backends/nvh264/mb_decide.h"
#include "backends/nvh264/motion_search.h"
#include "backends/nvh264/transform.h"
#include "nvcast/log.h"

namespace nvcast::nvh264 {

FrameEncoder::FrameEncoder(const EncoderConfig& config, const Options& options) : cfg_(config), opt_(options) {
    seq_.width = cfg_.width;
    seq_.height = cfg_.height;
    seq_.mb_w = (cfg_.width + 15) / 16;
    seq_.mb_h = (cfg_.height + 15) / 16;
    seq_.fps_num = cfg_.fps_num;
    seq_.fps_den = cfg_.fps_den;
    seq_.color = cfg_.color;
    const int64_t peak = cfg_.rc.mode == RateControlMode::CQP ? 0 : std::max(cfg_.rc.bitrate, cfg_.rc.max_bitrate);
    seq_.level_idc = choose_level(seq_.mb_w, seq_.mb_h, static_cast<double>(cfg_.fps_num) / cfg_.fps_den, peak);
    // Without a bitrate (CQP) the stream's rate is unknown: do not claim less than Level 3.0 (10 Mbit/s).
    if (peak == 0 && seq_.level_idc < 30) seq_.level_idc = 30;
    const int p = cfg_.preset;
    tools_.intra4x4 = opt_.intra4x4 >= 0 ? opt_.intra4x4 != 0 : p >= 2;
    tools_.partitions = opt_.partitions >= 0 ? opt_.partitions != 0 : p >= 4;
    tools_.search_range = opt_.search_range > 0 ? opt_.search_range : (p <= 2 ? 8 : (p <= 5 ? 16 : 32));
    tools_.deblock = opt_.deblock != 0;
    tools_.slices = cfg_.slices;
    rc_.init(cfg_, opt_.qp_min, opt_.qp_max);
    refresh_period_ = cfg_.intra_refresh_period > 0
                          ? cfg_.intra_refresh_period
                          : (cfg_.gop_length > 0 ? cfg_.gop_length
                                                 : std::max(1, (cfg_.fps_num + cfg_.fps_den - 1) / cfg_.fps_den));
    src_.resize(seq_.mb_w * 16, seq_.mb_h * 16);
    rec_.resize(seq_.mb_w * 16, seq_.mb_h * 16);
}

std::vector<uint8_t> FrameEncoder::headers() const {
    std::vector<uint8_t> out;
    write_nal(out, 3, 7, sps_rbsp(seq_));
    write_nal(out, 3, 8, pps_rbsp());
    return out;
}

void FrameEncoder::load(const Frame& frame) {
    const int w = cfg_.width, h = cfg_.height;
    for (int c = 0; c < 3; ++c) {
        Plane& dst = src_.plane(c);
        const int pw = c ? w / 2 : w, ph = c ? h / 2 : h;
        for (int y = 0; y < dst.height; ++y) {
            const int sy = std::min(y, ph - 1);
            uint8_t* d = dst.row(y);
            if (c == 0 || frame.format() == PixelFormat::I420) {
                const uint8_t* s = frame.data(c) + static_cast<size_t>(sy) * frame.pitch(c);
                std::memcpy(d, s, static_cast<size_t>(pw));
            } else {  // NV12: interleaved UV
                const uint8_t* s = frame.data(1) + static_cast<size_t>(sy) * frame.pitch(1) + (c - 1);
                for (int x = 0; x < pw; ++x) d[x] = s[2 * x];
            }
            for (int x = pw; x < dst.width; ++x) d[x] = d[pw - 1];
        }
    }
}

double FrameEncoder::intra_complexity() const {
    // SATD of every 8x8 luma block against its own mean: a cheap stand-in for intra cost.
    double total = 0;
    const Plane& y = src_.y;
    for (int by = 0; by + 8 <= y.height; by += 8)
        for (int bx = 0; bx + 8 <= y.width; bx += 8) {
            int sum = 0;
            for (int j = 0; j < 8; ++j)
                for (int i = 0; i < 8; ++i) sum += y.at(bx + i, by + j);
            uint8_t flat[64];
            std::memset(flat, (sum + 32) >> 6, sizeof(flat));
            total += satd(y.row(by) + bx, y.stride, flat, 8, 8, 8);
        }
    return total;
}

std::vector<uint8_t> FrameEncoder::encode_picture(FrameContext& f, bool idr) {
    f.lambda = 0.9 * std::pow(2.0, (f.qp - 12) / 6.0);
    wavefront_stage(f);
    // Entropy: one chunk per macroblock (with the skip run that precedes it), then per-slice concatenation.
    const size_t n = f.mbs.size();
    std::vector<BitWriter> chunks(n);
    std::vector<int> skip_before(n, 0);
    std::vector<int> trailing_skips(f.slice_first_row.size(), 0);
    {
        int run = 0;
        uint16_t slice = 0;
        for (size_t i = 0; i < n; ++i) {  // exclusive scan of skip runs within slices
            if (f.mbs[i].slice != slice) {
                trailing_skips[slice] = run;
                slice = f.mbs[i].slice;
                run = 0;
            }
            skip_before[i] = run;
            run = f.mbs[i].type == kMbPSkip ? run + 1 : 0;
        }
        trailing_skips[slice] = run;
    }
    for (size_t i = 0; i < n; ++i) {
        if (f.mbs[i].type == kMbPSkip) continue;
        const int mbx = static_cast<int>(i % static_cast<size_t>(f.mb_w)), mby = static_cast<int>(i / static_cast<size_t>(f.mb_w));
        write_macroblock(chunks[i], f, mbx, mby, f.p_slice ? skip_before[i] : -1);
    }
    std::vector<uint8_t> au;
    if (idr) {
        const std::vector<uint8_t> h = headers();
        au.insert(au.end(), h.begin(), h.end());
    } else if (f.p_slice && cfg_.intra_refresh && (frames_since_idr_ - 1) % refresh_period_ == 0) {
        // A refresh cycle starts: decoders joining here show exact pictures after period - 1 more frames.
        write_nal(au, 0, 6, recovery_point_sei_rbsp(refresh_period_ - 1));
    }
    for (size_t s = 0; s < f.slice_first_row.size(); ++s) {
        SliceParams sp;
        sp.idr = idr;
        sp.p_slice = f.p_slice;
        sp.first_mb = f.slice_first_row[s] * f.mb_w;
        sp.frame_num = frame_num_;
        sp.idr_pic_id = idr_count_ & 0xffff;
        sp.qp = f.qp;
        sp.deblock = f.tools.deblock;
        BitWriter bw;
        write_slice_header(bw, sp);
        const int end_row = s + 1 < f.slice_first_row.size() ? f.slice_first_row[s + 1] : f.mb_h;
        for (size_t i = static_cast<size_t>(sp.first_mb); i < static_cast<size_t>(end_row) * f.mb_w; ++i)
            bw.append(chunks[i]);
        if (f.p_slice && trailing_skips[s] > 0) bw.ue(static_cast<uint32_t>(trailing_skips[s]));
        bw.rbsp_trailing_bits();
        write_nal(au, 3, idr ? 5 : 1, bw.bytes());
    }
    return au;
}

EncodedFrame FrameEncoder::encode(const Frame& frame, bool force_idr, bool force_intra) {
    load(frame);
    const bool idr = force_idr || !have_ref_ ||
                     (!cfg_.intra_refresh && cfg_.gop_length > 0 && frames_since_idr_ >= cfg_.gop_length);
    const bool intra = idr || force_intra;
    if (idr) frame_num_ = 0;

    FrameContext f;
    f.mb_w = seq_.mb_w;
    f.mb_h = seq_.mb_h;
    f.p_slice = !intra;
    f.tools = tools_;
    f.src = &src_;
    f.rec = &rec_;
    f.ref = have_ref_ ? &ref_ : nullptr;
    f.mbs.assign(static_cast<size_t>(f.mb_w) * f.mb_h, MbInfo{});
    const int slices = std::clamp(tools_.slices, 1, f.mb_h);
    f.slice_of_row.resize(static_cast<size_t>(f.mb_h));
    for (int s = 0; s < slices; ++s) f.slice_first_row.push_back(s * f.mb_h / slices);
    for (int y = 0, s = 0; y < f.mb_h; ++y) {
        while (s + 1 < slices && y >= f.slice_first_row[static_cast<size_t>(s) + 1]) ++s;
        f.slice_of_row[static_cast<size_t>(y)] = static_cast<uint16_t>(s);
    }
    f.force_intra.assign(f.mbs.size(), 0);
    if (!intra && cfg_.intra_refresh) {
        const int width = (f.mb_w + refresh_period_ - 1) / refresh_period_;
        const int col0 = static_cast<int>(((frames_since_idr_ - 1) % refresh_period_) * width);
        for (int y = 0; y < f.mb_h; ++y)
            for (int x = col0; x < std::min(f.mb_w, col0 + width); ++x) f.force_intra[static_cast<size_t>(y) * f.mb_w + x] = 1;
        // Columns left of the refresh column were refreshed earlier in this cycle: keep them clean.
        f.gdr_cols = std::min(col0, f.mb_w);
        f.gdr_limit = col0 * 16 - 3;  // deblocking of the last refreshed edge touched 3 samples
        f.gdr_i4_col = col0 + width < f.mb_w ? col0 + width - 1 : -1;
    }

    double complexity;
    if (intra) {
        complexity = intra_complexity();
    } else {
        f.qp = last_qp_;
        f.lambda = 0.9 * std::pow(2.0, (f.qp - 12) / 6.0);
        motion_search_stage(f, prev_motion_);
        complexity = 0;
        for (const MotionResult& m : f.motion) complexity += m.cost16;
    }
    int qp = rc_.frame_qp(intra, complexity);
    std::vector<uint8_t> au;
    for (int attempt = 0;; ++attempt) {
        f.qp = qp;
        au = encode_picture(f, idr);
        const int64_t bits = static_cast<int64_t>(au.size()) * 8;
        // Re-encode at a higher QP when the frame would overflow the VBV (always) or badly overshoot (3 tries).
        const int retry = rc_.retry_qp(qp, bits);
        if (retry < 0 || (attempt >= 3 && rc_.fits(bits))) break;
        qp = retry;
    }
    rc_.update(intra, qp, complexity, static_cast<int64_t>(au.size()) * 8);
    log(LogLevel::Debug, "nvh264: frame " + std::to_string(frame_index_) + (idr ? " IDR" : (intra ? " I" : " P")) +
                             " qp " + std::to_string(qp) + " bits " + std::to_string(au.size() * 8) + " vbv " +
                             std::to_string(static_cast<int64_t>(rc_.buffer_fullness())) + "/" +
                             std::to_string(static_cast<int64_t>(rc_.buffer_size())) + " complexity " +
                             std::to_string(static_cast<int64_t>(complexity)));

    if (tools_.deblock) deblock_stage(f, DeblockParams{});
    std::swap(ref_.pic, rec_);
    if (rec_.y.width != ref_.pic.y.width) rec_.resize(ref_.pic.y.width, ref_.pic.y.height);
    build_half_planes(ref_);
    have_ref_ = true;
    prev_motion_ = intra ? std::vector<MotionResult>{} : f.motion;
    last_qp_ = qp;
    ++frame_index_;
    frames_since_idr_ = idr ? 1 : frames_since_idr_ + 1;
    if (idr) ++idr_count_;
    frame_num_ = (frame_num_ + 1) & ((1 << kLog2MaxFrameNum) - 1);

    EncodedFrame out;
    out.data = std::move(au);
    out.type = idr ? FrameType::IDR : (intra ? FrameType::I : FrameType::P);
    out.qp = qp;
    out.complexity = complexity;
    return out;
}

Frame FrameEncoder::reconstruction() const {
    Frame out = Frame::allocate(PixelFormat::I420, cfg_.width, cfg_.height);
    for (int c = 0; c < 3; ++c) {
        const Plane& p = ref_.pic.plane(c);
        const int w = c ? cfg_.width / 2 : cfg_.width, h = c ? cfg_.height / 2 : cfg_.height;
        for (int y = 0; y < h; ++y)
            std::memcpy(out.data(c) + static_cast<size_t>(y) * out.pitch(c), p.row(y), static_cast<size_t>(w));
    }
    return out;
}

}  // namespace nvcast::nvh264

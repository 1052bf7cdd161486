#include "backends/nvh264/frame_encoder.h"

#include <algorithm>
#include <string>

#include "nvcast/error.h"
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
    tools_.slices = std::clamp(cfg_.slices, 1, seq_.mb_h);
    rc_.init(cfg_, opt_.qp_min, opt_.qp_max);
    refresh_period_ = intra_refresh_period_of(cfg_);

    std::string why_not;
    if (opt_.engine != EngineChoice::Cpu) engine_ = make_cuda_engine(cfg_, seq_.mb_w, seq_.mb_h, opt_.stage_timing, why_not);
    if (engine_) {
        engine_description_ = engine_->description();
    } else {
        if (opt_.engine == EngineChoice::Cuda)
            throw Error(ErrorCode::Unavailable, "nvh264: the CUDA engine is not available: " + why_not);
        engine_ = make_cpu_engine(cfg_, seq_.mb_w, seq_.mb_h);
        engine_description_ =
            engine_->description() + (opt_.engine == EngineChoice::Cpu ? " (requested)" : " (" + why_not + ")");
    }
}

std::vector<uint8_t> FrameEncoder::headers() const {
    std::vector<uint8_t> out;
    write_nal(out, 3, 7, sps_rbsp(seq_));
    write_nal(out, 3, 8, pps_rbsp());
    return out;
}

FrameContext FrameEncoder::frame_setup(bool intra) const {
    FrameContext f;
    f.mb_w = seq_.mb_w;
    f.mb_h = seq_.mb_h;
    f.p_slice = !intra;
    f.tools = tools_;
    f.slices = tools_.slices;
    if (!intra && cfg_.intra_refresh) {
        const int width = (f.mb_w + refresh_period_ - 1) / refresh_period_;
        const int col0 = static_cast<int>(((frames_since_idr_ - 1) % refresh_period_) * width);
        f.refresh_col0 = col0;
        f.refresh_col_end = std::min(f.mb_w, col0 + width);
        // Columns left of the refresh column were refreshed earlier in this cycle: keep them clean.
        f.gdr_cols = std::min(col0, f.mb_w);
        f.gdr_limit = col0 * 16 - 3;  // deblocking of the last refreshed edge touched 3 samples
        f.gdr_i4_col = col0 + width < f.mb_w ? col0 + width - 1 : -1;
    }
    return f;
}

std::vector<BitWriter> FrameEncoder::slice_headers(const FrameContext& f, bool idr) const {
    std::vector<BitWriter> out(static_cast<size_t>(f.slices));
    for (int s = 0; s < f.slices; ++s) {
        SliceParams sp;
        sp.idr = idr;
        sp.p_slice = f.p_slice;
        sp.first_mb = f.slice_first_row(s) * f.mb_w;
        sp.frame_num = frame_num_;
        sp.idr_pic_id = idr_count_ & 0xffff;
        sp.qp = f.qp;
        sp.deblock = f.tools.deblock;
        write_slice_header(out[static_cast<size_t>(s)], sp);
    }
    return out;
}

EncodedFrame FrameEncoder::encode(const Frame& frame, bool force_idr, bool force_intra) {
    engine_->load(frame);
    const bool idr = force_idr || !have_ref_ ||
                     (!cfg_.intra_refresh && cfg_.gop_length > 0 && frames_since_idr_ >= cfg_.gop_length);
    const bool intra = idr || force_intra;
    if (idr) frame_num_ = 0;

    FrameContext f = frame_setup(intra);
    f.set_qp(last_qp_);  // motion search runs before rate control, with the previous frame's lambda
    const double complexity = engine_->analyse(f);
    int qp = rc_.frame_qp(intra, complexity);

    std::vector<uint8_t> prefix;
    if (idr) {
        prefix = headers();
    } else if (f.p_slice && cfg_.intra_refresh && (frames_since_idr_ - 1) % refresh_period_ == 0) {
        // A refresh cycle starts: decoders joining here show exact pictures after period - 1 more frames.
        write_nal(prefix, 0, 6, recovery_point_sei_rbsp(refresh_period_ - 1));
    }
    std::vector<uint8_t> au;
    for (int attempt = 0;; ++attempt) {
        f.set_qp(qp);
        au = prefix;
        const std::vector<uint8_t> slices = engine_->code_slices(f, slice_headers(f, idr), idr ? 5 : 1);
        au.insert(au.end(), slices.begin(), slices.end());
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

    engine_->finish_reference(f);
    have_ref_ = true;
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

}  // namespace nvcast::nvh264

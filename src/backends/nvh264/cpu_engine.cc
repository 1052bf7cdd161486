// nvh264: the CPU reference engine. Its output defines nvh264's bitstream; the
// CUDA engine runs the same per-macroblock code and must match it byte for byte.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "backends/nvh264/analysis.h"
#include "backends/nvh264/cavlc.h"
#include "backends/nvh264/chunk_writer.h"
#include "backends/nvh264/deblock.h"
#include "backends/nvh264/engine.h"
#include "backends/nvh264/interpolation.h"
#include "backends/nvh264/load.h"
#include "backends/nvh264/mb_decide.h"
#include "backends/nvh264/motion_search.h"
#include "nvcast/error.h"

namespace nvcast::nvh264 {
namespace {

Frame picture_to_frame(const PictureView& p, int width, int height) {
    Frame out = Frame::allocate(PixelFormat::I420, width, height);
    for (int c = 0; c < 3; ++c) {
        const PlaneView& pl = p.plane(c);
        const int w = c ? width / 2 : width, h = c ? height / 2 : height;
        for (int y = 0; y < h; ++y)
            std::memcpy(out.data(c) + static_cast<size_t>(y) * out.pitch(c), pl.row(y), static_cast<size_t>(w));
    }
    return out;
}

class CpuEngine final : public PictureEngine {
public:
    CpuEngine(const EncoderConfig& config, int mb_w, int mb_h) : config_(config), mb_w_(mb_w), mb_h_(mb_h) {
        const size_t n = static_cast<size_t>(mb_w) * mb_h;
        src_.resize(mb_w * 16, mb_h * 16);
        rec_.resize(mb_w * 16, mb_h * 16);
        ref_.resize(mb_w * 16, mb_h * 16);
        mbs_.resize(n);
        motion_.resize(n);
        skip_trials_.resize(n);
        prev_motion_.resize(n);
        chunk_words_.resize(n * kChunkWords);
        chunk_bits_.resize(n);
    }

    std::string description() const override { return "CPU reference"; }
    bool on_gpu() const override { return false; }

    void load(const Frame& frame) override {
        if (frame.memory() != MemoryType::Host)
            throw Error(ErrorCode::Unsupported,
                        "nvh264: the CPU reference engine needs host frames (this encoder has no usable CUDA device)");
        InputPlanes in;
        in.width = frame.width();
        in.height = frame.height();
        in.nv12 = frame.format() == PixelFormat::NV12;
        for (int c = 0; c < (in.nv12 ? 2 : 3); ++c) {
            in.data[c] = frame.data(c);
            in.pitch[c] = frame.pitch(c);
        }
        const PictureView s = src_.view();
        for (int c = 0; c < 3; ++c) {
            const PlaneView& p = s.plane(c);
            for (int y = 0; y < p.height; ++y) {
                uint8_t* row = p.row(y);
                for (int x = 0; x < p.width; ++x) row[x] = load_sample(in, c, x, y);
            }
        }
    }

    double analyse(const FrameContext& setup) override {
        const FrameContext f = bind(setup);
        if (!f.p_slice) return static_cast<double>(intra_complexity_stage(f.src.y, config_.threads));
        motion_search_stage(f, config_.threads);
        int64_t total = 0;
        for (const MotionResult& m : motion_) total += m.cost16;
        return static_cast<double>(total);
    }

    std::vector<uint8_t> code_slices(const FrameContext& setup, const std::vector<BitWriter>& headers,
                                     int nal_unit_type) override {
        const FrameContext f = bind(setup);
        decide_stage(f, config_.threads);
        // Entropy: one chunk per macroblock (with the skip run that precedes it), then per-slice concatenation.
        const size_t n = mbs_.size();
        std::vector<int> trailing_skips(static_cast<size_t>(f.slices), 0);
        int run = 0, slice = 0;
        for (size_t i = 0; i < n; ++i) {
            const int s = f.slice_of_row(static_cast<int>(i / static_cast<size_t>(f.mb_w)));
            if (s != slice) {
                trailing_skips[static_cast<size_t>(slice)] = run;
                slice = s;
                run = 0;
            }
            chunk_bits_[i] = 0;
            if (mbs_[i].type == kMbPSkip) {
                ++run;
                continue;
            }
            ChunkWriter w;
            w.words = chunk_words_.data() + i * kChunkWords;
            write_macroblock(w, f, static_cast<int>(i % static_cast<size_t>(f.mb_w)),
                             static_cast<int>(i / static_cast<size_t>(f.mb_w)), f.p_slice ? run : -1);
            w.finish();
            if (w.overflow) throw Error(ErrorCode::EncoderFailure, "nvh264: a macroblock's CAVLC exceeded its chunk");
            chunk_bits_[i] = w.bits;
            run = 0;
        }
        trailing_skips[static_cast<size_t>(slice)] = run;
        std::vector<uint8_t> out;
        for (int s = 0; s < f.slices; ++s) {
            BitWriter bw = headers[static_cast<size_t>(s)];
            const size_t first = static_cast<size_t>(f.slice_first_row(s)) * f.mb_w;
            const size_t end = static_cast<size_t>(s + 1 < f.slices ? f.slice_first_row(s + 1) : f.mb_h) * f.mb_w;
            for (size_t i = first; i < end; ++i) {
                const uint32_t* words = chunk_words_.data() + i * kChunkWords;
                const int bits = chunk_bits_[i];
                for (int k = 0; k < bits / 32; ++k) bw.put(words[k], 32);
                if (bits % 32) bw.put(words[bits / 32] >> (32 - bits % 32), bits % 32);
            }
            const int trailing = trailing_skips[static_cast<size_t>(s)];
            if (f.p_slice && trailing > 0) bw.ue(static_cast<uint32_t>(trailing));
            bw.rbsp_trailing_bits();
            write_nal(out, 3, nal_unit_type, bw.bytes());
        }
        return out;
    }

    void finish_reference(const FrameContext& setup) override {
        const FrameContext f = bind(setup);
        if (f.tools.deblock) deblock_stage(f, DeblockParams{});
        std::swap(ref_.pic, rec_);
        build_half_planes(ref_.view(), config_.threads);
        have_prev_motion_ = f.p_slice;
        if (f.p_slice) std::swap(prev_motion_, motion_);
    }

    Frame reconstruction(int width, int height) const override {
        return picture_to_frame(ref_.pic.view(), width, height);
    }

    FrameSnapshot snapshot() const override {
        FrameSnapshot s;
        if (have_prev_motion_) s.motion = prev_motion_;
        s.mbs = mbs_;
        s.reference = reconstruction(mb_w_ * 16, mb_h_ * 16);
        return s;
    }

private:
    FrameContext bind(const FrameContext& setup) {
        FrameContext f = setup;
        f.src = src_.view();
        f.rec = rec_.view();
        f.ref = ref_.view();
        f.mbs = mbs_.data();
        f.motion = motion_.data();
        f.skip_trials = skip_trials_.data();
        f.prev_motion = have_prev_motion_ ? prev_motion_.data() : nullptr;
        return f;
    }

    EncoderConfig config_;
    int mb_w_, mb_h_;
    Picture src_, rec_;
    RefPicture ref_;
    std::vector<MbInfo> mbs_;
    std::vector<MotionResult> motion_, prev_motion_;
    std::vector<SkipTrial> skip_trials_;
    bool have_prev_motion_ = false;
    std::vector<uint32_t> chunk_words_;
    std::vector<int> chunk_bits_;
};

}  // namespace

std::unique_ptr<PictureEngine> make_cpu_engine(const EncoderConfig& config, int mb_w, int mb_h) {
    return std::make_unique<CpuEngine>(config, mb_w, mb_h);
}

}  // namespace nvcast::nvh264

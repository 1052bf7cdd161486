// nvh264: where a picture's stages run. The frame controller (FrameEncoder) decides
// frame type, QP, slices and headers; an engine loads the frame, analyses it, runs
// the decision wavefront and entropy coding, deblocks and builds the next reference.
// Two engines exist — the CPU reference and the CUDA engine — and they must produce
// the same bytes (tests/nvh264/nvh264_gpu_match_test.cc checks it on a GPU).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "backends/nvh264/bit_writer.h"
#include "backends/nvh264/frame_context.h"
#include "nvcast/config.h"
#include "nvcast/frame.h"

namespace nvcast::nvh264 {

// Intermediate results of the last frame, for tests that compare engines stage by stage.
struct FrameSnapshot {
    std::vector<MotionResult> motion;  // empty after an intra frame
    std::vector<MbInfo> mbs;
    Frame reference;  // the deblocked reconstruction, I420, macroblock-aligned size
};

class PictureEngine {
public:
    virtual ~PictureEngine() = default;
    // "CPU reference" or "CUDA on <device name>".
    virtual std::string description() const = 0;
    virtual bool on_gpu() const = 0;
    // Copies (or reads in place) the frame into the macroblock-aligned source picture.
    virtual void load(const Frame& frame) = 0;
    // Motion search (P) or intra analysis (I) for rate control; returns the frame's complexity.
    virtual double analyse(const FrameContext& setup) = 0;
    // Decision wavefront and CAVLC at setup.qp; returns the slice NAL units (Annex-B), one per
    // slice header in `headers` (bits of slice_header(), ending anywhere in a byte).
    virtual std::vector<uint8_t> code_slices(const FrameContext& setup, const std::vector<BitWriter>& headers,
                                             int nal_unit_type) = 0;
    // Makes the reconstruction, deblocked (when on), the reference of the next frame. (The CUDA
    // engine deblocks inside code_slices, a few waves behind its wavefront; the CPU reference here.)
    virtual void finish_reference(const FrameContext& setup) = 0;
    // The reference picture cropped to width x height, I420 on the host.
    virtual Frame reconstruction(int width, int height) const = 0;
    virtual FrameSnapshot snapshot() const = 0;
    // Cumulative GPU milliseconds per stage when stage timing is on (CUDA engine); empty otherwise.
    virtual std::vector<std::pair<std::string, double>> stage_times() const { return {}; }
};

std::unique_ptr<PictureEngine> make_cpu_engine(const EncoderConfig& config, int mb_w, int mb_h);
// The CUDA engine, or nullptr with the reason in `why_not` (no CUDA in this build, no device, ...).
std::unique_ptr<PictureEngine> make_cuda_engine(const EncoderConfig& config, int mb_w, int mb_h, bool stage_timing,
                                                std::string& why_not);
// Whether make_cuda_engine could work here (a CUDA build and a usable device), with the reason if not.
bool cuda_engine_usable(std::string& why_not, std::string* device_name = nullptr);

}  // namespace nvcast::nvh264

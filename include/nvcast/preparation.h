// One stream's frame preparation before its encoder: label an HDR input, tone map it to SDR,
// scale it, and convert it to a format every encoder takes (planar YUV). Planned once from the
// source's description; runs on the GPU for device frames (on the caller's CUDA stream) and for
// host frames when a GPU is usable, else on the CPU reference. Shared by the pipeline, the CLI's
// PSNR check and anyone preparing frames by hand.
#pragma once

#include <memory>
#include <string>

#include "nvcast/convert.h"
#include "nvcast/source.h"

namespace nvcast {

struct PrepareSpec {
    int width = 0;   // scale to this size; 0 = keep the source's
    int height = 0;
    ScaleFilter filter = ScaleFilter::Bicubic;
    ToneMapOptions tonemap;  // curve None = no tone mapping
    // PQ or HLG: treat an input that carries no colour description as BT.2020 HDR with this transfer.
    TransferCharacteristics input_transfer = TransferCharacteristics::Unspecified;
    bool gpu_for_host_frames = true;  // upload host frames to a usable GPU instead of the CPU reference
};

class Preparation {
public:
    // Throws Error(InvalidArgument) for an input_transfer other than PQ/HLG, Unsupported for tone
    // mapping an input that is not PQ or HLG.
    Preparation(const PrepareSpec& spec, const SourceInfo& source);
    ~Preparation();
    Preparation(Preparation&&) noexcept;
    Preparation& operator=(Preparation&&) noexcept;

    // False when the source already is what encoders take: run() then passes frames through.
    bool active() const noexcept { return active_; }
    // What the encoder gets: format, size and colour after preparation (the frame rate is the source's).
    const SourceInfo& output() const noexcept { return output_; }
    // The source as prepared sees it (its colour labels with input_transfer applied).
    const SourceInfo& input() const noexcept { return input_; }

    // The prepared frame, in the same memory as `in` unless host frames go through the GPU (then it
    // comes back in host memory). `cuda_stream` orders device work (nullptr = default stream).
    Frame run(const Frame& in, void* cuda_stream = nullptr);

    // "NV12 1920x1080 -> I420 1280x720, tone map bt2390, on the GPU"; empty when inactive.
    std::string describe() const;
    ConvertPath last_path() const noexcept;
    size_t pool_allocations() const noexcept;

private:
    bool active_ = false;
    SourceInfo input_, output_;
    ConvertTarget target_;
    ToneCurve curve_ = ToneCurve::None;
    std::unique_ptr<FrameConverter> converter_;
};

}  // namespace nvcast

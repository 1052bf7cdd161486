// Frame preparation: colour conversion, scaling and HDR -> SDR tone mapping.
//
// FrameConverter turns a Frame into another pixel format, colour description
// and size. Frames in CUDA device memory are processed by CUDA kernels on the
// stream the caller passes; host frames are processed by the plain C++
// reference implementation of the same arithmetic (see docs/gpu.md). Both give
// the same code values to within the tolerances stated there.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "nvcast/frame.h"

namespace nvcast {

enum class ScaleFilter {
    Bilinear,  // triangle filter, widened when downscaling so that it does not alias
    Bicubic,   // Catmull-Rom cubic (B=0, C=0.5), widened when downscaling
    Area,      // exact pixel-area coverage (box) average
};

enum class ToneCurve {
    None,      // no tone mapping: primaries and transfer are kept
    Bt2390,    // ITU-R BT.2390 EETF (Hermite knee in the PQ domain)
    Hable,     // Hable's filmic curve, normalised so the source peak maps to white
    Reinhard,  // Reinhard x/(x+k), normalised so the source peak maps to white
    Clip,      // hard clip at the target peak
};

std::string_view to_string(ScaleFilter filter) noexcept;
std::string_view to_string(ToneCurve curve) noexcept;
// Parse "bilinear" | "bicubic" | "area" and "bt2390" | "hable" | "reinhard" | "clip" | "none"; throw Error otherwise.
ScaleFilter parse_scale_filter(std::string_view name);
ToneCurve parse_tone_curve(std::string_view name);

struct ToneMapOptions {
    ToneCurve curve = ToneCurve::None;
    double source_peak_nits = 1000.0;  // mastering peak of the HDR source (HLG: nominal display peak Lw)
    double target_peak_nits = 100.0;   // SDR display peak (= SDR reference white)
    double reinhard_k = 0.5;           // Reinhard contrast parameter k (> 0)
};

struct ConvertOptions {
    ScaleFilter filter = ScaleFilter::Bicubic;
    ToneMapOptions tonemap;
    int cpu_threads = 0;  // CPU reference: worker threads (0 = hardware concurrency)
    // convert(in, target) on a host frame: when a CUDA device is usable, upload the frame, run the
    // kernels and download the result (the call then waits for the GPU); otherwise run the CPU reference.
    bool gpu_for_host_frames = false;
    // Device frames, HDR -> SDR with a downscale: tone map and scale in one kernel instead of two.
    // Same output, bit for bit; it moves less memory but tone maps each block's halo again, so
    // while tone mapping is arithmetic-bound it is slower (H200, 4K -> 1080p: 0.554 against the
    // chain's 0.428 ms; BENCHMARKS.md). Off by default for that reason.
    bool fuse_tone_map_and_scale = false;
};

// What the output should be; width/height 0 keep the input size. Colour fields left
// Unspecified are filled in: matrix/range from the input (YUV) or BT.709 limited (RGB input,
// or tone mapping), primaries/transfer from the input or BT.709 after tone mapping.
struct ConvertTarget {
    PixelFormat format = PixelFormat::NV12;
    int width = 0;
    int height = 0;
    ColorDescription color;
};

enum class ConvertPath { None, Cpu, Gpu };
std::string_view to_string(ConvertPath path) noexcept;

class FrameConverter {
public:
    explicit FrameConverter(ConvertOptions options = {});
    ~FrameConverter();
    FrameConverter(FrameConverter&&) noexcept;
    FrameConverter& operator=(FrameConverter&&) noexcept;

    const ConvertOptions& options() const noexcept;

    // Converts `in` into the caller's frame `out` (format, size and colour are taken from `out`;
    // out.color fields left Unspecified are filled in as for ConvertTarget). Both frames must
    // live in the same memory. `stream` is a cudaStream_t (nullptr = default stream) used for
    // CUDA frames; the call returns once the work is queued (CPU: once it is done).
    void convert(const Frame& in, Frame& out, void* stream = nullptr);

    // Converts into a frame taken from the converter's pool, in the same memory as `in`.
    // The pool recycles buffers when the returned frames are destroyed, so a steady stream
    // of frames of one size allocates nothing after the first few.
    Frame convert(const Frame& in, const ConvertTarget& target, void* stream = nullptr);

    // Which implementation ran in the last call.
    ConvertPath last_path() const noexcept;
    // Buffers the pools have allocated so far (host + device); steady state stops growing.
    size_t pool_allocations() const noexcept;

    // True when this build has CUDA kernels and a CUDA device is present.
    static bool gpu_available() noexcept;
    // One line saying whether GPU kernels are built and a device is present.
    static std::string describe_gpu();

    // Resolves the output colour description for a conversion (the rules above).
    static ColorDescription resolve_output_color(const Frame& in, PixelFormat out_format, ColorDescription wanted,
                                                 const ToneMapOptions& tonemap);

private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace nvcast

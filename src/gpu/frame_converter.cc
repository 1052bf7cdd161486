// FrameConverter: validation, planning (convert / scale / copy steps, or the fused tone map +
// scale kernel) and dispatch to the CUDA kernels (device frames) or the C++ references (host frames).
#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <tuple>

#include "gpu/buffer_pool.h"
#include "gpu/frame_transfer.h"
#include "gpu/convert_params.h"
#include "gpu/reference.h"
#include "gpu/scale_filter.h"
#include "gpu/tone_lut_tables.h"
#include "gpu/tone_scale.h"
#include "nvcast/convert.h"
#include "nvcast/error.h"
#if NVCAST_HAVE_GPU_KERNELS
#include "gpu/cuda_check.h"
#include "gpu/kernels.h"
#endif

namespace nvcast {

using gpu::is_yuv;

namespace {

std::string size_text(int w, int h) { return std::to_string(w) + "x" + std::to_string(h); }

std::string memory_text(MemoryType m) { return m == MemoryType::Cuda ? "CUDA device" : "host"; }

// Alignment in bytes that plane `p` of `f` needs for the kernels' 16/32-bit accesses.
int plane_alignment(PixelFormat f, int p) {
    const FormatInfo& i = format_info(f);
    if (i.packed_rgb) return i.bytes_per_sample == 4 ? 4 : 1;
    const int sample = i.bytes_per_sample;
    return (i.semi_planar && p == 1) ? 2 * sample : sample;
}

void validate_frame(const Frame& f, const char* role) {
    if (f.empty()) throw Error(ErrorCode::InvalidArgument, std::string("the ") + role + " frame is empty");
    const FormatInfo& info = format_info(f.format());
    if ((info.chroma_shift_x && f.width() % 2) || (info.chroma_shift_y && f.height() % 2))
        throw Error(ErrorCode::InvalidArgument, std::string("the ") + role + " frame is " +
                                                    size_text(f.width(), f.height()) + " but " +
                                                    std::string(info.name) +
                                                    " (4:2:0) needs an even width and height");
    for (int p = 0; p < info.planes; ++p) {
        const int a = plane_alignment(f.format(), p);
        if (f.data(p) == nullptr)
            throw Error(ErrorCode::InvalidArgument,
                        std::string("plane ") + std::to_string(p) + " of the " + role + " frame has no data");
        if (f.pitch(p) % a != 0)
            throw Error(ErrorCode::InvalidArgument,
                        std::string("plane ") + std::to_string(p) + " of the " + role + " frame (" +
                            std::string(info.name) + ") has pitch " + std::to_string(f.pitch(p)) +
                            ", which is not a multiple of " + std::to_string(a) + " bytes");
        if (reinterpret_cast<uintptr_t>(f.data(p)) % static_cast<uintptr_t>(a) != 0)
            throw Error(ErrorCode::InvalidArgument, std::string("plane ") + std::to_string(p) + " of the " + role +
                                                        " frame (" + std::string(info.name) +
                                                        ") starts at an address not aligned to " +
                                                        std::to_string(a) + " bytes");
        if (f.pitch(p) < static_cast<int>(plane_row_bytes(f.format(), f.width(), p)))
            throw Error(ErrorCode::InvalidArgument, std::string("plane ") + std::to_string(p) + " of the " + role +
                                                        " frame has a pitch smaller than its row");
    }
}

gpu::PlaneSet planes_of(const Frame& f) {
    gpu::PlaneSet s;
    for (int p = 0; p < f.plane_count(); ++p) {
        s.data[p] = f.data(p);
        s.pitch[p] = f.pitch(p);
    }
    s.width = f.width();
    s.height = f.height();
    s.format = f.format();
    return s;
}

bool hdr_transfer(TransferCharacteristics t) {
    return t == TransferCharacteristics::PQ || t == TransferCharacteristics::HLG;
}

}  // namespace

std::string_view to_string(ScaleFilter filter) noexcept {
    switch (filter) {
        case ScaleFilter::Bilinear: return "bilinear";
        case ScaleFilter::Bicubic: return "bicubic";
        case ScaleFilter::Area: return "area";
    }
    return "?";
}

std::string_view to_string(ToneCurve curve) noexcept {
    switch (curve) {
        case ToneCurve::None: return "none";
        case ToneCurve::Bt2390: return "bt2390";
        case ToneCurve::Hable: return "hable";
        case ToneCurve::Reinhard: return "reinhard";
        case ToneCurve::Clip: return "clip";
    }
    return "?";
}

std::string_view to_string(ConvertPath path) noexcept {
    switch (path) {
        case ConvertPath::None: return "none";
        case ConvertPath::Cpu: return "CPU reference";
        case ConvertPath::Gpu: return "GPU (CUDA)";
    }
    return "?";
}

ScaleFilter parse_scale_filter(std::string_view name) {
    for (ScaleFilter f : {ScaleFilter::Bilinear, ScaleFilter::Bicubic, ScaleFilter::Area})
        if (name == to_string(f)) return f;
    throw Error(ErrorCode::InvalidArgument,
                "unknown scale filter '" + std::string(name) + "' (allowed: bilinear, bicubic, area)");
}

ToneCurve parse_tone_curve(std::string_view name) {
    for (ToneCurve c : {ToneCurve::None, ToneCurve::Bt2390, ToneCurve::Hable, ToneCurve::Reinhard, ToneCurve::Clip})
        if (name == to_string(c)) return c;
    throw Error(ErrorCode::InvalidArgument,
                "unknown tone curve '" + std::string(name) + "' (allowed: bt2390, hable, reinhard, clip, none)");
}

class FrameConverter::Impl {
public:
    explicit Impl(ConvertOptions o) : options(o) {}

    ConvertOptions options;
    ConvertPath last = ConvertPath::None;
    std::shared_ptr<gpu::BufferPool> host_pool = gpu::BufferPool::create(MemoryType::Host);
    std::shared_ptr<gpu::BufferPool> device_pool;

    struct Table {
        gpu::HostFilterTable host;
        std::shared_ptr<void> device_start, device_weights;
    };
    std::map<std::tuple<int, int, int>, Table> tables;

    gpu::BufferPool& pool(MemoryType m) {
        if (m == MemoryType::Host) return *host_pool;
        if (!device_pool) device_pool = gpu::BufferPool::create(MemoryType::Cuda);
        return *device_pool;
    }

    gpu::FilterTable table(int in, int out, bool device) {
        auto key = std::make_tuple(in, out, static_cast<int>(options.filter));
        auto it = tables.find(key);
        if (it == tables.end()) {
            Table t;
            t.host = gpu::make_filter_table(in, out, options.filter);
            it = tables.emplace(key, std::move(t)).first;
        }
        Table& t = it->second;
        if (!device) return t.host.view();
#if NVCAST_HAVE_GPU_KERNELS
        if (!t.device_start) {
            auto upload = [](const void* src, size_t bytes) {
                void* ptr = nullptr;
                gpu::cuda_check(cudaMalloc(&ptr, bytes), "allocating a filter table");
                std::shared_ptr<void> owner(ptr, [](void* p) { cudaFree(p); });
                gpu::cuda_check(cudaMemcpy(ptr, src, bytes, cudaMemcpyHostToDevice), "uploading a filter table");
                return owner;
            };
            t.device_start = upload(t.host.start.data(), t.host.start.size() * sizeof(int));
            t.device_weights = upload(t.host.weights.data(), t.host.weights.size() * sizeof(float));
        }
        return gpu::FilterTable{t.host.taps, static_cast<const int*>(t.device_start.get()),
                                static_cast<const float*>(t.device_weights.get())};
#else
        throw Error(ErrorCode::Unavailable, "no CUDA support in this build");
#endif
    }

    // Tone-mapping tables (host layout and device copy), by input transfer: the options are fixed,
    // so the transfer is all that changes them.
    struct ToneTables {
        gpu::HostToneLuts host;
        std::shared_ptr<void> device;
    };
    std::map<int, ToneTables> tone_tables;

    // The kernels' tone-mapping tables for `params`, built and uploaded once per transfer.
    gpu::ToneLuts device_tone_luts(const gpu::ConvertParams& params) {
#if NVCAST_HAVE_GPU_KERNELS
        ToneTables& t = tone_tables[params.transfer];
        if (!t.device) {
            t.host = gpu::build_tone_luts(params);
            const size_t bytes = t.host.entries.size() * sizeof(gpu::LutEntry);
            void* ptr = nullptr;
            gpu::cuda_check(cudaMalloc(&ptr, bytes), "allocating the tone-mapping tables");
            t.device = std::shared_ptr<void>(ptr, [](void* q) { cudaFree(q); });
            gpu::cuda_check(cudaMemcpy(ptr, t.host.entries.data(), bytes, cudaMemcpyHostToDevice),
                            "uploading the tone-mapping tables");
        }
        return t.host.view(static_cast<const gpu::LutEntry*>(t.device.get()));
#else
        (void)params;
        throw Error(ErrorCode::Unavailable, "no CUDA support in this build");
#endif
    }

    int threads() const { return options.cpu_threads; }

    void run_convert(const Frame& in, const Frame& out, const gpu::ConvertParams& params, void* stream) {
        const gpu::PlaneSet s = planes_of(in), d = planes_of(out);
        if (in.memory() == MemoryType::Host) {
            gpu::convert_reference(s, d, params, threads());
            return;
        }
#if NVCAST_HAVE_GPU_KERNELS
        if (params.tonemap) {  // the kernels look the transfer functions up (tone_lut.h)
            gpu::ConvertParams tabled = params;
            tabled.luts = device_tone_luts(params);
            gpu::launch_convert(s, d, tabled, stream);
            return;
        }
        gpu::launch_convert(s, d, params, stream);
#else
        (void)stream;
#endif
    }

    // The scale step from a `format` frame of src_w x src_h to `out`: plane geometry and filter
    // tables (device copies for device frames); the source pointers are left to the caller.
    void describe_scale(PixelFormat format, int src_w, int src_h, const Frame& out, bool device,
                        gpu::ScalePlane (&planes)[3]) {
        const FormatInfo& info = format_info(format);
        for (int p = 0; p < info.planes; ++p) {
            gpu::ScalePlane& sp = planes[p];
            const int sx = p == 0 ? 0 : info.chroma_shift_x, sy = p == 0 ? 0 : info.chroma_shift_y;
            sp.src_w = (src_w + (1 << sx) - 1) >> sx;
            sp.src_h = (src_h + (1 << sy) - 1) >> sy;
            sp.dst = out.data(p);
            sp.dst_pitch = out.pitch(p);
            sp.dst_w = (out.width() + (1 << sx) - 1) >> sx;
            sp.dst_h = (out.height() + (1 << sy) - 1) >> sy;
            sp.comps = (p == 1 && info.semi_planar) ? 2 : 1;
            sp.layout = gpu::layout_of(format);
            sp.fx = table(sp.src_w, sp.dst_w, device);
            sp.fy = table(sp.src_h, sp.dst_h, device);
            if (device)  // rows one block of output rows reads (from the host copy of the table)
                sp.span_y = gpu::group_rows_span(
                    tables.at(std::make_tuple(sp.src_h, sp.dst_h, static_cast<int>(options.filter))).host);
        }
    }

    void run_scale(const Frame& in, const Frame& out, void* stream) {
        const bool device = in.memory() == MemoryType::Cuda;
        const int count = format_info(in.format()).planes;
        gpu::ScalePlane planes[3];
        describe_scale(in.format(), in.width(), in.height(), out, device, planes);
        for (int p = 0; p < count; ++p) {
            planes[p].src = in.data(p);
            planes[p].src_pitch = in.pitch(p);
        }
        if (!device) {
            gpu::scale_reference(planes, count, threads());
            return;
        }
#if NVCAST_HAVE_GPU_KERNELS
        gpu::launch_scale(planes, count, stream);
#else
        (void)stream;
#endif
    }

    // Fused tone map + scale plans (tone_scale.h), by formats and sizes; the filter is fixed.
    std::map<std::tuple<int, int, int, int, int, int>, std::optional<gpu::ToneScaleTiling>> tone_scale_plans;

    std::optional<gpu::ToneScaleTiling> tone_scale_tiling(const Frame& in, const Frame& out) {
        const auto key = std::make_tuple(static_cast<int>(in.format()), static_cast<int>(out.format()), in.width(),
                                         in.height(), out.width(), out.height());
        auto it = tone_scale_plans.find(key);
        if (it == tone_scale_plans.end())
            it = tone_scale_plans
                     .emplace(key, gpu::plan_tone_scale(in.format(), out.format(), in.width(), in.height(),
                                                        out.width(), out.height(), options.filter))
                     .first;
        return it->second;
    }

    // The chain "convert (tone map) at the input size into out's format, then scale" as one kernel.
    void run_tone_scale(const Frame& in, const Frame& out, const gpu::ConvertParams& params,
                        const gpu::ToneScaleTiling& tiling, void* stream) {
#if NVCAST_HAVE_GPU_KERNELS
        gpu::ToneScaleJob job;
        job.src = planes_of(in);
        job.params = params;
        job.params.luts = device_tone_luts(params);
        gpu::ScalePlane planes[3];
        describe_scale(out.format(), in.width(), in.height(), out, true, planes);
        job.planes[0] = planes[0];
        job.planes[1] = planes[1];
        job.tiling = tiling;
        gpu::launch_tone_scale(job, stream);
#else
        (void)in, (void)out, (void)params, (void)tiling, (void)stream;
#endif
    }

    void run_copy(const Frame& in, Frame& out, void* stream) {
        if (in.memory() == MemoryType::Host) {
            const ColorDescription keep = out.color;  // copy_frame_pixels copies the input's label too
            copy_frame_pixels(in, out);
            out.color = keep;
            return;
        }
        gpu::copy_frame(in, out, stream);
    }
};

FrameConverter::FrameConverter(ConvertOptions options) : impl_(std::make_unique<Impl>(options)) {
    const ToneMapOptions& t = options.tonemap;
    if (t.curve != ToneCurve::None && !(t.target_peak_nits > 0 && t.source_peak_nits > t.target_peak_nits))
        throw Error(ErrorCode::InvalidArgument, "tone mapping needs 0 < target peak (" +
                                                    std::to_string(t.target_peak_nits) + " nits) < source peak (" +
                                                    std::to_string(t.source_peak_nits) + " nits)");
    if (t.curve == ToneCurve::Reinhard && !(t.reinhard_k > 0))
        throw Error(ErrorCode::InvalidArgument, "the Reinhard parameter k must be positive");
}

FrameConverter::~FrameConverter() = default;
FrameConverter::FrameConverter(FrameConverter&&) noexcept = default;
FrameConverter& FrameConverter::operator=(FrameConverter&&) noexcept = default;

const ConvertOptions& FrameConverter::options() const noexcept { return impl_->options; }
ConvertPath FrameConverter::last_path() const noexcept { return impl_->last; }

size_t FrameConverter::pool_allocations() const noexcept {
    return impl_->host_pool->allocations() + (impl_->device_pool ? impl_->device_pool->allocations() : 0);
}

bool FrameConverter::gpu_available() noexcept {
#if NVCAST_HAVE_GPU_KERNELS
    int count = 0;
    return cudaGetDeviceCount(&count) == cudaSuccess && count > 0;
#else
    return false;
#endif
}

std::string FrameConverter::describe_gpu() {
#if NVCAST_HAVE_GPU_KERNELS
    int count = 0;
    const cudaError_t status = cudaGetDeviceCount(&count);
    if (status != cudaSuccess || count == 0)
        return std::string("CUDA kernels built, but no CUDA device is usable (") +
               (status != cudaSuccess ? cudaGetErrorString(status) : "no device") + "): CPU reference only";
    cudaDeviceProp prop{};
    cudaGetDeviceProperties(&prop, 0);
    return std::string("CUDA kernels built; device 0: ") + prop.name + " (sm_" + std::to_string(prop.major) +
           std::to_string(prop.minor) + ")";
#else
    return "no CUDA kernels in this build (built without nvcc): CPU reference only";
#endif
}

ColorDescription FrameConverter::resolve_output_color(const Frame& in, PixelFormat out_format,
                                                      ColorDescription wanted, const ToneMapOptions& tonemap) {
    const ColorDescription src = gpu::resolve_input_color(in.format(), in.color);
    const bool tm = tonemap.curve != ToneCurve::None;
    const bool inherit = !wanted.specified();
    ColorDescription out;
    if (tm) {
        out.primaries = ColorPrimaries::BT709;
        out.transfer = TransferCharacteristics::BT709;
    } else {
        out.primaries = wanted.primaries != ColorPrimaries::Unspecified ? wanted.primaries : in.color.primaries;
        out.transfer =
            wanted.transfer != TransferCharacteristics::Unspecified ? wanted.transfer : in.color.transfer;
    }
    if (is_yuv(out_format)) {
        if (wanted.matrix != MatrixCoefficients::Unspecified && wanted.matrix != MatrixCoefficients::RGB)
            out.matrix = wanted.matrix;
        else if (!tm && is_yuv(in.format()))
            out.matrix = src.matrix;
        else
            out.matrix = MatrixCoefficients::BT709;
        out.range = inherit ? (is_yuv(in.format()) && !tm ? src.range : ColorRange::Limited) : wanted.range;
    } else {
        out.matrix = MatrixCoefficients::RGB;
        out.range = ColorRange::Full;
    }
    return out;
}

void FrameConverter::convert(const Frame& in, Frame& out, void* stream) {
    Impl& m = *impl_;
    validate_frame(in, "input");
    validate_frame(out, "output");
    if (in.memory() != out.memory())
        throw Error(ErrorCode::InvalidArgument,
                    "the input frame is in " + memory_text(in.memory()) + " memory and the output frame in " +
                        memory_text(out.memory()) +
                        " memory; FrameConverter does not move frames between host and device (copy explicitly)");
    if (in.memory() == MemoryType::Cuda && !gpu_available())
        throw Error(ErrorCode::Unavailable, "the input frame is in CUDA device memory but " + describe_gpu());

    const ToneMapOptions& tm = m.options.tonemap;
    const bool tonemap = tm.curve != ToneCurve::None;
    const ColorDescription src_color = gpu::resolve_input_color(in.format(), in.color);
    const ColorDescription dst_color = resolve_output_color(in, out.format(), out.color, tm);
    if (tonemap && !hdr_transfer(in.color.transfer))
        throw Error(ErrorCode::Unsupported,
                    "tone mapping needs an HDR input (transfer PQ or HLG); the input frame's transfer is " +
                        (in.color.transfer == TransferCharacteristics::Unspecified
                             ? std::string("unspecified")
                             : "H.273 code " + std::to_string(static_cast<int>(in.color.transfer))) +
                        " — label the input as PQ or HLG, or do not ask for tone mapping");
    if (!tonemap) {
        const bool p_diff = in.color.primaries != ColorPrimaries::Unspecified &&
                            dst_color.primaries != ColorPrimaries::Unspecified &&
                            in.color.primaries != dst_color.primaries;
        const bool t_diff = in.color.transfer != TransferCharacteristics::Unspecified &&
                            dst_color.transfer != TransferCharacteristics::Unspecified &&
                            in.color.transfer != dst_color.transfer;
        if (p_diff || t_diff)
            throw Error(ErrorCode::Unsupported,
                        "changing colour primaries or transfer function needs tone mapping (pick a tone curve); "
                        "plain conversion changes only the matrix, range, format and size");
    }
    const bool same_colour = in.format() == out.format() && !tonemap &&
                             (!is_yuv(in.format()) ||
                              (src_color.matrix == dst_color.matrix && src_color.range == dst_color.range));
    const bool same_size = in.width() == out.width() && in.height() == out.height();
    const bool in_packed = !is_yuv(in.format()), out_packed = !is_yuv(out.format());
    if (!same_size && in_packed && out_packed)
        throw Error(ErrorCode::Unsupported, "scaling packed RGB to packed RGB (" + std::string(to_string(in.format())) +
                                                " -> " + std::string(to_string(out.format())) +
                                                ") is not supported; convert to a YUV format to scale");

    out.pts = in.pts;
    out.color = dst_color;
    m.last = in.memory() == MemoryType::Cuda ? ConvertPath::Gpu : ConvertPath::Cpu;
    if (same_size) {
        if (same_colour) {
            m.run_copy(in, out, stream);
        } else {
            m.run_convert(in, out,
                          gpu::make_convert_params(in.format(), src_color, out.format(), dst_color, tm), stream);
        }
        return;
    }
    if (same_colour) {
        m.run_scale(in, out, stream);
        return;
    }
    const gpu::ConvertParams params =
        gpu::make_convert_params(in.format(), src_color, out.format(), dst_color, tm);
    if (out_packed) {  // scale in the (YUV) input format, then convert
        Frame tmp = m.pool(in.memory()).frame(in.format(), out.width(), out.height());
        m.run_scale(in, tmp, stream);
        m.run_convert(tmp, out, params, stream);
        return;
    }
    // convert at the input size into the output format, then scale
    if (format_info(out.format()).chroma_shift_x && (in.width() % 2 || in.height() % 2))
        throw Error(ErrorCode::InvalidArgument, "converting a " + size_text(in.width(), in.height()) + " " +
                                                    std::string(to_string(in.format())) +
                                                    " frame to 4:2:0 before scaling needs an even input size");
    // Device frames, when asked: one fused kernel where plan_tone_scale accepts the pair and sizes.
    if (in.memory() == MemoryType::Cuda && params.tonemap && m.options.fuse_tone_map_and_scale) {
        if (const auto tiling = m.tone_scale_tiling(in, out)) {
            m.run_tone_scale(in, out, params, *tiling, stream);
            return;
        }
    }
    Frame tmp = m.pool(in.memory()).frame(out.format(), in.width(), in.height());
    m.run_convert(in, tmp, params, stream);
    m.run_scale(tmp, out, stream);
}

Frame FrameConverter::convert(const Frame& in, const ConvertTarget& target, void* stream) {
    validate_frame(in, "input");
    const int w = target.width > 0 ? target.width : in.width();
    const int h = target.height > 0 ? target.height : in.height();
    if (target.width < 0 || target.height < 0)
        throw Error(ErrorCode::InvalidArgument, "target size " + size_text(target.width, target.height) +
                                                    " must be positive (or 0 to keep the input size)");
    const FormatInfo& info = format_info(target.format);
    if ((info.chroma_shift_x && w % 2) || (info.chroma_shift_y && h % 2))
        throw Error(ErrorCode::InvalidArgument, "target size " + size_text(w, h) + " is odd but " +
                                                    std::string(info.name) + " (4:2:0) needs an even width and height");
    if (in.memory() == MemoryType::Cuda && !gpu_available())
        throw Error(ErrorCode::Unavailable, "the input frame is in CUDA device memory but " + describe_gpu());
#if NVCAST_HAVE_GPU_KERNELS
    if (in.memory() == MemoryType::Host && impl_->options.gpu_for_host_frames && gpu_available()) {
        // host -> device -> kernels -> host, all on `stream`, then wait
        const cudaStream_t s = static_cast<cudaStream_t>(stream);
        Frame dev_in = impl_->pool(MemoryType::Cuda).frame(in.format(), in.width(), in.height());
        dev_in.color = in.color;
        dev_in.pts = in.pts;
        gpu::copy_frame(in, dev_in, stream);
        Frame dev_out = impl_->pool(MemoryType::Cuda).frame(target.format, w, h);
        dev_out.color = target.color;
        convert(dev_in, dev_out, stream);
        Frame out = impl_->pool(MemoryType::Host).frame(target.format, w, h);
        gpu::copy_frame(dev_out, out, stream);
        gpu::cuda_check(cudaStreamSynchronize(s), "waiting for frame conversion");
        out.color = dev_out.color;
        out.pts = in.pts;
        return out;
    }
#endif
    Frame out = impl_->pool(in.memory()).frame(target.format, w, h);
    out.color = target.color;
    convert(in, out, stream);
    return out;
}

}  // namespace nvcast

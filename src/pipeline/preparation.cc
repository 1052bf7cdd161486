#include "nvcast/preparation.h"

#include "nvcast/error.h"

namespace nvcast {

Preparation::Preparation(const PrepareSpec& spec, const SourceInfo& in) : input_(in), output_(in) {
    if (spec.input_transfer != TransferCharacteristics::Unspecified) {
        if (spec.input_transfer != TransferCharacteristics::PQ && spec.input_transfer != TransferCharacteristics::HLG)
            throw Error(ErrorCode::InvalidArgument, "input transfer must be pq or hlg to label an HDR input");
        input_.color.primaries = ColorPrimaries::BT2020;
        input_.color.transfer = spec.input_transfer;
        input_.color.matrix =
            format_info(in.format).packed_rgb ? MatrixCoefficients::RGB : MatrixCoefficients::BT2020_NCL;
    }
    ConvertOptions o;
    o.filter = spec.filter;
    o.gpu_for_host_frames = spec.gpu_for_host_frames;
    o.tonemap = spec.tonemap;
    curve_ = spec.tonemap.curve;
    const bool tonemap = curve_ != ToneCurve::None;
    const FormatInfo& f = format_info(in.format);
    // Encoders take planar YUV: packed RGB becomes I420 (10-bit RGB: I420_10); tone mapping gives 8-bit I420.
    PixelFormat format = in.format;
    if (f.packed_rgb) format = f.bit_depth > 8 ? PixelFormat::I420_10 : PixelFormat::I420;
    if (tonemap) format = f.chroma_shift_x == 0 && !f.packed_rgb ? PixelFormat::I444 : PixelFormat::I420;
    const int w = spec.width > 0 ? spec.width : in.width;
    const int h = spec.height > 0 ? spec.height : in.height;
    if (format == in.format && w == in.width && h == in.height && !tonemap) return;
    active_ = true;
    converter_ = std::make_unique<FrameConverter>(o);
    target_ = ConvertTarget{format, w, h, {}};
    Frame probe = Frame::allocate(in.format, 16, 16);
    probe.color = input_.color;
    output_.format = format;
    output_.width = w;
    output_.height = h;
    output_.color = FrameConverter::resolve_output_color(probe, format, {}, o.tonemap);
}

Preparation::~Preparation() = default;
Preparation::Preparation(Preparation&&) noexcept = default;
Preparation& Preparation::operator=(Preparation&&) noexcept = default;

Frame Preparation::run(const Frame& in, void* cuda_stream) {
    if (!active_) return in;
    Frame f = in;  // shares the pixels; only the colour label may change
    const ColorDescription& c = input_.color;
    if (f.color.primaries == ColorPrimaries::Unspecified) f.color.primaries = c.primaries;
    if (f.color.transfer == TransferCharacteristics::Unspecified) f.color.transfer = c.transfer;
    if (f.color.matrix == MatrixCoefficients::Unspecified) f.color.matrix = c.matrix;
    Frame out = converter_->convert(f, target_, cuda_stream);
    out.pts = in.pts;
    return out;
}

std::string Preparation::describe() const {
    if (!active_) return {};
    const ConvertPath path = converter_->last_path();
    return std::string(to_string(input_.format)) + " " + std::to_string(input_.width) + "x" +
           std::to_string(input_.height) + " -> " + std::string(to_string(output_.format)) + " " +
           std::to_string(output_.width) + "x" + std::to_string(output_.height) +
           (curve_ == ToneCurve::None ? "" : ", tone map " + std::string(to_string(curve_))) + " ran on the " +
           std::string(to_string(path)) + (path == ConvertPath::Gpu ? "" : " (" + FrameConverter::describe_gpu() + ")");
}

ConvertPath Preparation::last_path() const noexcept { return converter_ ? converter_->last_path() : ConvertPath::None; }

size_t Preparation::pool_allocations() const noexcept { return converter_ ? converter_->pool_allocations() : 0; }

}  // namespace nvcast

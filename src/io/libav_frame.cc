#include "io/libav_frame.h"

extern "C" {
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

#include <cstring>

#include "nvcast/error.h"

namespace nvcast {

std::optional<PixelFormat> same_layout_format(AVPixelFormat format) noexcept {
    switch (format) {
        case AV_PIX_FMT_YUV420P:
        case AV_PIX_FMT_YUVJ420P: return PixelFormat::I420;
        case AV_PIX_FMT_YUV444P:
        case AV_PIX_FMT_YUVJ444P: return PixelFormat::I444;
        case AV_PIX_FMT_YUV420P10LE: return PixelFormat::I420_10;
        case AV_PIX_FMT_YUV444P10LE: return PixelFormat::I444_10;
        case AV_PIX_FMT_NV12: return PixelFormat::NV12;
        case AV_PIX_FMT_P010LE: return PixelFormat::P010;
        case AV_PIX_FMT_BGRA:
        case AV_PIX_FMT_BGR0: return PixelFormat::BGRA;
        case AV_PIX_FMT_RGBA:
        case AV_PIX_FMT_RGB0: return PixelFormat::RGBA;
        case AV_PIX_FMT_RGB24: return PixelFormat::RGB24;
        case AV_PIX_FMT_X2RGB10LE: return PixelFormat::X2RGB10;
        default: return std::nullopt;
    }
}

PixelFormat nvcast_format_for(AVPixelFormat format) noexcept {
    if (auto same = same_layout_format(format)) return *same;
    const AVPixFmtDescriptor* d = av_pix_fmt_desc_get(format);
    const bool deep = d && d->comp[0].depth > 8;
    const bool full_chroma = d && !(d->flags & AV_PIX_FMT_FLAG_RGB) && d->log2_chroma_w == 0 && d->log2_chroma_h == 0 &&
                             d->nb_components >= 3;
    if (full_chroma) return deep ? PixelFormat::I444_10 : PixelFormat::I444;
    return deep ? PixelFormat::I420_10 : PixelFormat::I420;
}

namespace {

template <typename Enum>
Enum known_or(int value, std::initializer_list<Enum> known, Enum fallback) {
    for (Enum e : known)
        if (static_cast<int>(e) == value) return e;
    return fallback;
}

AVPixelFormat av_format_of(PixelFormat format) {
    switch (format) {
        case PixelFormat::I420: return AV_PIX_FMT_YUV420P;
        case PixelFormat::I444: return AV_PIX_FMT_YUV444P;
        case PixelFormat::I420_10: return AV_PIX_FMT_YUV420P10LE;
        case PixelFormat::I444_10: return AV_PIX_FMT_YUV444P10LE;
        case PixelFormat::NV12: return AV_PIX_FMT_NV12;
        case PixelFormat::P010: return AV_PIX_FMT_P010LE;
        case PixelFormat::BGRA: return AV_PIX_FMT_BGRA;
        case PixelFormat::RGBA: return AV_PIX_FMT_RGBA;
        case PixelFormat::RGB24: return AV_PIX_FMT_RGB24;
        case PixelFormat::X2RGB10: return AV_PIX_FMT_X2RGB10LE;
    }
    return AV_PIX_FMT_NONE;
}

}  // namespace

ColorDescription color_of(AVColorPrimaries primaries, AVColorTransferCharacteristic transfer, AVColorSpace matrix,
                          AVColorRange range, AVPixelFormat format) noexcept {
    using P = ColorPrimaries;
    using T = TransferCharacteristics;
    using M = MatrixCoefficients;
    ColorDescription c;
    c.primaries = known_or(primaries, {P::BT709, P::BT470BG, P::SMPTE170M, P::BT2020}, P::Unspecified);
    c.transfer = known_or(transfer, {T::BT709, T::SMPTE170M, T::SRGB, T::BT2020_10, T::PQ, T::HLG}, T::Unspecified);
    c.matrix = known_or(matrix, {M::RGB, M::BT709, M::BT470BG, M::SMPTE170M, M::BT2020_NCL}, M::Unspecified);
    // The "J" formats are full range whatever the tag says; RGB is full range by nature.
    const bool jpeg = format == AV_PIX_FMT_YUVJ420P || format == AV_PIX_FMT_YUVJ422P || format == AV_PIX_FMT_YUVJ444P;
    c.range = range == AVCOL_RANGE_JPEG || jpeg ? ColorRange::Full : ColorRange::Limited;
    return c;
}

std::string pixel_format_name(int format) {
    const char* name = av_get_pix_fmt_name(static_cast<AVPixelFormat>(format));
    return name ? name : "unknown";
}

FrameCopier::~FrameCopier() { sws_freeContext(sws_); }

void FrameCopier::copy(const AVFrame& in, PixelFormat target, Frame& out) {
    if (out.empty() || out.memory() != MemoryType::Host || out.format() != target || out.width() != in.width ||
        out.height() != in.height)
        out = Frame::allocate(target, in.width, in.height);
    const auto source = static_cast<AVPixelFormat>(in.format);
    if (same_layout_format(source) == target) {
        for (int p = 0; p < out.plane_count(); ++p) {
            const size_t row = plane_row_bytes(target, out.width(), p);
            for (int y = 0; y < plane_rows(target, out.height(), p); ++y)
                std::memcpy(out.data(p) + static_cast<size_t>(y) * out.pitch(p),
                            in.data[p] + static_cast<ptrdiff_t>(y) * in.linesize[p], row);
        }
        return;
    }
    // A layout nvcast has no name for (a webcam's YUYV, 4:2:2, grey): convert, keeping the sample values.
    sws_ = sws_getCachedContext(sws_, in.width, in.height, source, in.width, in.height, av_format_of(target),
                                SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INP, nullptr, nullptr, nullptr);
    if (!sws_)
        throw Error(ErrorCode::Unsupported, "cannot convert decoded " + pixel_format_name(in.format) + " pictures to " +
                                                std::string(to_string(target)));
    // Same sample values, other layout: keep the range (swscale would otherwise squeeze full-range "J" formats).
    int *inv_table = nullptr, *table = nullptr, src_range = 0, dst_range = 0, brightness = 0, contrast = 0, saturation = 0;
    if (sws_getColorspaceDetails(sws_, &inv_table, &src_range, &table, &dst_range, &brightness, &contrast, &saturation) >= 0)
        sws_setColorspaceDetails(sws_, inv_table, src_range, table, src_range, brightness, contrast, saturation);
    uint8_t* dst[4] = {out.data(0), out.data(1), out.data(2), nullptr};
    int pitch[4] = {out.pitch(0), out.pitch(1), out.pitch(2), 0};
    sws_scale(sws_, in.data, in.linesize, 0, in.height, dst, pitch);
}

}  // namespace nvcast

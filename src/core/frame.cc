#include "nvcast/frame.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>

#include "core/text.h"
#include "nvcast/error.h"

namespace nvcast {
namespace {

// name, planes, depth, bytes/sample, chroma shift x/y, packed rgb, semi-planar
constexpr FormatInfo kNV12{"nv12", 2, 8, 1, 1, 1, false, true};
constexpr FormatInfo kI420{"i420", 3, 8, 1, 1, 1, false, false};
constexpr FormatInfo kI444{"i444", 3, 8, 1, 0, 0, false, false};
constexpr FormatInfo kP010{"p010", 2, 10, 2, 1, 1, false, true};
constexpr FormatInfo kI420_10{"i420p10", 3, 10, 2, 1, 1, false, false};
constexpr FormatInfo kI444_10{"i444p10", 3, 10, 2, 0, 0, false, false};
constexpr FormatInfo kBGRA{"bgra", 1, 8, 4, 0, 0, true, false};
constexpr FormatInfo kRGBA{"rgba", 1, 8, 4, 0, 0, true, false};
constexpr FormatInfo kRGB24{"rgb24", 1, 8, 3, 0, 0, true, false};
constexpr FormatInfo kX2RGB10{"x2rgb10", 1, 10, 4, 0, 0, true, false};

void check_frame_size(int width, int height) {
    if (width <= 0 || height <= 0)
        throw Error(ErrorCode::InvalidArgument,
                    "frame size " + std::to_string(width) + "x" + std::to_string(height) + " must be positive");
}

}  // namespace

const FormatInfo& format_info(PixelFormat format) noexcept {
    switch (format) {
        case PixelFormat::NV12: return kNV12;
        case PixelFormat::I420: return kI420;
        case PixelFormat::I444: return kI444;
        case PixelFormat::P010: return kP010;
        case PixelFormat::I420_10: return kI420_10;
        case PixelFormat::I444_10: return kI444_10;
        case PixelFormat::BGRA: return kBGRA;
        case PixelFormat::RGBA: return kRGBA;
        case PixelFormat::RGB24: return kRGB24;
        case PixelFormat::X2RGB10: return kX2RGB10;
    }
    return kI420;
}

std::string_view to_string(PixelFormat format) noexcept { return format_info(format).name; }

std::optional<std::pair<int, int>> parse_frame_size(std::string_view text) noexcept {
    const size_t x = text.find('x');
    if (x == std::string_view::npos) return std::nullopt;
    const auto w = parse_int<int>(text.substr(0, x));
    const auto h = parse_int<int>(text.substr(x + 1));
    if (!w || !h || *w <= 0 || *h <= 0 || *w > 65535 || *h > 65535) return std::nullopt;
    return std::make_pair(*w, *h);
}

PixelFormat parse_pixel_format(std::string_view name) {
    const std::string n = to_lower(name);
    struct Alias { const char* name; PixelFormat format; };
    static constexpr Alias kAliases[] = {
        {"nv12", PixelFormat::NV12},       {"i420", PixelFormat::I420},     {"yuv420p", PixelFormat::I420},
        {"i444", PixelFormat::I444},       {"yuv444p", PixelFormat::I444},  {"p010", PixelFormat::P010},
        {"p010le", PixelFormat::P010},     {"i420p10", PixelFormat::I420_10}, {"yuv420p10", PixelFormat::I420_10},
        {"yuv420p10le", PixelFormat::I420_10}, {"i444p10", PixelFormat::I444_10}, {"yuv444p10", PixelFormat::I444_10},
        {"yuv444p10le", PixelFormat::I444_10}, {"bgra", PixelFormat::BGRA}, {"rgba", PixelFormat::RGBA},
        {"rgb24", PixelFormat::RGB24},     {"x2rgb10", PixelFormat::X2RGB10}, {"x2rgb10le", PixelFormat::X2RGB10},
    };
    for (const auto& a : kAliases)
        if (n == a.name) return a.format;
    throw Error(ErrorCode::InvalidArgument,
                "unknown pixel format '" + std::string(name) +
                    "' (allowed: nv12, i420, i444, p010, i420p10, i444p10, bgra, rgba, rgb24, x2rgb10)");
}

size_t plane_row_bytes(PixelFormat format, int width, int plane) noexcept {
    const FormatInfo& f = format_info(format);
    if (f.packed_rgb) return static_cast<size_t>(width) * f.bytes_per_sample;
    if (plane == 0) return static_cast<size_t>(width) * f.bytes_per_sample;
    const size_t chroma_w = (static_cast<size_t>(width) + (1u << f.chroma_shift_x) - 1) >> f.chroma_shift_x;
    return chroma_w * f.bytes_per_sample * (f.semi_planar ? 2 : 1);
}

int plane_rows(PixelFormat format, int height, int plane) noexcept {
    const FormatInfo& f = format_info(format);
    if (plane == 0) return height;
    return (height + (1 << f.chroma_shift_y) - 1) >> f.chroma_shift_y;
}

size_t frame_size_bytes(PixelFormat format, int width, int height) noexcept {
    size_t total = 0;
    for (int p = 0; p < format_info(format).planes; ++p)
        total += plane_row_bytes(format, width, p) * static_cast<size_t>(plane_rows(format, height, p));
    return total;
}

int Frame::plane_count() const noexcept { return format_info(format_).planes; }

Frame Frame::allocate(PixelFormat format, int width, int height, int alignment) {
    check_frame_size(width, height);
    Frame frame;
    frame.width_ = width;
    frame.height_ = height;
    frame.format_ = format;
    const int planes = format_info(format).planes;
    std::array<size_t, kMaxPlanes> offsets{};
    size_t total = 0;
    for (int p = 0; p < planes; ++p) {
        const size_t row = plane_row_bytes(format, width, p);
        const size_t pitch = (row + alignment - 1) / alignment * alignment;
        frame.pitch_[p] = static_cast<int>(pitch);
        offsets[p] = total;
        total += pitch * plane_rows(format, height, p);
    }
    auto storage = std::shared_ptr<uint8_t[]>(new (std::align_val_t(64)) uint8_t[total](),
                                              [](uint8_t* ptr) { operator delete[](ptr, std::align_val_t(64)); });
    for (int p = 0; p < planes; ++p) frame.data_[p] = storage.get() + offsets[p];
    frame.storage_ = std::move(storage);
    return frame;
}

Frame Frame::wrap(PixelFormat format, int width, int height, MemoryType memory,
                  const std::array<uint8_t*, kMaxPlanes>& data, const std::array<int, kMaxPlanes>& pitch,
                  std::shared_ptr<void> keep_alive) {
    check_frame_size(width, height);
    Frame frame;
    frame.width_ = width;
    frame.height_ = height;
    frame.format_ = format;
    frame.memory_ = memory;
    for (int p = 0; p < format_info(format).planes; ++p) {
        if (data[p] == nullptr)
            throw Error(ErrorCode::InvalidArgument, "frame plane " + std::to_string(p) + " has no data pointer");
        if (pitch[p] < static_cast<int>(plane_row_bytes(format, width, p)))
            throw Error(ErrorCode::InvalidArgument, "frame plane " + std::to_string(p) + " pitch " +
                                                        std::to_string(pitch[p]) + " is smaller than its row (" +
                                                        std::to_string(plane_row_bytes(format, width, p)) + " bytes)");
        frame.data_[p] = data[p];
        frame.pitch_[p] = pitch[p];
    }
    frame.storage_ = std::move(keep_alive);
    return frame;
}

void copy_frame_pixels(const Frame& src, Frame& dst) {
    if (src.memory() != MemoryType::Host || dst.memory() != MemoryType::Host)
        throw Error(ErrorCode::InvalidArgument, "copy_frame_pixels works on host frames only");
    if (src.format() != dst.format() || src.width() != dst.width() || src.height() != dst.height())
        throw Error(ErrorCode::InvalidArgument, "copy_frame_pixels: frames differ in format or size");
    for (int p = 0; p < src.plane_count(); ++p) {
        const size_t row = plane_row_bytes(src.format(), src.width(), p);
        for (int y = 0; y < plane_rows(src.format(), src.height(), p); ++y)
            std::memcpy(dst.data(p) + static_cast<size_t>(y) * dst.pitch(p),
                        src.data(p) + static_cast<size_t>(y) * src.pitch(p), row);
    }
    dst.pts = src.pts;
    dst.color = src.color;
}

}  // namespace nvcast

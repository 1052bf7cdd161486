// Decoded libavcodec frames as nvcast frames: which nvcast format holds a decoded picture, its
// colour description, and the copy (or, for layouts nvcast has no name for, the swscale
// conversion) into a Frame. The one place that maps libav's pixel formats.
#pragma once

extern "C" {
#include <libavutil/frame.h>
#include <libavutil/pixfmt.h>
}

#include <optional>
#include <string>

#include "nvcast/frame.h"

struct SwsContext;

namespace nvcast {

// The nvcast format with the same layout, or nullopt (yuyv422, yuv422p, gray, …).
std::optional<PixelFormat> same_layout_format(AVPixelFormat format) noexcept;
// What a decoded picture of `format` becomes: its own layout where nvcast has it, else the nearest
// planar YUV (I420 / I444, 10-bit where the source has more than 8 bits).
PixelFormat nvcast_format_for(AVPixelFormat format) noexcept;
ColorDescription color_of(AVColorPrimaries primaries, AVColorTransferCharacteristic transfer, AVColorSpace matrix,
                          AVColorRange range, AVPixelFormat format) noexcept;
std::string pixel_format_name(int format);

// Copies (or converts) decoded pictures into host frames of one format.
class FrameCopier {
public:
    FrameCopier() = default;
    ~FrameCopier();
    FrameCopier(const FrameCopier&) = delete;
    FrameCopier& operator=(const FrameCopier&) = delete;

    // Into `out` (a host frame of `target` at the picture's size; reallocated when it is not).
    void copy(const AVFrame& in, PixelFormat target, Frame& out);

private:
    SwsContext* sws_ = nullptr;
};

}  // namespace nvcast

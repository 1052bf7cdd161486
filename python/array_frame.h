// Python arrays as nvcast frames, without copying: NumPy (buffer protocol) on the host, CUDA
// arrays (__cuda_array_interface__, as PyTorch and CuPy export) on the device.
#pragma once

#include <pybind11/pybind11.h>

#include <optional>
#include <string>

#include "nvcast/frame.h"

namespace nvcast::python {

// How a frame's pixels are laid out in its array: packed RGB(A)/BGRA as (H, W, C) uint8, or a
// 4:2:0 YUV layout as (H * 3 / 2, W) uint8 (I420: Y, U, V planes; NV12: Y, interleaved UV).
PixelFormat parse_input_format(const std::string& name);
std::string input_format_name(PixelFormat format);  // the name parse_input_format takes

struct ArrayFrame {
    Frame frame;             // wraps the array's memory (valid while `owner` lives)
    pybind11::object owner;  // the array (or its buffer view)
    // CUDA arrays: the stream whose work writes the pixels (__cuda_array_interface__ "stream":
    // 1 = the legacy default stream, 2 = per-thread default); 0 = none given, nothing to wait for.
    uintptr_t producer_stream = 0;
};

// A frame over `array`'s memory; throws ValueError naming what is wrong (dtype, shape, strides,
// size, layout).
ArrayFrame frame_from_array(const pybind11::handle& array, PixelFormat format, int width, int height);

// The size and format of an array's frame, for opening an encoder from a first frame; `format`
// nullopt = from the shape (3 channels RGB24, 4 RGBA).
struct ArrayShape {
    int width = 0, height = 0;
    PixelFormat format = PixelFormat::RGB24;
    bool cuda = false;
};
ArrayShape shape_of(const pybind11::handle& array, std::optional<PixelFormat> format);

}  // namespace nvcast::python

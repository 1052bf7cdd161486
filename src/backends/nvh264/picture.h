// nvh264: picture buffers. Planes are macroblock-aligned; reference pictures
// carry the half-sample planes (H.264 8.4.2.2.1) computed once per frame.
// The per-macroblock code reads and writes pictures through views (pointer +
// size + stride), so the same code runs on host buffers and on device buffers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "backends/nvh264/common.h"

namespace nvcast::nvh264 {

struct PlaneView {
    uint8_t* data = nullptr;
    int width = 0, height = 0, stride = 0;

    NVCAST_HD uint8_t* row(int y) const { return data + static_cast<ptrdiff_t>(y) * stride; }
    NVCAST_HD uint8_t at(int x, int y) const { return row(y)[x]; }
    // Sample with coordinates clamped into the plane (8.4.2.2: references outside the picture).
    NVCAST_HD uint8_t clamped(int x, int y) const { return row(clip3(0, height - 1, y))[clip3(0, width - 1, x)]; }
};

// A plane with a border of kPad samples on each side (for the half-sample planes,
// whose values beyond the border equal those at the border).
struct PaddedView {
    static constexpr int kPad = 8;
    uint8_t* data = nullptr;
    int width = 0, height = 0, stride = 0;

    NVCAST_HD uint8_t& at(int x, int y) const { return data[static_cast<ptrdiff_t>(y + kPad) * stride + x + kPad]; }
    NVCAST_HD uint8_t clamped(int x, int y) const {
        return at(clip3(-kPad, width + kPad - 1, x), clip3(-kPad, height + kPad - 1, y));
    }
    static int stride_for(int w) { return w + 2 * kPad; }
    static size_t bytes_for(int w, int h) { return static_cast<size_t>(stride_for(w)) * (h + 2 * kPad); }
};

struct PictureView {
    PlaneView y, u, v;
    NVCAST_HD const PlaneView& plane(int i) const { return i == 0 ? y : (i == 1 ? u : v); }
};

// Reference picture: reconstructed (deblocked) samples plus half-sample planes.
struct RefView {
    PictureView pic;
    PaddedView half_h;   // b: (x + 1/2, y)
    PaddedView half_v;   // h: (x, y + 1/2)
    PaddedView half_hv;  // j: (x + 1/2, y + 1/2)
};

// Owning host buffers behind the views (the CPU reference's memory).
struct Plane {
    int width = 0, height = 0;
    std::vector<uint8_t> data;
    void resize(int w, int h) {
        width = w;
        height = h;
        data.assign(static_cast<size_t>(w) * h, 0);
    }
    // Views carry mutable pointers; a const owner hands out views for reading.
    PlaneView view() const { return PlaneView{const_cast<uint8_t*>(data.data()), width, height, width}; }
};

struct Picture {
    Plane y, u, v;
    void resize(int w, int h) {
        y.resize(w, h);
        u.resize(w / 2, h / 2);
        v.resize(w / 2, h / 2);
    }
    PictureView view() const { return PictureView{y.view(), u.view(), v.view()}; }
};

struct PaddedPlane {
    int width = 0, height = 0;
    std::vector<uint8_t> data;
    void resize(int w, int h) {
        width = w;
        height = h;
        data.assign(PaddedView::bytes_for(w, h), 0);
    }
    PaddedView view() const {
        return PaddedView{const_cast<uint8_t*>(data.data()), width, height, PaddedView::stride_for(width)};
    }
};

struct RefPicture {
    Picture pic;
    PaddedPlane half_h, half_v, half_hv;
    void resize(int w, int h) {
        pic.resize(w, h);
        half_h.resize(w, h);
        half_v.resize(w, h);
        half_hv.resize(w, h);
    }
    RefView view() const { return RefView{pic.view(), half_h.view(), half_v.view(), half_hv.view()}; }
};

}  // namespace nvcast::nvh264

// nvh264: picture buffers. Planes are macroblock-aligned; reference pictures
// carry the half-sample planes (H.264 8.4.2.2.1) computed once per frame.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "backends/nvh264/common.h"

namespace nvcast::nvh264 {

struct Plane {
    int width = 0, height = 0, stride = 0;
    std::vector<uint8_t> data;

    void resize(int w, int h) {
        width = w;
        height = h;
        stride = w;
        data.assign(static_cast<size_t>(w) * h, 0);
    }
    uint8_t* row(int y) { return data.data() + static_cast<size_t>(y) * stride; }
    const uint8_t* row(int y) const { return data.data() + static_cast<size_t>(y) * stride; }
    uint8_t at(int x, int y) const { return row(y)[x]; }
    // Sample with coordinates clamped into the plane (8.4.2.2: references outside the picture).
    uint8_t clamped(int x, int y) const { return row(clip3(0, height - 1, y))[clip3(0, width - 1, x)]; }
};

struct Picture {
    Plane y, u, v;
    void resize(int w, int h) {
        y.resize(w, h);
        u.resize(w / 2, h / 2);
        v.resize(w / 2, h / 2);
    }
    Plane& plane(int i) { return i == 0 ? y : (i == 1 ? u : v); }
    const Plane& plane(int i) const { return i == 0 ? y : (i == 1 ? u : v); }
};

// A plane with a border of kPad samples on each side (for the half-sample planes,
// whose values beyond the border equal those at the border).
struct PaddedPlane {
    static constexpr int kPad = 8;
    int width = 0, height = 0, stride = 0;
    std::vector<uint8_t> data;
    void resize(int w, int h) {
        width = w;
        height = h;
        stride = w + 2 * kPad;
        data.assign(static_cast<size_t>(stride) * (h + 2 * kPad), 0);
    }
    uint8_t& at(int x, int y) { return data[static_cast<size_t>(y + kPad) * stride + x + kPad]; }
    uint8_t clamped(int x, int y) const {
        x = clip3(-kPad, width + kPad - 1, x);
        y = clip3(-kPad, height + kPad - 1, y);
        return data[static_cast<size_t>(y + kPad) * stride + x + kPad];
    }
};

// Reference picture: reconstructed (deblocked) samples plus half-sample planes.
struct RefPicture {
    Picture pic;
    PaddedPlane half_h;   // b: (x + 1/2, y)
    PaddedPlane half_v;   // h: (x, y + 1/2)
    PaddedPlane half_hv;  // j: (x + 1/2, y + 1/2)
};

}  // namespace nvcast::nvh264

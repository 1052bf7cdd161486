// Objective quality: PSNR between two host frames of the same format and size.
#pragma once

#include "nvcast/frame.h"

namespace nvcast {

struct Psnr {
    double y = 0, u = 0, v = 0;
    double average = 0;  // weighted by plane sample counts (6:1:1 for 4:2:0), like ffmpeg's psnr filter
    double mse_y = 0, mse_u = 0, mse_v = 0;
};

// PSNR is capped at 100 dB for identical planes. Throws Error if formats/sizes differ.
// Packed RGB formats are not supported.
Psnr compute_psnr(const Frame& reference, const Frame& distorted);

// Accumulates MSE over frames so the sequence PSNR matches ffmpeg's "average" figure.
class PsnrAccumulator {
public:
    void add(const Psnr& frame);
    Psnr mean() const;
    int frames() const noexcept { return frames_; }

private:
    Psnr sum_;  // sums of per-frame PSNR (ffmpeg's psnr filter averages per-frame dB values)
    int frames_ = 0;
};

// True when every sample of every plane is equal.
bool frames_equal(const Frame& a, const Frame& b);

}  // namespace nvcast

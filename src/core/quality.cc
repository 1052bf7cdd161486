#include "nvcast/quality.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "nvcast/error.h"

namespace nvcast {
namespace {

constexpr double kMaxPsnr = 100.0;

double psnr_from_mse(double mse, double peak) {
    if (mse <= 0) return kMaxPsnr;
    return std::min(kMaxPsnr, 10.0 * std::log10(peak * peak / mse));
}

// Sample (not byte) access so 8- and 16-bit formats share one loop.
double plane_squared_error(const Frame& a, const Frame& b, int plane, int samples_per_row, int rows, bool wide) {
    double sum = 0;
    for (int y = 0; y < rows; ++y) {
        const uint8_t* ra = a.data(plane) + static_cast<size_t>(y) * a.pitch(plane);
        const uint8_t* rb = b.data(plane) + static_cast<size_t>(y) * b.pitch(plane);
        int64_t row_sum = 0;
        for (int x = 0; x < samples_per_row; ++x) {
            int d;
            if (wide) {
                d = static_cast<int>(reinterpret_cast<const uint16_t*>(ra)[x]) -
                    static_cast<int>(reinterpret_cast<const uint16_t*>(rb)[x]);
            } else {
                d = static_cast<int>(ra[x]) - static_cast<int>(rb[x]);
            }
            row_sum += static_cast<int64_t>(d) * d;
        }
        sum += static_cast<double>(row_sum);
    }
    return sum;
}

void check_comparable(const Frame& a, const Frame& b) {
    if (a.format() != b.format() || a.width() != b.width() || a.height() != b.height())
        throw Error(ErrorCode::InvalidArgument,
                    "cannot compare frames: " + std::string(to_string(a.format())) + " " + std::to_string(a.width()) +
                        "x" + std::to_string(a.height()) + " vs " + std::string(to_string(b.format())) + " " +
                        std::to_string(b.width()) + "x" + std::to_string(b.height()));
    if (a.memory() != MemoryType::Host || b.memory() != MemoryType::Host)
        throw Error(ErrorCode::InvalidArgument, "frame comparison needs host frames");
    if (format_info(a.format()).packed_rgb)
        throw Error(ErrorCode::Unsupported, "frame comparison supports YUV formats only");
}

}  // namespace

Psnr compute_psnr(const Frame& a, const Frame& b) {
    check_comparable(a, b);
    const FormatInfo& f = format_info(a.format());
    const bool wide = f.bytes_per_sample == 2;
    const double peak = (1 << f.bit_depth) - 1;
    // P010 keeps 10 bits in the top of 16: compare on its own scale.
    const double effective_peak = a.format() == PixelFormat::P010 ? 65535.0 : peak;
    const int cw = (a.width() + (1 << f.chroma_shift_x) - 1) >> f.chroma_shift_x;
    const int ch = plane_rows(a.format(), a.height(), 1);
    const double luma_n = static_cast<double>(a.width()) * a.height();
    const double chroma_n = static_cast<double>(cw) * ch;

    Psnr r;
    r.mse_y = plane_squared_error(a, b, 0, a.width(), a.height(), wide) / luma_n;
    if (f.semi_planar) {
        // Interleaved UV: one pass gives U+V together; split evenly is not exact, so do it by parity.
        double su = 0, sv = 0;
        for (int y = 0; y < ch; ++y) {
            for (int x = 0; x < cw; ++x) {
                for (int c = 0; c < 2; ++c) {
                    int d;
                    if (wide) {
                        auto ra = reinterpret_cast<const uint16_t*>(a.data(1) + static_cast<size_t>(y) * a.pitch(1));
                        auto rb = reinterpret_cast<const uint16_t*>(b.data(1) + static_cast<size_t>(y) * b.pitch(1));
                        d = static_cast<int>(ra[2 * x + c]) - static_cast<int>(rb[2 * x + c]);
                    } else {
                        const uint8_t* ra = a.data(1) + static_cast<size_t>(y) * a.pitch(1);
                        const uint8_t* rb = b.data(1) + static_cast<size_t>(y) * b.pitch(1);
                        d = static_cast<int>(ra[2 * x + c]) - static_cast<int>(rb[2 * x + c]);
                    }
                    (c == 0 ? su : sv) += static_cast<double>(d) * d;
                }
            }
        }
        r.mse_u = su / chroma_n;
        r.mse_v = sv / chroma_n;
    } else {
        r.mse_u = plane_squared_error(a, b, 1, cw, ch, wide) / chroma_n;
        r.mse_v = plane_squared_error(a, b, 2, cw, ch, wide) / chroma_n;
    }
    r.y = psnr_from_mse(r.mse_y, effective_peak);
    r.u = psnr_from_mse(r.mse_u, effective_peak);
    r.v = psnr_from_mse(r.mse_v, effective_peak);
    const double mse_all = (r.mse_y * luma_n + (r.mse_u + r.mse_v) * chroma_n) / (luma_n + 2 * chroma_n);
    r.average = psnr_from_mse(mse_all, effective_peak);
    return r;
}

void PsnrAccumulator::add(const Psnr& p) {
    sum_.y += p.y;
    sum_.u += p.u;
    sum_.v += p.v;
    sum_.average += p.average;
    sum_.mse_y += p.mse_y;
    sum_.mse_u += p.mse_u;
    sum_.mse_v += p.mse_v;
    ++frames_;
}

Psnr PsnrAccumulator::mean() const {
    if (frames_ == 0) return {};
    const double n = frames_;
    return {sum_.y / n, sum_.u / n, sum_.v / n, sum_.average / n, sum_.mse_y / n, sum_.mse_u / n, sum_.mse_v / n};
}

bool frames_equal(const Frame& a, const Frame& b) {
    check_comparable(a, b);
    for (int p = 0; p < a.plane_count(); ++p) {
        const size_t row = plane_row_bytes(a.format(), a.width(), p);
        for (int y = 0; y < plane_rows(a.format(), a.height(), p); ++y)
            if (!std::equal(a.data(p) + static_cast<size_t>(y) * a.pitch(p),
                            a.data(p) + static_cast<size_t>(y) * a.pitch(p) + row,
                            b.data(p) + static_cast<size_t>(y) * b.pitch(p)))
                return false;
    }
    return true;
}

}  // namespace nvcast

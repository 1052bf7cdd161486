#include "gpu/reference.h"

#include <algorithm>
#include <vector>

#include "core/parallel_rows.h"

namespace nvcast::gpu {

void convert_reference(const PlaneSet& src, const PlaneSet& dst, const ConvertParams& params, int threads) {
    const int tiles_x = (dst.width + kTileW - 1) / kTileW;
    const int tiles_y = (dst.height + kTileH - 1) / kTileH;
    parallel_rows(tiles_y, threads, 8, [&](int begin, int end) {
        for (int ty = begin; ty < end; ++ty)
            for (int tx = 0; tx < tiles_x; ++tx) convert_tile(src, dst, params, tx, ty);
    });
}

void scale_reference(const ScalePlane* planes, int count, int threads) {
    for (int k = 0; k < count; ++k) {
        const ScalePlane& p = planes[k];
        parallel_rows(p.dst_h, threads, 8, [&](int begin, int end) {
            for (int y = begin; y < end; ++y)
                for (int x = 0; x < p.dst_w; ++x)
                    for (int c = 0; c < p.comps; ++c) scale_write(p, x, y, c, scale_sample(p, x, y, c));
        });
    }
}

}  // namespace nvcast::gpu

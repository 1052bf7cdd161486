#include "io/file_reader.h"

#include "nvcast/frame.h"

namespace nvcast {

size_t read_planes(FileReader& reader, Frame& frame) {
    size_t total = 0;
    for (int p = 0; p < frame.plane_count(); ++p) {
        const size_t row = plane_row_bytes(frame.format(), frame.width(), p);
        for (int y = 0; y < plane_rows(frame.format(), frame.height(), p); ++y) {
            const size_t got = reader.read(frame.data(p) + static_cast<size_t>(y) * frame.pitch(p), row);
            total += got;
            if (got < row) return total;
        }
    }
    return total;
}

}  // namespace nvcast

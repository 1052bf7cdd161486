#include "backends/nvh264/bit_writer.h"

namespace nvcast::nvh264 {

void write_nal(std::vector<uint8_t>& out, int nal_ref_idc, int nal_type, const std::vector<uint8_t>& rbsp) {
    out.insert(out.end(), {0, 0, 0, 1});
    out.push_back(static_cast<uint8_t>((nal_ref_idc << 5) | nal_type));
    int zeros = 0;
    for (uint8_t b : rbsp) {
        if (zeros >= 2 && b <= 3) {  // emulation prevention
            out.push_back(3);
            zeros = 0;
        }
        out.push_back(b);
        zeros = b == 0 ? zeros + 1 : 0;
    }
}

}  // namespace nvcast::nvh264

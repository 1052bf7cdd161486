// nvh264 in a build without the CUDA toolkit: the CPU reference is the only engine.
#include "backends/nvh264/engine.h"

namespace nvcast::nvh264 {

bool cuda_engine_usable(std::string& why_not, std::string*) {
    why_not = "nvcast was built without the CUDA toolkit";
    return false;
}

std::unique_ptr<PictureEngine> make_cuda_engine(const EncoderConfig&, int, int, bool, std::string& why_not) {
    cuda_engine_usable(why_not);
    return nullptr;
}

}  // namespace nvcast::nvh264

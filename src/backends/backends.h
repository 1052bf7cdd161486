// Every backend's factory, defined in its own folder (internal).
#pragma once

#include "nvcast/backend.h"

namespace nvcast {

const Backend& nvenc_backend();   // backends/nvenc (NVENC API, loaded at run time)
const Backend& nvh264_backend();  // backends/nvh264 (nvcast's own H.264 encoder)
const Backend& x264_backend();    // backends/x264
const Backend& x265_backend();    // backends/x265
const Backend& svtav1_backend();  // backends/svtav1

}  // namespace nvcast

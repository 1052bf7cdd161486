// Which prediction structure nvcast's SVT-AV1 backend runs for a config. Header-only so the
// NVENC emulator (emu/), which wraps this backend, knows when SVT-AV1 holds exactly one frame.
#pragma once

#include "nvcast/config.h"

namespace nvcast {

// Low-latency tunings and CBR run SVT-AV1's low-delay structure (no reordering, one frame
// held); everything else runs random access (reordering within a mini-GOP).
inline bool svtav1_uses_low_delay(const EncoderConfig& c) {
    return c.tuning == Tuning::LowLatency || c.tuning == Tuning::UltraLowLatency || c.rc.mode == RateControlMode::CBR;
}

}  // namespace nvcast

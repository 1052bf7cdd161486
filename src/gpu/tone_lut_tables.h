// Builds the tone-mapping lookup tables of tone_lut.h for one set of conversion parameters (host).
#pragma once

#include <vector>

#include "gpu/convert_tile.h"

namespace nvcast::gpu {

struct HostToneLuts {
    std::vector<LutEntry> entries;  // all tables, one after the other
    ToneLuts layout;                // entries pointers are null here; view() places them
    size_t offset[4] = {0, 0, 0, 0};  // pq_eotf, hlg_ootf, curve, display: first entry of each

    // The tables with their entries at `base` (a host or device copy of `entries`).
    ToneLuts view(const LutEntry* base) const;
};

// Segments per octave, as log2 (exposed for tests).
constexpr int kPqLutBits = 7;
constexpr int kToneLutBits = 6;

// Tables for `p` (p.tonemap must be set): each breakpoint holds the exact function's value.
HostToneLuts build_tone_luts(const ConvertParams& p);

}  // namespace nvcast::gpu

#include "prepare_options.h"

#include "option_checks.h"

namespace nvcast::cli {

void add_prepare_options(CLI::App& cmd, PrepareSettings& p) {
    const char* g = "Frame preparation";
    cmd.add_option("--scale", p.scale, "Scale to WIDTHxHEIGHT before encoding")->group(g);
    cmd.add_option("--scale-filter", p.scale_filter, "Scaling filter: bilinear, bicubic (default), area")->group(g);
    cmd.add_option("--tonemap", p.tonemap,
                   "HDR -> SDR BT.709 tone curve: bt2390, hable, reinhard, clip (input must be PQ or HLG)")
        ->group(g);
    cmd.add_option("--hdr-peak", p.hdr_peak, "HDR source peak luminance in cd/m^2 for --tonemap (default 1000)")
        ->check(finite_in(1, 10000))
        ->group(g);
    cmd.add_option("--input-transfer", p.input_transfer, "Label the input as BT.2020 HDR with this transfer: pq or hlg")
        ->group(g);
}

}  // namespace nvcast::cli

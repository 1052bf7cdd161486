// The network outputs `stream` and `relay` share: --to rtp://… (SDP, SRTP, pacing, MTU, simulated
// loss) and --whep (WebRTC viewers), as options and as the pipeline's sink specs.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "nvcast/pipeline.h"
#include "nvcast/rtp.h"
#include "nvcast/settings.h"

namespace nvcast::cli {

struct NetworkOutputArgs {
    std::string to;
    std::string whep;  // [HOST]:PORT or whep://HOST:PORT
    std::string whep_token;
    size_t max_viewers = 16;
    std::string sdp;
    std::string srtp_key;
    bool srtp_generate = false;
    int mtu = static_cast<int>(rtp::kDefaultMaxPayload);
    int payload_type = 96;
    std::string pacing = "auto";
    double loss = 0;
    int64_t loss_seed = 1;
};

void add_network_output_options(CLI::App& cmd, NetworkOutputArgs& args);
// Checks the combination (a destination given, --sdp/--srtp only with --to) and returns the
// outputs: the RTP one first when there is one. Throws Error(InvalidArgument) naming the problem.
std::vector<OutputSettings> network_outputs(const NetworkOutputArgs& args);
// What OutputSettings cannot say (the WHEP endpoint's token and viewer limit), onto the sinks made
// from network_outputs().
void apply_network_options(const NetworkOutputArgs& args, std::vector<SinkSpec>& sinks);

}  // namespace nvcast::cli

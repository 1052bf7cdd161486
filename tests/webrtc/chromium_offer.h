// The offer Debian's Chromium 156 made with createOffer() for one recvonly video transceiver
// (data/chromium_offer.sdp), for the WebRTC tests.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace nvcast::webrtc {

inline std::string chromium_offer() {
    std::ifstream in(std::string(NVCAST_SOURCE_DIR) + "/tests/webrtc/data/chromium_offer.sdp");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace nvcast::webrtc

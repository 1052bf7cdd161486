// Internal: the per-codec RTP payload formats behind Payloader/Depayloader::create.
#pragma once

#include <memory>

#include "nvcast/rtp.h"

namespace nvcast::rtp::detail {

std::unique_ptr<Payloader> make_h264_payloader(const PayloaderConfig& config);
std::unique_ptr<Payloader> make_hevc_payloader(const PayloaderConfig& config);
std::unique_ptr<Payloader> make_av1_payloader(const PayloaderConfig& config);
std::unique_ptr<Depayloader> make_h264_depayloader(const DepayloaderConfig& config);
std::unique_ptr<Depayloader> make_hevc_depayloader(const DepayloaderConfig& config);
std::unique_ptr<Depayloader> make_av1_depayloader(const DepayloaderConfig& config);

}  // namespace nvcast::rtp::detail

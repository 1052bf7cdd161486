// Builds without OpenSSL, libsrtp2 or cpp-httplib: WebRTC output says what it needs.
#include "nvcast/error.h"
#include "nvcast/webrtc.h"

namespace nvcast::webrtc {

bool webrtc_supported() noexcept { return false; }

struct WhepSink::Impl {};

WhepSink::WhepSink(const WhepConfig&, const StreamInfo&) {
    throw Error(ErrorCode::Unsupported,
                "WebRTC output needs OpenSSL, libsrtp2 and cpp-httplib, which this build of nvcast lacks "
                "(Debian: libssl-dev libsrtp2-dev libcpp-httplib-dev)");
}
WhepSink::~WhepSink() = default;
void WhepSink::write(const Packet&) {}
void WhepSink::close() {}
uint16_t WhepSink::port() const noexcept { return 0; }
std::string WhepSink::url() const { return {}; }
std::vector<ViewerStats> WhepSink::viewers() const { return {}; }

}  // namespace nvcast::webrtc

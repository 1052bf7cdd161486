// Built without the NVDEC API headers (ffnvcodec): NVDEC is never available.
#include "decode/nvdec/nvdec_decoder.h"

#include "nvcast/error.h"

namespace nvcast::nvdec {
namespace {
const char* kWhy = "this build of nvcast has no NVDEC support (built without the ffnvcodec headers; install libffmpeg-nvenc-dev)";
}

struct Decoder::Impl {};

std::string unsupported_reason(const StreamFormat&, int) { return kWhy; }
Decoder::Decoder(const StreamFormat&, int) { throw Error(ErrorCode::Unavailable, kWhy); }
Decoder::~Decoder() = default;
void Decoder::send(std::span<const uint8_t>, int64_t) {}
void Decoder::send_end() {}
bool Decoder::receive(Frame&) { return false; }
std::string Decoder::device_name() const { return ""; }
int64_t Decoder::frames_decoded() const { return 0; }

}  // namespace nvcast::nvdec

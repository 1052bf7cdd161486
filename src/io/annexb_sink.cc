// Elementary streams written as they come: Annex-B (H.264/HEVC) or AV1 OBUs.
// Backends emit parameter sets / sequence headers in-band on keyframes.
#include "io/output_file.h"
#include "io/sinks.h"

namespace nvcast {
namespace {

class ElementaryStreamSink final : public PacketSink {
public:
    explicit ElementaryStreamSink(const std::string& path) : file_(path) {}
    ~ElementaryStreamSink() override {
        try { close(); } catch (...) {}
    }
    void write(const Packet& packet) override { file_.write(packet.data.data(), packet.size()); }
    void close() override { file_.close(); }

private:
    OutputFile file_;
};

}  // namespace

std::unique_ptr<PacketSink> open_annexb_sink(const std::string& path, const StreamInfo&) {
    return std::make_unique<ElementaryStreamSink>(path);
}

std::unique_ptr<PacketSink> open_obu_sink(const std::string& path, const StreamInfo&) {
    return std::make_unique<ElementaryStreamSink>(path);
}

}  // namespace nvcast

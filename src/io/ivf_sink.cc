// IVF: a 32-byte file header, then a 12-byte header (size, pts) per frame.
#include <array>
#include <cstring>

#include "io/output_file.h"
#include "io/sinks.h"

namespace nvcast {
namespace {

void put_le(uint8_t* p, uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

class IvfSink final : public PacketSink {
public:
    IvfSink(const std::string& path, const StreamInfo& info) : file_(path), info_(info) { write_header(); }
    ~IvfSink() override {
        try { close(); } catch (...) {}
    }

    void write(const Packet& packet) override {
        std::array<uint8_t, 12> h{};
        put_le(h.data(), packet.size(), 4);
        put_le(h.data() + 4, static_cast<uint64_t>(packet.pts), 8);
        file_.write(h.data(), h.size());
        file_.write(packet.data.data(), packet.size());
        ++frames_;
    }

    void close() override {
        if (!file_.is_open()) return;
        write_header();  // now with the frame count
        file_.close();
    }

private:
    void write_header() {
        std::array<uint8_t, 32> h{};
        std::memcpy(h.data(), "DKIF", 4);
        put_le(h.data() + 4, 0, 2);    // version
        put_le(h.data() + 6, 32, 2);   // header size
        std::memcpy(h.data() + 8, "AV01", 4);
        put_le(h.data() + 12, static_cast<uint64_t>(info_.width), 2);
        put_le(h.data() + 14, static_cast<uint64_t>(info_.height), 2);
        put_le(h.data() + 16, static_cast<uint64_t>(info_.fps_num), 4);  // time base denominator (rate)
        put_le(h.data() + 20, static_cast<uint64_t>(info_.fps_den), 4);  // time base numerator (scale)
        put_le(h.data() + 24, frames_, 4);
        file_.seek(0);  // at close this rewrites the header in place, after the last frame
        file_.write(h.data(), h.size());
    }

    OutputFile file_;
    StreamInfo info_;
    uint64_t frames_ = 0;
};

}  // namespace

std::unique_ptr<PacketSink> open_ivf_sink(const std::string& path, const StreamInfo& info) {
    return std::make_unique<IvfSink>(path, info);
}

}  // namespace nvcast

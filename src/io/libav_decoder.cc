// The independent judge of what nvcast encodes: libavcodec on the CPU, through the media input
// (one demux-and-decode path for inputs and checks), without audio.
#include "nvcast/decode.h"

#include "nvcast/source.h"

namespace nvcast {
namespace {

class LibavDecoder final : public VideoDecoder {
public:
    explicit LibavDecoder(const std::string& path) {
        InputOptions options;
        options.decoder = DecoderChoice::Cpu;
        options.audio = false;
        source_ = open_media(path, options);
    }
    bool read(Frame& out) override { return source_->read(out); }

private:
    std::unique_ptr<FrameSource> source_;
};

}  // namespace

std::unique_ptr<VideoDecoder> open_decoder(const std::string& path) { return std::make_unique<LibavDecoder>(path); }

std::vector<Frame> decode_all(const std::string& path) {
    auto decoder = open_decoder(path);
    std::vector<Frame> frames;
    Frame f;
    while (decoder->read(f)) {
        frames.push_back(std::move(f));
        f = Frame();
    }
    return frames;
}

}  // namespace nvcast

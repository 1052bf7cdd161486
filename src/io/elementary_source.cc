// Builds without libavformat (the GPU machine has no FFmpeg libraries): Annex-B .h264/.hevc and
// .ivf (VP9, AV1) files still decode on NVDEC, read by nvcast's own elementary-stream reader, so a
// whole transcode runs on the GPU there. Frames count at the given rate (--fps, default 30).
#include <memory>
#include <string>

#include "decode/elementary_reader.h"
#include "decode/nvdec/nvdec_decoder.h"
#include "nvcast/error.h"
#include "nvcast/source.h"

namespace nvcast {
namespace {

class ElementarySource final : public FrameSource {
public:
    ElementarySource(const std::string& path, const InputOptions& options)
        : path_(path), reader_(nvdec::ElementaryReader::open(path)) {
        const int gpu = options.gpu < 0 ? 0 : options.gpu;
        decoder_ = std::make_unique<nvdec::Decoder>(reader_->format(), gpu);
        if (!next(pending_)) throw Error(ErrorCode::InvalidData, "input '" + path + "': no video frame could be decoded");
        info_.width = pending_.width();
        info_.height = pending_.height();
        info_.format = pending_.format();
        info_.memory = MemoryType::Cuda;
        info_.provides_buffers = true;
        info_.fps_num = options.fps_num;
        info_.fps_den = options.fps_den;
        info_.decoder = std::string(nvdec::to_string(reader_->codec())) + " on NVDEC (" + decoder_->device_name() +
                        "), read by nvcast's elementary-stream reader (this build has no libavformat)";
    }

    const SourceInfo& info() const override { return info_; }

    bool read(Frame& frame) override {
        if (!pending_.empty()) {
            frame = std::move(pending_);
            pending_ = Frame();
            return true;
        }
        Frame decoded;  // from the decoder's pool
        if (!next(decoded)) return false;
        if (decoded.width() != info_.width || decoded.height() != info_.height)
            throw Error(ErrorCode::Unsupported, "input '" + path_ + "': the picture size changed mid-stream; a stream "
                                                                    "keeps one size (the frames before it were encoded)");
        frame = std::move(decoded);
        return true;
    }

private:
    bool next(Frame& out) {
        std::vector<uint8_t> packet;
        for (;;) {
            if (decoder_->receive(out)) return true;
            if (ended_) return false;
            int64_t pts = nvdec::kNoPts;
            if (reader_->next(packet, pts)) {
                decoder_->send(packet, pts);
            } else {
                ended_ = true;
                decoder_->send_end();
            }
        }
    }

    std::string path_;
    std::unique_ptr<nvdec::ElementaryReader> reader_;
    std::unique_ptr<nvdec::Decoder> decoder_;
    SourceInfo info_;
    Frame pending_;
    bool ended_ = false;
};

}  // namespace

std::unique_ptr<FrameSource> open_elementary_nvdec(const std::string& path, const InputOptions& options) {
    if (options.decoder == DecoderChoice::Cpu)
        throw Error(ErrorCode::Unsupported, "input '" + path + "': --decoder cpu needs libavcodec, which this build lacks");
    return std::make_unique<ElementarySource>(path, options);
}

}  // namespace nvcast

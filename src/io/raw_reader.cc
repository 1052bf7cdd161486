// Raw planar/packed video: the user gives size and format; the file size must fit.
#include <string>

#include "io/file_reader.h"
#include "io/frame_buffer.h"
#include "nvcast/source.h"

namespace nvcast {
namespace {

class RawReader final : public FrameSource {
public:
    RawReader(const std::string& path, const InputOptions& o) : reader_(path) {
        if (o.width <= 0 || o.height <= 0)
            throw Error(ErrorCode::InvalidArgument, "raw input '" + path +
                                                        "' needs its frame size (e.g. --size 1920x1080) and format "
                                                        "(--input-format i420); or use a .y4m file");
        const FormatInfo& f = format_info(o.format);
        if ((f.chroma_shift_x && o.width % 2) || (f.chroma_shift_y && o.height % 2))
            throw Error(ErrorCode::InvalidArgument, "raw input size " + std::to_string(o.width) + "x" +
                                                        std::to_string(o.height) + " is odd, but format " +
                                                        std::string(f.name) + " subsamples chroma 2:1");
        info_.width = o.width;
        info_.height = o.height;
        info_.fps_num = o.fps_num;
        info_.fps_den = o.fps_den;
        info_.format = o.format;
        frame_bytes_ = frame_size_bytes(o.format, o.width, o.height);
        const int64_t size = reader_.size();
        if (size == 0) throw Error(ErrorCode::InvalidData, "raw input '" + path + "' is empty");
        if (size % static_cast<int64_t>(frame_bytes_) != 0)
            throw Error(ErrorCode::InvalidData,
                        "raw input '" + path + "' is " + std::to_string(size) + " bytes, not a multiple of one " +
                            std::to_string(o.width) + "x" + std::to_string(o.height) + " " + std::string(f.name) +
                            " frame (" + std::to_string(frame_bytes_) + " bytes): wrong --size or --input-format?");
        info_.frame_count = size / static_cast<int64_t>(frame_bytes_);
    }

    const SourceInfo& info() const override { return info_; }

    bool read(Frame& frame) override {
        ensure_frame(frame, info_.format, info_.width, info_.height);
        const size_t got = read_planes(reader_, frame);
        if (got == 0) return false;
        if (got < frame_bytes_)
            throw Error(ErrorCode::InvalidData, "raw input '" + reader_.path() + "' ends inside frame " +
                                                    std::to_string(index_) + " (" + std::to_string(got) + " of " +
                                                    std::to_string(frame_bytes_) + " bytes)");
        frame.pts = index_++;
        frame.color = info_.color;
        return true;
    }

private:
    FileReader reader_;
    SourceInfo info_;
    size_t frame_bytes_ = 0;
    int64_t index_ = 0;
};

}  // namespace

std::unique_ptr<FrameSource> open_raw(const std::string& path, const InputOptions& options) {
    return std::make_unique<RawReader>(path, options);
}

}  // namespace nvcast

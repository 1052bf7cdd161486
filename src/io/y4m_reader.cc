// YUV4MPEG2 reader: the header tags W, H, F, I, A, C, X (XCOLORRANGE) and
// frames of 8/10-bit 4:2:0 and 4:4:4.
#include <string>
#include <vector>

#include "core/text.h"
#include "io/file_reader.h"
#include "io/frame_buffer.h"
#include "nvcast/log.h"
#include "nvcast/source.h"

namespace nvcast {
namespace {

constexpr size_t kMaxHeaderLine = 4096;

PixelFormat y4m_colorspace(const std::string& c, const std::string& path) {
    if (c == "420" || c == "420jpeg" || c == "420paldv" || c == "420mpeg2") return PixelFormat::I420;
    if (c == "444") return PixelFormat::I444;
    if (c == "420p10") return PixelFormat::I420_10;
    if (c == "444p10") return PixelFormat::I444_10;
    throw Error(ErrorCode::Unsupported, "Y4M '" + path + "': colour space C" + c +
                                            " is not supported (supported: 420, 420jpeg, 420paldv, 420mpeg2, 444, "
                                            "420p10, 444p10)");
}

class Y4mReader final : public FrameSource {
public:
    explicit Y4mReader(const std::string& path) : reader_(path) {
        const std::string header = read_line("header");
        if (!header.starts_with("YUV4MPEG2"))
            throw Error(ErrorCode::InvalidData, "'" + path + "' is not a Y4M file (no YUV4MPEG2 signature)");
        parse_header(header.substr(9));
        frame_bytes_ = frame_size_bytes(info_.format, info_.width, info_.height);
        const int64_t payload = reader_.size() - static_cast<int64_t>(header.size() + 1);
        // A corrupt header must not make us allocate a frame no file could hold.
        if (payload > 0 && static_cast<int64_t>(frame_bytes_) > payload)
            throw Error(ErrorCode::InvalidData, "Y4M '" + path + "': the header's frame size " +
                                                    std::to_string(info_.width) + "x" + std::to_string(info_.height) +
                                                    " needs " + std::to_string(frame_bytes_) +
                                                    " bytes per frame, more than the whole file holds (" +
                                                    std::to_string(payload) + " bytes): corrupt header or truncated file");
        info_.frame_count = payload / static_cast<int64_t>(frame_bytes_ + 6);  // "FRAME\n" per frame, no params
    }

    const SourceInfo& info() const override { return info_; }

    bool read(Frame& frame) override {
        int c = reader_.getc();
        if (c == EOF) return false;
        std::string line(1, static_cast<char>(c));
        line += read_line("frame header");
        if (!line.starts_with("FRAME"))
            throw Error(ErrorCode::InvalidData, "Y4M '" + reader_.path() + "': frame " + std::to_string(index_) +
                                                    " does not start with FRAME (file corrupt or header size wrong)");
        ensure_frame(frame, info_.format, info_.width, info_.height);
        const size_t got = read_planes(reader_, frame);
        if (got < frame_bytes_)
            throw Error(ErrorCode::InvalidData, "Y4M '" + reader_.path() + "' is truncated: frame " +
                                                    std::to_string(index_) + " has " + std::to_string(got) + " of " +
                                                    std::to_string(frame_bytes_) + " bytes");
        frame.pts = index_++;
        frame.color = info_.color;
        return true;
    }

private:
    std::string read_line(const char* what) {
        std::string line;
        for (;;) {
            const int c = reader_.getc();
            if (c == '\n') return line;
            if (c == EOF)
                throw Error(ErrorCode::InvalidData,
                            "Y4M '" + reader_.path() + "': " + what + " is cut off (no end of line)");
            line.push_back(static_cast<char>(c));
            if (line.size() > kMaxHeaderLine)
                throw Error(ErrorCode::InvalidData, "Y4M '" + reader_.path() + "': " + what + " is too long");
        }
    }

    [[noreturn]] void bad_tag(const std::string& tag) const {
        throw Error(ErrorCode::InvalidData, "Y4M '" + reader_.path() + "': bad header tag '" + tag + "'");
    }

    void parse_header(const std::string& tags) {
        const std::string& path = reader_.path();
        std::string colorspace = "420jpeg";
        size_t pos = 0;
        while (pos < tags.size()) {
            if (tags[pos] == ' ') { ++pos; continue; }
            const size_t end = std::min(tags.find(' ', pos), tags.size());
            const std::string tag = tags.substr(pos, end - pos);
            pos = end;
            const std::string value = tag.substr(1);
            switch (tag[0]) {
                case 'W': if (auto v = parse_int<int>(value); v && *v > 0) info_.width = *v; else bad_tag(tag); break;
                case 'H': if (auto v = parse_int<int>(value); v && *v > 0) info_.height = *v; else bad_tag(tag); break;
                case 'F': {
                    const size_t colon = value.find(':');
                    auto num = parse_int<int>(value.substr(0, colon));
                    auto den = colon == std::string::npos ? std::nullopt : parse_int<int>(value.substr(colon + 1));
                    if (!num || !den || *num <= 0 || *den <= 0) bad_tag(tag);
                    info_.fps_num = *num;
                    info_.fps_den = *den;
                    break;
                }
                case 'I':
                    if (value != "p" && value != "?")
                        throw Error(ErrorCode::Unsupported, "Y4M '" + path + "': interlaced content (I" + value +
                                                                ") is not supported; deinterlace first");
                    break;
                case 'C': colorspace = value; break;
                case 'X':
                    if (value == "COLORRANGE=FULL") info_.color.range = ColorRange::Full;
                    if (value == "COLORRANGE=LIMITED") info_.color.range = ColorRange::Limited;
                    break;
                case 'A': break;  // pixel aspect: not used by encoders here
                default: bad_tag(tag);
            }
        }
        if (info_.width <= 0 || info_.height <= 0)
            throw Error(ErrorCode::InvalidData, "Y4M '" + path + "': header has no W/H (frame size)");
        if (info_.width > 32768 || info_.height > 32768)
            throw Error(ErrorCode::InvalidData, "Y4M '" + path + "': frame size " + std::to_string(info_.width) + "x" +
                                                    std::to_string(info_.height) + " is beyond 32768 samples per side");
        info_.format = y4m_colorspace(colorspace, path);
        if (format_info(info_.format).chroma_shift_x && (info_.width % 2 || info_.height % 2))
            throw Error(ErrorCode::InvalidData, "Y4M '" + path + "': 4:2:0 needs even dimensions, got " +
                                                    std::to_string(info_.width) + "x" + std::to_string(info_.height));
    }

    FileReader reader_;
    SourceInfo info_;
    size_t frame_bytes_ = 0;
    int64_t index_ = 0;
};

}  // namespace

std::unique_ptr<FrameSource> open_y4m(const std::string& path) { return std::make_unique<Y4mReader>(path); }

}  // namespace nvcast

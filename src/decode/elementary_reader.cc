#include "decode/elementary_reader.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "nvcast/error.h"

namespace nvcast::nvdec {
namespace {

std::string lower_extension(const std::string& path) {
    std::string ext = std::filesystem::path(path).extension().string();
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return ext;
}

std::ifstream open_file(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw Error(ErrorCode::Io, "cannot read '" + path + "': no such file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(ErrorCode::Io, "cannot open '" + path + "' for reading");
    return in;
}

uint32_t le32(const uint8_t* p) { return p[0] | p[1] << 8 | p[2] << 16 | static_cast<uint32_t>(p[3]) << 24; }
uint16_t le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }

// NVDEC's parser takes an Annex-B byte stream in pieces of any size and finds the access
// units itself, so the file is passed on in fixed chunks without splitting it.
class AnnexBReader final : public ElementaryReader {
public:
    AnnexBReader(const std::string& path, InputCodec codec) : path_(path), codec_(codec), in_(open_file(path)) {
        uint8_t head[64] = {};
        in_.read(reinterpret_cast<char*>(head), sizeof head);
        const auto got = static_cast<size_t>(in_.gcount());
        if (got == 0) throw Error(ErrorCode::InvalidData, "'" + path + "' is empty");
        size_t zeros = 0;
        while (zeros < got && head[zeros] == 0) ++zeros;
        if (zeros < 2 || zeros == got || head[zeros] != 1)
            throw Error(ErrorCode::InvalidData, "'" + path + "' is not an Annex-B " + std::string(to_string(codec)) +
                                                    " stream (it does not start with a 00 00 01 start code)");
        in_.clear();
        in_.seekg(0);
    }
    InputCodec codec() const override { return codec_; }
    StreamFormat format() const override { return StreamFormat{codec_, 0, 0, 8}; }
    bool next(std::vector<uint8_t>& packet, int64_t& pts) override {
        packet.resize(kChunk);
        in_.read(reinterpret_cast<char*>(packet.data()), static_cast<std::streamsize>(kChunk));
        packet.resize(static_cast<size_t>(in_.gcount()));
        if (in_.bad()) throw Error(ErrorCode::Io, "reading '" + path_ + "' failed");
        pts = kNoPts;
        return !packet.empty();
    }

private:
    static constexpr size_t kChunk = 256 * 1024;
    std::string path_;
    InputCodec codec_;
    std::ifstream in_;
};

// IVF: a 32-byte file header ("DKIF", version, header size, fourcc, width, height, time
// base, frame count), then per frame a 12-byte header (size, 64-bit pts) and the frame.
class IvfReader final : public ElementaryReader {
public:
    explicit IvfReader(const std::string& path) : path_(path), in_(open_file(path)) {
        uint8_t h[32] = {};
        in_.read(reinterpret_cast<char*>(h), sizeof h);
        if (in_.gcount() != sizeof h || std::memcmp(h, "DKIF", 4) != 0)
            throw Error(ErrorCode::InvalidData, "'" + path + "' is not an IVF file (no 32-byte DKIF header)");
        const uint16_t header_size = le16(h + 6);
        if (header_size < 32 || header_size > 1024)
            throw Error(ErrorCode::InvalidData, "'" + path + "': IVF header size " + std::to_string(header_size) +
                                                    " is not valid (32 expected)");
        const std::string fourcc(reinterpret_cast<const char*>(h + 8), 4);
        if (fourcc == "VP90") codec_ = InputCodec::VP9;
        else if (fourcc == "AV01") codec_ = InputCodec::AV1;
        else
            throw Error(ErrorCode::Unsupported, "'" + path + "': IVF fourcc '" + printable(fourcc) +
                                                    "' is not VP9 (VP90) or AV1 (AV01)");
        width_ = le16(h + 12);
        height_ = le16(h + 14);
        in_.seekg(header_size);
        offset_ = header_size;
    }
    InputCodec codec() const override { return codec_; }
    StreamFormat format() const override { return StreamFormat{codec_, width_, height_, 8}; }
    bool next(std::vector<uint8_t>& packet, int64_t& pts) override {
        uint8_t h[12];
        in_.read(reinterpret_cast<char*>(h), sizeof h);
        const auto got = in_.gcount();
        if (got == 0) return false;
        if (got != sizeof h) fail("frame " + std::to_string(index_) + " has a truncated 12-byte frame header");
        const uint32_t size = le32(h);
        uint64_t raw_pts = 0;
        for (int i = 7; i >= 0; --i) raw_pts = raw_pts << 8 | h[4 + i];
        if (size == 0 || size > kMaxFrame)
            fail("frame " + std::to_string(index_) + " claims " + std::to_string(size) + " bytes");
        packet.resize(size);
        in_.read(reinterpret_cast<char*>(packet.data()), size);
        if (static_cast<uint32_t>(in_.gcount()) != size)
            fail("frame " + std::to_string(index_) + " claims " + std::to_string(size) + " bytes but only " +
                 std::to_string(in_.gcount()) + " remain (truncated file?)");
        pts = static_cast<int64_t>(raw_pts);
        offset_ += sizeof h + size;
        ++index_;
        return true;
    }

private:
    static constexpr uint32_t kMaxFrame = 64u << 20;  // far beyond any real frame; guards allocation
    static std::string printable(const std::string& s) {
        std::string out;
        for (char c : s) out += std::isprint(static_cast<unsigned char>(c)) ? c : '?';
        return out;
    }
    [[noreturn]] void fail(const std::string& what) const {
        throw Error(ErrorCode::InvalidData, "'" + path_ + "' (IVF, at byte " + std::to_string(offset_) + "): " + what);
    }
    std::string path_;
    std::ifstream in_;
    InputCodec codec_ = InputCodec::VP9;
    int width_ = 0, height_ = 0;
    uint64_t offset_ = 0;
    int64_t index_ = 0;
};

}  // namespace

std::unique_ptr<ElementaryReader> ElementaryReader::open(const std::string& path) {
    const std::string ext = lower_extension(path);
    if (ext == ".h264" || ext == ".264" || ext == ".avc")
        return std::make_unique<AnnexBReader>(path, InputCodec::H264);
    if (ext == ".h265" || ext == ".hevc" || ext == ".265")
        return std::make_unique<AnnexBReader>(path, InputCodec::HEVC);
    if (ext == ".ivf") return std::make_unique<IvfReader>(path);
    throw Error(ErrorCode::Unsupported, "'" + path + "': elementary streams are .h264/.264/.h265/.hevc (Annex-B) or "
                                                     ".ivf (VP9/AV1); '" + ext + "' is none of them");
}

}  // namespace nvcast::nvdec

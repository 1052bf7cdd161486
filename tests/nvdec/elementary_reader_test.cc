// ElementaryReader: Annex-B chunks and IVF frames; bad files are clear Errors.
#include <cstring>
#include <tuple>

#include "nvdec_test_util.h"
#include "support/test_support.h"

namespace nvcast::test {
namespace {

using nvdec::ElementaryReader;
using nvdec::InputCodec;

std::vector<uint8_t> ivf(const char* fourcc, const std::vector<std::vector<uint8_t>>& frames) {
    std::vector<uint8_t> out(32, 0);
    std::memcpy(out.data(), "DKIF", 4);
    out[6] = 32;
    std::memcpy(out.data() + 8, fourcc, 4);
    out[12] = 0x40, out[13] = 0x01;  // 320
    out[14] = 0xf0;                  // 240
    int64_t pts = 0;
    for (const auto& f : frames) {
        const uint32_t size = static_cast<uint32_t>(f.size());
        for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(size >> (8 * i)));
        for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(static_cast<uint64_t>(pts * 2) >> (8 * i)));
        out.insert(out.end(), f.begin(), f.end());
        ++pts;
    }
    return out;
}

std::pair<ErrorCode, std::string> open_error(const std::string& path) {
    try {
        auto reader = ElementaryReader::open(path);
        std::vector<uint8_t> packet;
        int64_t pts = 0;
        while (reader->next(packet, pts)) {
        }
    } catch (const Error& e) {
        return {e.code(), e.what()};
    }
    return {ErrorCode::InvalidState, ""};
}

TEST(ElementaryReader, IvfFramesWithPtsAndCodecFromFourcc) {
    TempDir dir;
    write_file(dir.file("a.ivf"), ivf("AV01", {{1, 2, 3}, {4, 5}}));
    auto reader = ElementaryReader::open(dir.file("a.ivf"));
    EXPECT_EQ(reader->codec(), InputCodec::AV1);
    EXPECT_EQ(reader->format().width, 320);
    EXPECT_EQ(reader->format().height, 240);
    std::vector<uint8_t> packet;
    int64_t pts = -1;
    ASSERT_TRUE(reader->next(packet, pts));
    EXPECT_EQ(packet, (std::vector<uint8_t>{1, 2, 3}));
    EXPECT_EQ(pts, 0);
    ASSERT_TRUE(reader->next(packet, pts));
    EXPECT_EQ(pts, 2);
    EXPECT_FALSE(reader->next(packet, pts));
}

TEST(ElementaryReader, AnnexBIsPassedOnInChunksWithoutTimestamps) {
    TempDir dir;
    std::vector<uint8_t> stream = {0, 0, 0, 1, 0x67, 1, 2, 3, 0, 0, 1, 0x68, 9};
    stream.resize(600 * 1024, 0x55);
    write_file(dir.file("a.264"), stream);
    auto reader = ElementaryReader::open(dir.file("a.264"));
    EXPECT_EQ(reader->codec(), InputCodec::H264);
    std::vector<uint8_t> packet, all;
    int64_t pts = 0;
    int chunks = 0;
    while (reader->next(packet, pts)) {
        EXPECT_EQ(pts, nvdec::kNoPts);
        all.insert(all.end(), packet.begin(), packet.end());
        ++chunks;
    }
    EXPECT_EQ(all, stream);
    EXPECT_GT(chunks, 1);
    write_file(dir.file("b.hevc"), stream);
    EXPECT_EQ(ElementaryReader::open(dir.file("b.hevc"))->codec(), InputCodec::HEVC);
}

TEST(ElementaryReader, BadFilesAreClearErrors) {
    TempDir dir;
    auto [code, message] = open_error(dir.file("missing.h264"));
    EXPECT_EQ(code, ErrorCode::Io);
    EXPECT_NE(message.find("no such file"), std::string::npos) << message;

    write_file(dir.file("empty.h264"), std::vector<uint8_t>{});
    std::tie(code, message) = open_error(dir.file("empty.h264"));
    EXPECT_EQ(code, ErrorCode::InvalidData);
    EXPECT_NE(message.find("is empty"), std::string::npos) << message;

    write_file(dir.file("text.hevc"), std::vector<uint8_t>{'h', 'e', 'l', 'l', 'o'});
    std::tie(code, message) = open_error(dir.file("text.hevc"));
    EXPECT_EQ(code, ErrorCode::InvalidData);
    EXPECT_NE(message.find("not an Annex-B HEVC stream"), std::string::npos) << message;

    write_file(dir.file("x.ivf"), ivf("VP80", {{1}}));
    std::tie(code, message) = open_error(dir.file("x.ivf"));
    EXPECT_EQ(code, ErrorCode::Unsupported);
    EXPECT_NE(message.find("fourcc 'VP80'"), std::string::npos) << message;

    std::vector<uint8_t> cut = ivf("VP90", {{1, 2, 3, 4, 5, 6, 7, 8}, {9, 9, 9, 9}});
    cut.resize(cut.size() - 2);
    write_file(dir.file("cut.ivf"), cut);
    std::tie(code, message) = open_error(dir.file("cut.ivf"));
    EXPECT_EQ(code, ErrorCode::InvalidData);
    EXPECT_NE(message.find("frame 1 claims 4 bytes but only 2 remain (truncated file?)"), std::string::npos) << message;

    std::vector<uint8_t> header_cut = ivf("VP90", {{1, 2}});
    header_cut.insert(header_cut.end(), {5, 0, 0});
    write_file(dir.file("hcut.ivf"), header_cut);
    std::tie(code, message) = open_error(dir.file("hcut.ivf"));
    EXPECT_NE(message.find("truncated 12-byte frame header"), std::string::npos) << message;

    write_file(dir.file("notivf.ivf"), std::vector<uint8_t>(40, 7));
    std::tie(code, message) = open_error(dir.file("notivf.ivf"));
    EXPECT_NE(message.find("not an IVF file"), std::string::npos) << message;

    write_file(dir.file("clip.mp4"), std::vector<uint8_t>(40, 7));
    std::tie(code, message) = open_error(dir.file("clip.mp4"));
    EXPECT_EQ(code, ErrorCode::Unsupported);
    EXPECT_NE(message.find("'.mp4'"), std::string::npos) << message;
}

}  // namespace
}  // namespace nvcast::test

// nvh264 building blocks: code tables, bit writer, NAL escaping, transform
// round trip, level choice, and the VUI as an independent tool (ffprobe) reads it.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>

#include "backends/nvh264/bit_writer.h"
#include "backends/nvh264/cavlc_tables.h"
#include "backends/nvh264/headers.h"
#include "backends/nvh264/transform.h"
#include "nvh264_test_util.h"

namespace nvcast::test {
namespace {

using nvh264::Vlc;

std::string bits_of(const Vlc& v) {
    std::string s;
    for (int i = v.len - 1; i >= 0; --i) s += ((v.code >> i) & 1) ? '1' : '0';
    return s;
}

// A table of code words must be prefix-free (decodable) and satisfy Kraft's inequality.
void check_code(const std::vector<Vlc>& codes, const std::string& what) {
    double kraft = 0;
    for (size_t i = 0; i < codes.size(); ++i) {
        ASSERT_GT(codes[i].len, 0) << what << " entry " << i;
        kraft += std::ldexp(1.0, -codes[i].len);
        for (size_t j = 0; j < codes.size(); ++j) {
            if (i == j) continue;
            const std::string a = bits_of(codes[i]), b = bits_of(codes[j]);
            EXPECT_FALSE(b.compare(0, a.size(), a) == 0) << what << ": " << a << " is a prefix of " << b;
        }
    }
    EXPECT_LE(kraft, 1.0 + 1e-12) << what;
}

TEST(nvh264Tables, CoeffTokenTablesArePrefixFree) {
    for (int t = 0; t < 3; ++t) {
        std::vector<Vlc> codes;
        for (int tc = 0; tc <= 16; ++tc)
            for (int t1 = 0; t1 <= std::min(3, tc); ++t1) codes.push_back(nvh264::kCoeffToken[t][tc][t1]);
        EXPECT_EQ(codes.size(), 62u);
        check_code(codes, "coeff_token table " + std::to_string(t));
    }
    std::vector<Vlc> dc;
    for (int tc = 0; tc <= 4; ++tc)
        for (int t1 = 0; t1 <= std::min(3, tc); ++t1) dc.push_back(nvh264::kCoeffTokenChromaDc[tc][t1]);
    check_code(dc, "coeff_token chroma DC");
    // nC >= 8: six-bit fixed length, distinct for every (TotalCoeff, TrailingOnes).
    std::vector<Vlc> flc;
    for (int tc = 0; tc <= 16; ++tc)
        for (int t1 = 0; t1 <= std::min(3, tc); ++t1) flc.push_back(nvh264::coeff_token(8, tc, t1));
    check_code(flc, "coeff_token FLC");
}

TEST(nvh264Tables, TotalZerosAndRunBeforeArePrefixFreeAndComplete) {
    for (int tc = 1; tc <= 15; ++tc) {
        std::vector<Vlc> codes;
        for (int tz = 0; tz <= 16 - tc; ++tz) codes.push_back(nvh264::kTotalZeros[tc][tz]);
        check_code(codes, "total_zeros " + std::to_string(tc));
        double kraft = 0;
        for (const Vlc& v : codes) kraft += std::ldexp(1.0, -v.len);
        if (tc > 1) {  // tc 1 leaves one code unused
            EXPECT_DOUBLE_EQ(kraft, 1.0) << "total_zeros " << tc;
        }
    }
    for (int tc = 1; tc <= 3; ++tc) {
        std::vector<Vlc> codes;
        for (int tz = 0; tz <= 4 - tc; ++tz) codes.push_back(nvh264::kTotalZerosChromaDc[tc][tz]);
        check_code(codes, "chroma DC total_zeros " + std::to_string(tc));
    }
    for (int zl = 1; zl <= 7; ++zl) {
        std::vector<Vlc> codes;
        for (int r = 0; r <= (zl < 7 ? zl : 14); ++r) codes.push_back(nvh264::kRunBefore[zl][r]);
        check_code(codes, "run_before " + std::to_string(zl));
    }
}

TEST(nvh264Tables, CodedBlockPatternMappingIsABijection) {
    for (int k = 0; k < 2; ++k) {
        std::vector<int> seen(48, 0);
        for (int cbp = 0; cbp < 48; ++cbp) ++seen[nvh264::kCbpToCodeNum.t[k][cbp]];
        for (int n = 0; n < 48; ++n) EXPECT_EQ(seen[static_cast<size_t>(n)], 1) << "codeNum " << n;
    }
    EXPECT_EQ(nvh264::kCbpToCodeNum.t[1][0], 0);   // inter, nothing coded: the shortest code
    EXPECT_EQ(nvh264::kCbpToCodeNum.t[0][47], 0);  // intra 4x4, everything coded
}

std::string written(void (*fn)(nvh264::BitWriter&)) {
    nvh264::BitWriter bw;
    fn(bw);
    std::string s;
    for (uint8_t b : bw.bytes())
        for (int i = 7; i >= 0; --i) s += ((b >> i) & 1) ? '1' : '0';
    return s;
}

TEST(nvh264BitWriter, ExpGolombCodes) {
    EXPECT_EQ(written([](nvh264::BitWriter& b) { b.ue(0); b.ue(1); b.ue(2); b.put(0, 3); }), "10100110");
    EXPECT_EQ(written([](nvh264::BitWriter& b) { b.ue(3); b.se(1); b.put(0, 0); }), "00100010");
    EXPECT_EQ(written([](nvh264::BitWriter& b) { b.se(-1); b.se(2); b.put(1, 0); }), "01100100");
    EXPECT_EQ(nvh264::ue_bits(0), 1);
    EXPECT_EQ(nvh264::ue_bits(6), 5);
    EXPECT_EQ(nvh264::se_bits(-3), 5);
}

TEST(nvh264BitWriter, EmulationPreventionRoundTrips) {
    std::mt19937 rng(3);
    for (int round = 0; round < 200; ++round) {
        std::vector<uint8_t> rbsp(static_cast<size_t>(1 + rng() % 64));
        for (uint8_t& b : rbsp) b = static_cast<uint8_t>(rng() % 4 == 0 ? rng() % 4 : rng() & 0xff);
        if (rbsp.back() == 0) rbsp.back() = 0x80;  // an RBSP ends with its stop bit
        std::vector<uint8_t> nal;
        nvh264::write_nal(nal, 3, 1, rbsp);
        ASSERT_GE(nal.size(), rbsp.size() + 5);
        // No start-code emulation inside the NAL payload.
        for (size_t i = 5; i + 2 < nal.size(); ++i)
            EXPECT_FALSE(nal[i] == 0 && nal[i + 1] == 0 && nal[i + 2] <= 2) << "at " << i;
        std::vector<uint8_t> back;
        int zeros = 0;
        for (size_t i = 5; i < nal.size(); ++i) {
            if (zeros >= 2 && nal[i] == 3) {
                zeros = 0;
                continue;
            }
            back.push_back(nal[i]);
            zeros = nal[i] == 0 ? zeros + 1 : 0;
        }
        EXPECT_EQ(back, rbsp);
    }
}

TEST(nvh264Transform, QuantisedRoundTripErrorShrinksWithQp) {
    std::mt19937 rng(5);
    double err_lo = 0, err_hi = 0;
    for (int n = 0; n < 500; ++n) {
        int16_t res[16];
        for (int16_t& r : res) r = static_cast<int16_t>(static_cast<int>(rng() % 511) - 255);
        for (int qp : {0, 30}) {
            int w[16], d[16], out[16];
            int16_t lv[16];
            nvh264::forward4x4(res, w);
            nvh264::quant4x4(w, lv, qp, true, 0);
            nvh264::dequant4x4(lv, d, qp, 0);
            nvh264::inverse4x4(d, out);
            double e = 0;
            for (int i = 0; i < 16; ++i) e += (out[i] - res[i]) * (out[i] - res[i]);
            (qp == 0 ? err_lo : err_hi) += e / 16;
        }
    }
    EXPECT_LT(err_lo / 500, 1.0);   // QP 0: close to lossless
    EXPECT_GT(err_hi / 500, 5.0);   // QP 30: real quantisation
    EXPECT_LT(err_hi / 500, 200.0);
}

TEST(nvh264Headers, LevelFollowsSizeAndRate) {
    EXPECT_EQ(nvh264::choose_level(120, 68, 30, 0), 40);    // 1080p30
    EXPECT_EQ(nvh264::choose_level(120, 68, 60, 0), 42);    // 1080p60
    EXPECT_EQ(nvh264::choose_level(240, 135, 30, 0), 51);   // 2160p30
    EXPECT_EQ(nvh264::choose_level(22, 18, 30, 0), 13);     // CIF 30
    EXPECT_EQ(nvh264::choose_level(22, 18, 30, 5'000'000), 30);  // bitrate pushes the level up
    EXPECT_EQ(nvh264::choose_level(480, 270, 30, 0), 0);    // 8K: beyond 5.2
}

TEST(nvh264Headers, VuiCarriesColourAndTiming) {
    const std::string ffprobe = std::filesystem::path(ffmpeg_path()).parent_path() / "ffprobe";
    if (!have_ffmpeg() || !std::filesystem::exists(ffprobe)) GTEST_SKIP() << "ffprobe not installed";
    EncoderConfig c = nvh264_config(64, 48, 30);
    c.fps_num = 25;
    c.color = ColorDescription::bt709();
    c.color.range = ColorRange::Full;
    const nvh264Run run = nvh264_encode(c, synthetic_frames(64, 48, 2));
    TempDir dir;
    const std::string path = dir.file("vui.h264");
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(run.stream.data()), static_cast<std::streamsize>(run.stream.size()));
    const CommandResult r = run_command("'" + ffprobe + "' -v error -show_streams '" + path + "'");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("profile=Constrained Baseline"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("color_range=pc"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("color_primaries=bt709"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("color_transfer=bt709"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("color_space=bt709"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("r_frame_rate=25/1"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("has_b_frames=0"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace nvcast::test

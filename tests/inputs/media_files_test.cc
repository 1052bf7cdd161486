// Media files in: every container and codec Debian's FFmpeg writes, transcoded to each output codec;
// frames complete, audio carried unchanged and in sync, timestamps kept, HDR tone mapped.
#include <gtest/gtest.h>

#include <cmath>

#include "inputs_support.h"
#include "nvcast/decode.h"
#include "nvcast/quality.h"

namespace nvcast::test {
namespace {

constexpr int kFrames = 12;

struct Input {
    const char* name;
    const char* video;  // ffmpeg encoder options
    const char* audio;
};

// 12 frames of moving test video at 25 fps with a 440 Hz tone, in one container.
std::string make_input(const TempDir& dir, const Input& in) {
    const std::string path = dir.file(in.name);
    make_clip("-f lavfi -i testsrc2=size=176x144:rate=25 -f lavfi -t 0.48 -i sine=frequency=440:sample_rate=48000 "
              "-frames:v " + std::to_string(kFrames) + " " + in.video + " " + in.audio + " '" + path + "'");
    return path;
}

TEST(MediaFiles, EveryContainerToEveryCodecWithAudio) {
    TempDir dir;
    const Input inputs[] = {
        {"in.mp4", "-c:v libx264 -pix_fmt yuv420p -bf 2", "-c:a aac"},
        {"in.mkv", "-c:v libx265 -pix_fmt yuv420p -x265-params log-level=error", "-c:a libopus"},
        {"in.ts", "-c:v mpeg2video", "-c:a ac3"},
        {"in.webm", "-c:v libvpx-vp9 -deadline realtime -cpu-used 8", "-c:a libopus"},
        {"in.mov", "-c:v mjpeg -q:v 3", "-c:a alac"},
    };
    struct Output {
        const char* codec;
        const char* backend;
        const char* ext;
    };
    const Output outputs[] = {{"h264", "x264", ".mp4"}, {"hevc", "x265", ".mkv"}, {"av1", "svtav1", ".mkv"}};
    for (const Input& in : inputs) {
        const std::string input = make_input(dir, in);
        if (HasFatalFailure()) return;
        const auto source_audio = streams_of(probe(input, "-count_packets"), "audio");
        ASSERT_EQ(source_audio.size(), 1u) << in.name;
        const std::vector<Frame> reference = decode_all(input);
        ASSERT_EQ(reference.size(), static_cast<size_t>(kFrames)) << in.name;
        for (const Output& out : outputs) {
            const std::string output = dir.file(std::string(in.name) + "." + out.codec + out.ext);
            const auto r = run_cli("encode '" + input + "' -c " + out.codec + " -b " + out.backend +
                                   " --preset p1 --qp 20 -o '" + output + "'");
            ASSERT_EQ(r.exit_code, 0) << in.name << " -> " << out.codec << "\n" << r.output;
            EXPECT_NE(r.output.find("on the CPU (libavcodec)"), std::string::npos) << r.output;  // says what decoded
            const std::vector<Frame> decoded = decode_all(output);
            ASSERT_EQ(decoded.size(), reference.size()) << in.name << " -> " << out.codec;
            // The picture survived: prepared the same way (I420 here), re-encoded at a high quality.
            EXPECT_GT(compute_psnr(reference[5], decoded[5]).average, 30.0) << in.name << " -> " << out.codec;
            const auto probed = probe(output, "-count_packets");
            const auto audio = streams_of(probed, "audio");
            ASSERT_EQ(audio.size(), 1u) << in.name << " -> " << output << ": the audio was not carried";
            EXPECT_EQ(audio[0]["codec_name"], source_audio[0]["codec_name"]) << "re-encoded instead of copied";
            EXPECT_EQ(audio[0]["sample_rate"], source_audio[0]["sample_rate"]);
            const auto video = streams_of(probed, "video");
            ASSERT_EQ(video.size(), 1u);
            // In sync: both streams start together and last about as long as the input's.
            const double v_start = std::stod(video[0].value("start_time", "0"));
            const double a_start = std::stod(audio[0].value("start_time", "0"));
            EXPECT_NEAR(v_start, a_start, 0.08) << in.name << " -> " << output;
            // Every audio packet of the input, none re-made.
            EXPECT_EQ(audio[0]["nb_read_packets"], source_audio[0]["nb_read_packets"]) << in.name << " -> " << output;
        }
    }
}

TEST(MediaFiles, NoAudioLeavesItOut) {
    TempDir dir;
    const std::string input = make_input(dir, {"in.mp4", "-c:v libx264 -pix_fmt yuv420p", "-c:a aac"});
    if (HasFatalFailure()) return;
    const auto r = run_cli("-q encode '" + input + "' --no-audio -b x264 --preset p1 -o " + dir.file("out.mp4"));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(streams_of(probe(dir.file("out.mp4")), "audio").empty());
    EXPECT_EQ(streams_of(probe(dir.file("out.mp4")), "video").size(), 1u);
}

TEST(MediaFiles, VariableFrameRateTimestampsAreKept) {
    TempDir dir;
    // Frames at 0, 40, 80 ms, then a 400 ms gap, then 40 ms steps again.
    const std::string input = dir.file("vfr.mkv");
    make_clip("-f lavfi -i testsrc2=size=128x96:rate=25 -frames:v 10 -vf \"setpts='(N+if(gte(N,3),9,0))/(25*TB)'\" "
              "-fps_mode passthrough -c:v libx264 -bf 0 '" + input + "'");
    if (HasFatalFailure()) return;
    for (const char* ext : {".mp4", ".mkv"}) {
        const std::string output = dir.file(std::string("out") + ext);
        const auto r = run_cli("-q encode '" + input + "' -b x264 --preset p1 --bframes 0 -o '" + output + "'");
        ASSERT_EQ(r.exit_code, 0) << r.output;
        const auto in_frames = probe(input, "-show_frames")["frames"];
        const auto out_frames = probe(output, "-show_frames")["frames"];
        ASSERT_EQ(in_frames.size(), 10u);
        ASSERT_EQ(out_frames.size(), in_frames.size()) << output;
        const double in0 = std::stod(in_frames[0]["pts_time"].get<std::string>());
        const double out0 = std::stod(out_frames[0]["pts_time"].get<std::string>());
        for (size_t i = 0; i < in_frames.size(); ++i)
            EXPECT_NEAR(std::stod(out_frames[i]["pts_time"].get<std::string>()) - out0,
                        std::stod(in_frames[i]["pts_time"].get<std::string>()) - in0, 0.002)
                << output << " frame " << i;
    }
}

TEST(MediaFiles, BFramesOutputFromAMediaInput) {
    TempDir dir;
    const std::string input = make_input(dir, {"in.mkv", "-c:v libx264 -pix_fmt yuv420p", "-c:a libopus"});
    if (HasFatalFailure()) return;
    const auto r = run_cli("-q encode '" + input + "' -c hevc -b x265 --preset p1 --bframes 2 -o " + dir.file("b.mp4"));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(decode_all(dir.file("b.mp4")).size(), static_cast<size_t>(kFrames));
}

TEST(MediaFiles, Hdr10ToneMappedToSdrWithTheTagsRight) {
    TempDir dir;
    const std::string input = dir.file("hdr.mkv");
    make_clip("-f lavfi -i testsrc2=size=160x96:rate=25 -frames:v 6 -pix_fmt yuv420p10le -c:v libx265 "
              "-x265-params log-level=error:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc "
              "-color_primaries bt2020 -color_trc smpte2084 -colorspace bt2020nc '" + input + "'");
    if (HasFatalFailure()) return;
    const std::string output = dir.file("sdr.mp4");
    const auto r = run_cli("encode '" + input + "' --tonemap bt2390 -b x264 --preset p1 -o '" + output + "'");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("tone map"), std::string::npos) << r.output;
    const auto video = streams_of(probe(output), "video");
    ASSERT_EQ(video.size(), 1u);
    EXPECT_EQ(video[0]["pix_fmt"], "yuv420p");
    EXPECT_EQ(video[0]["color_transfer"], "bt709");
    EXPECT_EQ(video[0]["color_primaries"], "bt709");
    EXPECT_EQ(decode_all(output).size(), 6u);
    // Without --tonemap the HDR description passes through into a 10-bit stream.
    const std::string hdr_out = dir.file("hdr_out.mkv");
    const auto keep = run_cli("-q encode '" + input + "' -c hevc -b x265 --preset p1 -o '" + hdr_out + "'");
    ASSERT_EQ(keep.exit_code, 0) << keep.output;
    const auto kept = streams_of(probe(hdr_out), "video");
    ASSERT_EQ(kept.size(), 1u);
    EXPECT_EQ(kept[0]["color_transfer"], "smpte2084");
    EXPECT_EQ(kept[0]["color_primaries"], "bt2020");
    EXPECT_EQ(kept[0]["pix_fmt"], "yuv420p10le");
}

TEST(MediaFiles, ChoosesTheNthVideoStream) {
    TempDir dir;
    const std::string input = dir.file("two.mkv");
    make_clip("-f lavfi -i testsrc2=size=128x96:rate=25 -f lavfi -i testsrc=size=64x48:rate=25 -map 0 -map 1 "
              "-frames:v 5 -c:v libx264 '" + input + "'");
    if (HasFatalFailure()) return;
    auto r = run_cli("-q encode '" + input + "' --stream 1 -b x264 --preset p1 -o " + dir.file("second.mp4"));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto second = decode_all(dir.file("second.mp4"));
    ASSERT_FALSE(second.empty());
    EXPECT_EQ(second[0].width(), 64);
    r = run_cli("encode '" + input + "' --stream 2 -b x264 -o " + dir.file("none.mp4"));
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.output.find("has 2 video stream(s); --stream 2 is out of range"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace nvcast::test

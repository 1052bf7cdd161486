// The seed C API (include/nvcast/nvenc.h) over the emulator.
#include "nvcast/nvenc.h"

#include <cstring>

#include "emu_env.h"

namespace nvcast::test {
namespace {

class NvencCApi : public EmuTest {};

// Sends `frames` (I420, host) through nvenc_encode_frame, forcing an IDR at `force_idr_at`,
// then flushes: after each frame the queue must run dry with NVENC_AGAIN, after the flush
// with NVENC_EOF. Returns every bitstream as a Packet.
std::vector<Packet> encode_through_c_api(nvenc_encoder* enc, const std::vector<Frame>& frames, int force_idr_at = -1) {
    std::vector<Packet> packets;
    auto drain = [&] {
        nvenc_bitstream bs;
        nvenc_status s;
        while ((s = nvenc_get_bitstream(enc, &bs)) == NVENC_OK) {
            Packet p;
            p.data.assign(bs.data, bs.data + bs.size);
            p.pts = bs.pts;
            p.dts = bs.dts;
            p.keyframe = bs.keyframe != 0;
            packets.push_back(std::move(p));
        }
        return s;
    };
    for (size_t i = 0; i < frames.size(); ++i) {
        nvenc_frame f{};
        for (int p = 0; p < 3; ++p) {
            f.planes[p] = frames[i].data(p);
            f.pitch[p] = frames[i].pitch(p);
        }
        f.pts = static_cast<int64_t>(i);
        f.force_idr = static_cast<int>(i) == force_idr_at;
        EXPECT_EQ(nvenc_encode_frame(enc, &f), NVENC_OK) << nvenc_last_error(enc);
        EXPECT_EQ(drain(), NVENC_AGAIN);
    }
    EXPECT_EQ(nvenc_encode_frame(enc, nullptr), NVENC_OK);
    EXPECT_EQ(drain(), NVENC_EOF);
    return packets;
}

TEST_F(NvencCApi, EncodeFlushDrainDecode) {
    nvenc_config cfg;
    nvenc_config_default(&cfg);
    cfg.width = 320;
    cfg.height = 240;
    cfg.input_format = NVENC_FORMAT_I420;
    cfg.qp = 22;
    nvenc_encoder* enc = nullptr;
    ASSERT_EQ(nvenc_init(&cfg, &enc), NVENC_OK) << nvenc_last_error(nullptr);
    const auto frames = synthetic_frames(320, 240, 10);
    const std::vector<Packet> packets = encode_through_c_api(enc, frames, 5);
    nvenc_frame late{};
    EXPECT_EQ(nvenc_encode_frame(enc, &late), NVENC_ERROR_INVALID_ARGUMENT);  // NULL planes
    nvenc_destroy(enc);
    ASSERT_EQ(packets.size(), frames.size());
    EXPECT_TRUE(packets[0].keyframe);
    EXPECT_TRUE(packets[5].keyframe);
    EncoderConfig c = config();
    TempDir dir;
    const auto decoded = decode_packets(dir.file("c.h264"), c, packets);
    ASSERT_EQ(decoded.size(), frames.size());
    EXPECT_GT(mean_psnr(frames, decoded), 35.0);
}

TEST_F(NvencCApi, Av1ThroughTheSameCalls) {
    nvenc_config cfg;
    nvenc_config_default(&cfg);
    cfg.codec = NVENC_CODEC_AV1;
    cfg.width = 320;
    cfg.height = 240;
    cfg.input_format = NVENC_FORMAT_I420;
    cfg.qp = 30;  // AV1 QPs are on the 0..63 quantizer scale
    nvenc_encoder* enc = nullptr;
    ASSERT_EQ(nvenc_init(&cfg, &enc), NVENC_OK) << nvenc_last_error(nullptr);
    const auto frames = synthetic_frames(320, 240, 8);
    const std::vector<Packet> packets = encode_through_c_api(enc, frames);
    nvenc_destroy(enc);
    ASSERT_EQ(packets.size(), frames.size());
    for (const Packet& p : packets) EXPECT_EQ(p.dts, p.pts);  // AV1 temporal units come in display order
    EXPECT_TRUE(is_keyframe_access_unit(Codec::AV1, packets[0].data));
    TempDir dir;
    const auto decoded = decode_packets(dir.file("c.ivf"), config(Codec::AV1), packets);
    ASSERT_EQ(decoded.size(), frames.size());
    EXPECT_GT(mean_psnr(frames, decoded), 35.0);
}

TEST_F(NvencCApi, ErrorsAreStatusesWithMessages) {
    nvenc_config cfg;
    nvenc_config_default(&cfg);
    nvenc_encoder* enc = nullptr;
    cfg.struct_size = 4;
    EXPECT_EQ(nvenc_init(&cfg, &enc), NVENC_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::strstr(nvenc_last_error(nullptr), "struct_size"), nullptr);
    EXPECT_EQ(enc, nullptr);

    nvenc_config_default(&cfg);
    cfg.width = 0;
    EXPECT_EQ(nvenc_init(&cfg, &enc), NVENC_ERROR_INVALID_ARGUMENT);
    EXPECT_NE(std::strstr(nvenc_last_error(nullptr), "width"), nullptr) << nvenc_last_error(nullptr);

    cfg.width = 320;
    cfg.height = 240;
    faults("no_encoder,gpu_name=NVIDIA H200");
    EXPECT_EQ(nvenc_init(&cfg, &enc), NVENC_ERROR_UNAVAILABLE);
    EXPECT_NE(std::strstr(nvenc_last_error(nullptr), "NVIDIA H200"), nullptr) << nvenc_last_error(nullptr);

    faults("");
    ASSERT_EQ(nvenc_init(&cfg, &enc), NVENC_OK) << nvenc_last_error(nullptr);
    EXPECT_EQ(nvenc_set_bitrate(enc, 1'000'000, 0), NVENC_ERROR_UNSUPPORTED);  // CQP session
    EXPECT_NE(std::strstr(nvenc_last_error(enc), "cbr or vbr"), nullptr);
    nvenc_destroy(enc);
    EXPECT_EQ(nvenc_encode_frame(nullptr, nullptr), NVENC_ERROR_INVALID_ARGUMENT);
    EXPECT_STREQ(nvenc_status_string(NVENC_ERROR_DEVICE_LOST), "device lost");
}

}  // namespace
}  // namespace nvcast::test

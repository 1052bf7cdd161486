// The emulator checks what the driver checks, with the driver's status codes: struct
// versions, NULL pointers, parameter ranges, handle ownership, call order.
#include <algorithm>
#include <cstring>

#include "emu_env.h"

namespace nvcast::test {
namespace {

using nvenc::ApiVersion;

class Emulator : public EmuTest {
protected:
    void SetUp() override {
        EmuTest::SetUp();
        driver = &nvenc::load_driver();
        device = nvenc::DeviceContext::get(*driver, 0);
        fn.version = api.struct_version(2);
        ASSERT_EQ(driver->create_instance(&fn), NV_ENC_SUCCESS);
    }
    void TearDown() override {
        for (void* e : sessions) fn.nvEncDestroyEncoder(e);
        EmuTest::TearDown();
    }
    void* open() {
        NV_ENC_OPEN_ENCODE_SESSION_EX_PARAMS p{};
        p.version = api.struct_version(1);
        p.deviceType = NV_ENC_DEVICE_TYPE_CUDA;
        p.device = device->context();
        p.apiVersion = api.packed();
        void* e = nullptr;
        EXPECT_EQ(fn.nvEncOpenEncodeSessionEx(&p, &e), NV_ENC_SUCCESS);
        sessions.push_back(e);
        return e;
    }
    NV_ENC_INITIALIZE_PARAMS init_params() const {
        NV_ENC_INITIALIZE_PARAMS i{};
        i.version = api.struct_version(5, true);
        i.encodeGUID = NV_ENC_CODEC_H264_GUID;
        i.presetGUID = NV_ENC_PRESET_P4_GUID;
        i.encodeWidth = 320;
        i.encodeHeight = 240;
        i.frameRateNum = 30;
        i.frameRateDen = 1;
        i.enablePTD = 1;
        i.tuningInfo = NV_ENC_TUNING_INFO_LOW_LATENCY;
        return i;
    }
    void* initialized() {
        void* e = open();
        NV_ENC_INITIALIZE_PARAMS i = init_params();
        EXPECT_EQ(fn.nvEncInitializeEncoder(e, &i), NV_ENC_SUCCESS);
        return e;
    }
    NV_ENC_INPUT_PTR input(void* e) {
        NV_ENC_CREATE_INPUT_BUFFER in{};
        in.version = api.struct_version(1);
        in.width = 320;
        in.height = 240;
        in.bufferFmt = NV_ENC_BUFFER_FORMAT_NV12;
        EXPECT_EQ(fn.nvEncCreateInputBuffer(e, &in), NV_ENC_SUCCESS);
        return in.inputBuffer;
    }
    NV_ENC_OUTPUT_PTR output(void* e) {
        NV_ENC_CREATE_BITSTREAM_BUFFER out{};
        out.version = api.struct_version(1);
        EXPECT_EQ(fn.nvEncCreateBitstreamBuffer(e, &out), NV_ENC_SUCCESS);
        return out.bitstreamBuffer;
    }
    NV_ENC_PIC_PARAMS picture(NV_ENC_INPUT_PTR in, NV_ENC_OUTPUT_PTR out) const {
        NV_ENC_PIC_PARAMS p{};
        p.version = api.struct_version(4, true);
        p.inputWidth = 320;
        p.inputHeight = 240;
        p.inputBuffer = in;
        p.outputBitstream = out;
        p.bufferFmt = NV_ENC_BUFFER_FORMAT_NV12;
        p.pictureStruct = NV_ENC_PIC_STRUCT_FRAME;
        return p;
    }
    std::string last_error(void* e) const { return fn.nvEncGetLastErrorString(e); }

    ApiVersion api{11, 1};
    const nvenc::Driver* driver = nullptr;
    std::shared_ptr<nvenc::DeviceContext> device;
    NV_ENCODE_API_FUNCTION_LIST fn{};
    std::vector<void*> sessions;
};

TEST_F(Emulator, VersionNegotiation) {
    uint32_t max = 0;
    ASSERT_EQ(driver->max_supported_version(&max), NV_ENC_SUCCESS);
    EXPECT_EQ(max, (12u << 4) | 0u);  // the newest API whose structs the emulator knows
    ::setenv("NVCAST_EMU_API_VERSION", "10.0", 1);
    NV_ENCODE_API_FUNCTION_LIST newer{};
    newer.version = ApiVersion{11, 1}.struct_version(2);
    EXPECT_EQ(driver->create_instance(&newer), NV_ENC_ERR_INVALID_VERSION);  // client newer than the driver
    newer.version = ApiVersion{10, 0}.struct_version(2);
    EXPECT_EQ(driver->create_instance(&newer), NV_ENC_SUCCESS);
    EXPECT_EQ(driver->create_instance(nullptr), NV_ENC_ERR_INVALID_PTR);
}

TEST_F(Emulator, OpenSessionChecksItsArguments) {
    NV_ENC_OPEN_ENCODE_SESSION_EX_PARAMS p{};
    p.version = api.struct_version(1);
    p.deviceType = NV_ENC_DEVICE_TYPE_CUDA;
    p.apiVersion = api.packed();
    void* e = nullptr;
    EXPECT_EQ(fn.nvEncOpenEncodeSessionEx(&p, &e), NV_ENC_ERR_INVALID_PTR);  // no device
    int not_a_context = 0;
    p.device = &not_a_context;
    EXPECT_EQ(fn.nvEncOpenEncodeSessionEx(&p, &e), NV_ENC_ERR_INVALID_DEVICE);
    p.device = device->context();
    p.version = ApiVersion{11, 1}.struct_version(2);
    EXPECT_EQ(fn.nvEncOpenEncodeSessionEx(&p, &e), NV_ENC_ERR_INVALID_VERSION);
    p.version = api.struct_version(1);
    p.apiVersion = ApiVersion{13, 0}.packed();  // newer than the emulated driver
    EXPECT_EQ(fn.nvEncOpenEncodeSessionEx(&p, &e), NV_ENC_ERR_INVALID_VERSION);
    EXPECT_EQ(e, nullptr);
}

TEST_F(Emulator, InitializeChecksVersionsAndRanges) {
    void* e = open();
    NV_ENC_INITIALIZE_PARAMS i = init_params();
    i.version = api.struct_version(4, true);
    EXPECT_EQ(fn.nvEncInitializeEncoder(e, &i), NV_ENC_ERR_INVALID_VERSION);
    i = init_params();
    i.enableEncodeAsync = 1;
    EXPECT_EQ(fn.nvEncInitializeEncoder(e, &i), NV_ENC_ERR_UNSUPPORTED_PARAM);
    i = init_params();
    i.encodeWidth = 100000;
    EXPECT_EQ(fn.nvEncInitializeEncoder(e, &i), NV_ENC_ERR_INVALID_PARAM);
    EXPECT_NE(last_error(e).find("encode size"), std::string::npos) << last_error(e);
    NV_ENC_CREATE_INPUT_BUFFER in{};
    in.version = api.struct_version(1);
    EXPECT_EQ(fn.nvEncCreateInputBuffer(e, &in), NV_ENC_ERR_ENCODER_NOT_INITIALIZED);
    NV_ENC_CAPS_PARAM caps{};
    caps.version = api.struct_version(1);
    const uint32_t unknown_cap = 9999;  // not an NV_ENC_CAPS value: written as raw bits
    std::memcpy(&caps.capsToQuery, &unknown_cap, sizeof unknown_cap);
    int value = 0;
    EXPECT_EQ(fn.nvEncGetEncodeCaps(e, NV_ENC_CODEC_H264_GUID, &caps, &value), NV_ENC_ERR_INVALID_PARAM);
    EXPECT_EQ(fn.nvEncGetEncodeCaps(e, NV_ENC_CODEC_H264_GUID, nullptr, &value), NV_ENC_ERR_INVALID_PTR);
}

TEST_F(Emulator, Api12SessionsListAv1AndUseThe12Revisions) {
    auto codecs = [&](void* e) {
        uint32_t n = 0;
        EXPECT_EQ(fn.nvEncGetEncodeGUIDCount(e, &n), NV_ENC_SUCCESS);
        std::vector<GUID> guids(n);
        EXPECT_EQ(fn.nvEncGetEncodeGUIDs(e, guids.data(), n, &n), NV_ENC_SUCCESS);
        return guids;
    };
    auto lists_av1 = [&](const std::vector<GUID>& guids) {
        return std::any_of(guids.begin(), guids.end(),
                           [](const GUID& g) { return std::memcmp(&g, &nvenc::kCodecAv1Guid, sizeof g) == 0; });
    };
    EXPECT_FALSE(lists_av1(codecs(open())));  // an 11.1 session cannot configure AV1: not listed
    api = ApiVersion{12, 0};
    void* e = open();
    EXPECT_TRUE(lists_av1(codecs(e)));

    // The preset's config comes back as NV_ENC_CONFIG revision 8 with the AV1 block filled.
    NV_ENC_PRESET_CONFIG preset{};
    preset.version = api.struct_version(4, true);
    preset.presetCfg.version = api.struct_version(7, true);  // the 11.1 revision: wrong for 12.0
    EXPECT_EQ(fn.nvEncGetEncodePresetConfigEx(e, nvenc::kCodecAv1Guid, NV_ENC_PRESET_P4_GUID,
                                              NV_ENC_TUNING_INFO_LOW_LATENCY, &preset),
              NV_ENC_ERR_INVALID_VERSION);
    preset.presetCfg.version = api.struct_version(8, true);
    ASSERT_EQ(fn.nvEncGetEncodePresetConfigEx(e, nvenc::kCodecAv1Guid, NV_ENC_PRESET_P4_GUID,
                                              NV_ENC_TUNING_INFO_LOW_LATENCY, &preset),
              NV_ENC_SUCCESS);
    EXPECT_EQ(nvenc::av1_config(preset.presetCfg).chromaFormatIDC, 1u);

    NV_ENC_CONFIG config = preset.presetCfg;
    NV_ENC_INITIALIZE_PARAMS i = init_params();
    i.version = api.struct_version(5, true);
    i.encodeGUID = nvenc::kCodecAv1Guid;
    i.encodeConfig = &config;
    nvenc::NvEncConfigAv1 av1 = nvenc::av1_config(config);
    av1.chromaFormatIDC = 3;
    nvenc::set_av1_config(config, av1);
    EXPECT_EQ(fn.nvEncInitializeEncoder(e, &i), NV_ENC_ERR_INVALID_PARAM);
    EXPECT_NE(last_error(e).find("4:2:0"), std::string::npos) << last_error(e);
    av1.chromaFormatIDC = 1;
    nvenc::set_av1_config(config, av1);
    ASSERT_EQ(fn.nvEncInitializeEncoder(e, &i), NV_ENC_SUCCESS) << last_error(e);

    // Pictures: revision 4 is refused by a 12.0 session, revision 6 (16 bytes longer) accepted.
    NV_ENC_INPUT_PTR in = input(e);
    NV_ENC_OUTPUT_PTR out = output(e);
    NV_ENC_PIC_PARAMS v4 = picture(in, out);
    v4.version = api.struct_version(4, true);
    EXPECT_EQ(fn.nvEncEncodePicture(e, &v4), NV_ENC_ERR_INVALID_VERSION);
    nvenc::NvEncPicParams12 v6 = nvenc::to_pic_params_12(v4);
    v6.version = api.struct_version(6, true);
    const NVENCSTATUS s = fn.nvEncEncodePicture(e, reinterpret_cast<NV_ENC_PIC_PARAMS*>(&v6));
    EXPECT_TRUE(s == NV_ENC_SUCCESS || s == NV_ENC_ERR_NEED_MORE_INPUT) << s << " " << last_error(e);
    NV_ENC_PIC_PARAMS eos{};
    eos.version = api.struct_version(6, true);
    eos.encodePicFlags = NV_ENC_PIC_FLAG_EOS;
    ASSERT_EQ(fn.nvEncEncodePicture(e, &eos), NV_ENC_SUCCESS) << last_error(e);
    NV_ENC_LOCK_BITSTREAM lock{};
    lock.version = api.struct_version(1);  // revision 2 in 12.0
    lock.outputBitstream = out;
    EXPECT_EQ(fn.nvEncLockBitstream(e, &lock), NV_ENC_ERR_INVALID_VERSION);
    lock.version = api.struct_version(2);
    ASSERT_EQ(fn.nvEncLockBitstream(e, &lock), NV_ENC_SUCCESS) << last_error(e);
    EXPECT_EQ(lock.pictureType, NV_ENC_PIC_TYPE_IDR);
    const auto obus = parse_obus({static_cast<const uint8_t*>(lock.bitstreamBufferPtr), lock.bitstreamSizeInBytes});
    ASSERT_FALSE(obus.empty());
    EXPECT_EQ(obus.front().type, ObuType::TemporalDelimiter);
    EXPECT_EQ(fn.nvEncUnlockBitstream(e, out), NV_ENC_SUCCESS);
}

TEST_F(Emulator, BufferOwnershipAndCallOrder) {
    void* a = initialized();
    void* b = initialized();
    NV_ENC_INPUT_PTR in_a = input(a);
    NV_ENC_OUTPUT_PTR out_a = output(a);
    NV_ENC_OUTPUT_PTR out_b = output(b);
    // Another session's buffer.
    NV_ENC_PIC_PARAMS p = picture(in_a, out_b);
    EXPECT_EQ(fn.nvEncEncodePicture(a, &p), NV_ENC_ERR_INVALID_PARAM);
    // A locked input buffer.
    NV_ENC_LOCK_INPUT_BUFFER lock{};
    lock.version = api.struct_version(1);
    lock.inputBuffer = in_a;
    ASSERT_EQ(fn.nvEncLockInputBuffer(a, &lock), NV_ENC_SUCCESS);
    EXPECT_GE(lock.pitch, 320u);
    p = picture(in_a, out_a);
    EXPECT_EQ(fn.nvEncEncodePicture(a, &p), NV_ENC_ERR_INVALID_PARAM);
    ASSERT_EQ(fn.nvEncUnlockInputBuffer(a, in_a), NV_ENC_SUCCESS);
    EXPECT_EQ(fn.nvEncUnlockInputBuffer(a, in_a), NV_ENC_ERR_INVALID_CALL);
    // Locking an output nothing was encoded into.
    NV_ENC_LOCK_BITSTREAM bs{};
    bs.version = api.struct_version(1);
    bs.outputBitstream = out_a;
    EXPECT_EQ(fn.nvEncLockBitstream(a, &bs), NV_ENC_ERR_INVALID_PARAM);
    // Mismatched format, then a good frame.
    p.bufferFmt = NV_ENC_BUFFER_FORMAT_IYUV;
    EXPECT_EQ(fn.nvEncEncodePicture(a, &p), NV_ENC_ERR_INVALID_PARAM);
    p = picture(in_a, out_a);
    ASSERT_EQ(fn.nvEncEncodePicture(a, &p), NV_ENC_SUCCESS);
    EXPECT_EQ(fn.nvEncEncodePicture(a, &p), NV_ENC_ERR_INVALID_PARAM);  // output not read back yet
    ASSERT_EQ(fn.nvEncLockBitstream(a, &bs), NV_ENC_SUCCESS);
    EXPECT_GT(bs.bitstreamSizeInBytes, 0u);
    EXPECT_EQ(bs.pictureType, NV_ENC_PIC_TYPE_IDR);
    EXPECT_EQ(fn.nvEncLockBitstream(a, &bs), NV_ENC_ERR_INVALID_CALL);  // twice
    EXPECT_EQ(fn.nvEncUnlockBitstream(a, out_a), NV_ENC_SUCCESS);
    // Resources.
    int bogus = 0;
    EXPECT_EQ(fn.nvEncUnmapInputResource(a, &bogus), NV_ENC_ERR_RESOURCE_NOT_MAPPED);
    EXPECT_EQ(fn.nvEncUnregisterResource(a, &bogus), NV_ENC_ERR_RESOURCE_NOT_REGISTERED);
    EXPECT_EQ(fn.nvEncDestroyInputBuffer(b, in_a), NV_ENC_ERR_INVALID_PARAM);
    EXPECT_EQ(fn.nvEncDestroyInputBuffer(a, in_a), NV_ENC_SUCCESS);
}

TEST_F(Emulator, BFramesNeedMoreInputAndEosDrains) {
    void* e = open();
    NV_ENC_CONFIG cfg{};
    NV_ENC_PRESET_CONFIG preset{};
    preset.version = api.struct_version(4, true);
    preset.presetCfg.version = api.struct_version(7, true);
    ASSERT_EQ(fn.nvEncGetEncodePresetConfigEx(e, NV_ENC_CODEC_H264_GUID, NV_ENC_PRESET_P4_GUID,
                                              NV_ENC_TUNING_INFO_LOW_LATENCY, &preset),
              NV_ENC_SUCCESS);
    cfg = preset.presetCfg;
    cfg.frameIntervalP = 3;  // two B-frames
    cfg.rcParams.rateControlMode = NV_ENC_PARAMS_RC_CONSTQP;
    NV_ENC_INITIALIZE_PARAMS i = init_params();
    i.encodeConfig = &cfg;
    ASSERT_EQ(fn.nvEncInitializeEncoder(e, &i), NV_ENC_SUCCESS);
    NV_ENC_INPUT_PTR in = input(e);
    std::vector<NV_ENC_OUTPUT_PTR> outs;
    for (int k = 0; k < 6; ++k) outs.push_back(output(e));
    NV_ENC_PIC_PARAMS p = picture(in, outs[0]);
    EXPECT_EQ(fn.nvEncEncodePicture(e, &p), NV_ENC_ERR_NEED_MORE_INPUT);  // held for reordering
    NV_ENC_LOCK_BITSTREAM bs{};
    bs.version = api.struct_version(1);
    bs.outputBitstream = outs[0];
    bs.doNotWait = 1;
    EXPECT_EQ(fn.nvEncLockBitstream(e, &bs), NV_ENC_ERR_LOCK_BUSY);
    bs.doNotWait = 0;
    EXPECT_EQ(fn.nvEncLockBitstream(e, &bs), NV_ENC_ERR_INVALID_CALL);  // would wait forever
    for (int k = 1; k < 6; ++k) {
        p = picture(in, outs[static_cast<size_t>(k)]);
        p.inputTimeStamp = static_cast<uint64_t>(k);
        const NVENCSTATUS s = fn.nvEncEncodePicture(e, &p);
        EXPECT_TRUE(s == NV_ENC_SUCCESS || s == NV_ENC_ERR_NEED_MORE_INPUT) << s;
    }
    NV_ENC_PIC_PARAMS eos{};
    eos.version = api.struct_version(4, true);
    eos.encodePicFlags = NV_ENC_PIC_FLAG_EOS;
    ASSERT_EQ(fn.nvEncEncodePicture(e, &eos), NV_ENC_SUCCESS);
    std::vector<uint64_t> order;
    int b_frames = 0;
    for (NV_ENC_OUTPUT_PTR o : outs) {
        bs.outputBitstream = o;
        ASSERT_EQ(fn.nvEncLockBitstream(e, &bs), NV_ENC_SUCCESS);
        order.push_back(bs.outputTimeStamp);
        b_frames += bs.pictureType == NV_ENC_PIC_TYPE_B;
        ASSERT_EQ(fn.nvEncUnlockBitstream(e, o), NV_ENC_SUCCESS);
    }
    EXPECT_GT(b_frames, 0);
    EXPECT_FALSE(std::is_sorted(order.begin(), order.end()));  // coding order, not display order
    std::sort(order.begin(), order.end());
    for (size_t k = 0; k < order.size(); ++k) EXPECT_EQ(order[k], k);
}

TEST_F(Emulator, ReconfigureBitrateInPlaceSizeNeedsReset) {
    void* e = open();
    NV_ENC_PRESET_CONFIG preset{};
    preset.version = api.struct_version(4, true);
    preset.presetCfg.version = api.struct_version(7, true);
    ASSERT_EQ(fn.nvEncGetEncodePresetConfigEx(e, NV_ENC_CODEC_H264_GUID, NV_ENC_PRESET_P4_GUID,
                                              NV_ENC_TUNING_INFO_LOW_LATENCY, &preset),
              NV_ENC_SUCCESS);
    NV_ENC_CONFIG cfg = preset.presetCfg;
    EXPECT_EQ(cfg.rcParams.rateControlMode, NV_ENC_PARAMS_RC_CBR);  // low-latency preset
    cfg.rcParams.averageBitRate = 1'000'000;
    NV_ENC_INITIALIZE_PARAMS i = init_params();
    i.encodeConfig = &cfg;
    i.maxEncodeWidth = 640;
    i.maxEncodeHeight = 480;
    ASSERT_EQ(fn.nvEncInitializeEncoder(e, &i), NV_ENC_SUCCESS);
    NV_ENC_RECONFIGURE_PARAMS r{};
    r.version = api.struct_version(1, true);
    r.reInitEncodeParams = i;
    cfg.rcParams.averageBitRate = 500'000;
    EXPECT_EQ(fn.nvEncReconfigureEncoder(e, &r), NV_ENC_SUCCESS);
    r.reInitEncodeParams.encodeWidth = 640;
    r.reInitEncodeParams.encodeHeight = 480;
    EXPECT_EQ(fn.nvEncReconfigureEncoder(e, &r), NV_ENC_ERR_INVALID_PARAM);
    EXPECT_NE(last_error(e).find("resetEncoder"), std::string::npos) << last_error(e);
    r.resetEncoder = 1;
    r.forceIDR = 1;
    EXPECT_EQ(fn.nvEncReconfigureEncoder(e, &r), NV_ENC_SUCCESS);
    r.reInitEncodeParams.encodeWidth = 1280;
    EXPECT_EQ(fn.nvEncReconfigureEncoder(e, &r), NV_ENC_ERR_INVALID_PARAM);  // beyond maxEncodeWidth
}

TEST_F(Emulator, DestroyedHandlesAreRejected) {
    void* e = open();
    sessions.clear();
    ASSERT_EQ(fn.nvEncDestroyEncoder(e), NV_ENC_SUCCESS);
    EXPECT_EQ(fn.nvEncDestroyEncoder(e), NV_ENC_ERR_INVALID_ENCODERDEVICE);
    uint32_t count = 0;
    EXPECT_EQ(fn.nvEncGetEncodeGUIDCount(e, &count), NV_ENC_ERR_INVALID_ENCODERDEVICE);
}

TEST_F(Emulator, CudaStandInChecksPointersAndContexts) {
    const nvenc::CudaApi& cu = driver->cuda;
    CUdeviceptr p = 0;
    EXPECT_NE(cu.mem_alloc(&p, 1024), CUDA_SUCCESS);  // no current context
    nvenc::ContextScope scope(*device);
    ASSERT_EQ(cu.mem_alloc(&p, 1024), CUDA_SUCCESS);
    std::vector<uint8_t> host(2048, 7);
    CUDA_MEMCPY2D c{};
    c.srcMemoryType = static_cast<CUmemorytype>(1);
    c.srcHost = host.data();
    c.srcPitch = 2048;
    c.dstMemoryType = static_cast<CUmemorytype>(2);
    c.dstDevice = p;
    c.dstPitch = 1024;
    c.WidthInBytes = 1024;
    c.Height = 1;
    EXPECT_EQ(cu.memcpy_2d(&c), CUDA_SUCCESS);
    c.Height = 2;  // runs past the allocation
    EXPECT_NE(cu.memcpy_2d(&c), CUDA_SUCCESS);
    EXPECT_EQ(cu.mem_free(p), CUDA_SUCCESS);
    EXPECT_NE(cu.mem_free(p), CUDA_SUCCESS);  // double free
}

}  // namespace
}  // namespace nvcast::test

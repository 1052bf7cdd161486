// Session life cycle: initialize, reconfigure, encode pictures, hand out bitstreams.
// The wrapped software encoder (nvcast's x264 / x265 backends) does the coding;
// this file reproduces NVENC's synchronous-mode contract around it: output
// buffers are filled in submission order, NV_ENC_ERR_NEED_MORE_INPUT while the
// encoder holds frames back, EOS drains.
#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>

#include "common/faults.h"
#include "backends/svtav1/svtav1_structure.h"
#include "nvcast/backend.h"
#include "nvcast/bitstream.h"
#include "nvcast/error.h"
#include "nvenc/emu.h"

namespace nvcast::emu {
namespace {

NV_ENC_PIC_TYPE picture_type_of(FrameType type) {
    switch (type) {
        case FrameType::IDR: return NV_ENC_PIC_TYPE_IDR;
        case FrameType::I: return NV_ENC_PIC_TYPE_I;
        case FrameType::P: return NV_ENC_PIC_TYPE_P;
        case FrameType::B: return NV_ENC_PIC_TYPE_B;
        default: return NV_ENC_PIC_TYPE_UNKNOWN;
    }
}

// Where parameter sets go in front of a picture: after AV1's temporal delimiter (which
// must open a temporal unit), else at the start.
size_t header_position(Codec codec, const std::vector<uint8_t>& picture) {
    if (codec != Codec::AV1) return 0;
    const std::vector<Obu> obus = parse_obus(picture);
    if (obus.empty() || obus.front().type != ObuType::TemporalDelimiter) return 0;
    return static_cast<size_t>(obus.front().payload + obus.front().payload_size - picture.data());
}

}  // namespace

Session::~Session() = default;

NVENCSTATUS Session::fail(NVENCSTATUS status, const std::string& why) {
    last_error_ = why;
    return status;
}

NVENCSTATUS Session::open_software_encoder() {
    try {
        const char* backend = codec_ == Codec::H264 ? "x264" : codec_ == Codec::HEVC ? "x265" : "svtav1";
        encoder_ = open_encoder(backend, sw_config_).encoder;
        needs_reopen_ = false;
        return NV_ENC_SUCCESS;
    } catch (const Error& e) {
        encoder_.reset();
        return fail(e.code() == ErrorCode::ResourceExhausted ? NV_ENC_ERR_OUT_OF_MEMORY : NV_ENC_ERR_INVALID_PARAM,
                    std::string("encoder rejected the configuration: ") + e.what());
    }
}

NVENCSTATUS Session::initialize(const NV_ENC_INITIALIZE_PARAMS* p) {
    if (!p) return fail(NV_ENC_ERR_INVALID_PTR, "NvEncInitializeEncoder: params is NULL");
    if (!struct_version_ok(p->version, api_, 5, true))
        return fail(NV_ENC_ERR_INVALID_VERSION, "NV_ENC_INITIALIZE_PARAMS.version does not match the session's API");
    if (initialized_) return fail(NV_ENC_ERR_INVALID_CALL, "encoder already initialized");
    if (api_.ordinal() < ((11u << 4) | 0u) && p->bufferFormat != NV_ENC_BUFFER_FORMAT_UNDEFINED)
        return fail(NV_ENC_ERR_INVALID_PARAM, "bufferFormat is a reserved field before API 11.0 and must be 0");
    const auto codec = codec_of(p->encodeGUID, api_);
    if (!codec) return fail(NV_ENC_ERR_INVALID_PARAM, "encodeGUID is not a codec this GPU encodes");
    NV_ENC_CONFIG config{};
    if (p->encodeConfig) {
        if (!struct_version_ok(p->encodeConfig->version, api_, api_.revisions().config, true))
            return fail(NV_ENC_ERR_INVALID_VERSION, "NV_ENC_CONFIG.version does not match the session's API");
        if (!struct_version_ok(p->encodeConfig->rcParams.version, api_, 1, false) && p->encodeConfig->rcParams.version != 0)
            return fail(NV_ENC_ERR_INVALID_VERSION, "NV_ENC_RC_PARAMS.version does not match the session's API");
        config = *p->encodeConfig;
    } else {
        const int preset = preset_index(p->presetGUID);
        if (!preset) return fail(NV_ENC_ERR_INVALID_PARAM, "unknown preset GUID");
        fill_preset_config(*codec, preset, p->tuningInfo, api_, config);
    }
    std::string why;
    EncoderConfig sw;
    if (NVENCSTATUS s = map_config(*p, config, *codec, sw, why); s != NV_ENC_SUCCESS) return fail(s, why);
    codec_ = *codec;
    sw_config_ = sw;
    init_ = *p;
    init_.encodeConfig = nullptr;
    config_ = config;
    if (NVENCSTATUS s = open_software_encoder(); s != NV_ENC_SUCCESS) return s;
    initialized_ = true;
    return NV_ENC_SUCCESS;
}

NVENCSTATUS Session::reconfigure(const NV_ENC_RECONFIGURE_PARAMS* p) {
    if (!p) return fail(NV_ENC_ERR_INVALID_PTR, "NvEncReconfigureEncoder: params is NULL");
    if (!struct_version_ok(p->version, api_, 1, true))
        return fail(NV_ENC_ERR_INVALID_VERSION, "NV_ENC_RECONFIGURE_PARAMS.version does not match the session's API");
    if (!initialized_) return fail(NV_ENC_ERR_ENCODER_NOT_INITIALIZED, "encoder not initialized");
    if (lost_) return fail(NV_ENC_ERR_DEVICE_NOT_EXIST, "the device was lost");
    const NV_ENC_INITIALIZE_PARAMS& n = p->reInitEncodeParams;
    if (!struct_version_ok(n.version, api_, 5, true))
        return fail(NV_ENC_ERR_INVALID_VERSION, "reInitEncodeParams.version does not match the session's API");
    if (!same_guid(n.encodeGUID, init_.encodeGUID)) return fail(NV_ENC_ERR_INVALID_PARAM, "the codec cannot change");
    NV_ENC_CONFIG config = config_;
    if (n.encodeConfig) {
        if (!struct_version_ok(n.encodeConfig->version, api_, api_.revisions().config, true))
            return fail(NV_ENC_ERR_INVALID_VERSION, "NV_ENC_CONFIG.version does not match the session's API");
        config = *n.encodeConfig;
    }
    std::string why;
    EncoderConfig sw;
    if (NVENCSTATUS s = map_config(n, config, codec_, sw, why); s != NV_ENC_SUCCESS) return fail(s, why);

    // Only the bitrate changes: done in place, no keyframe (NV_ENC_CAPS_SUPPORT_DYN_BITRATE_CHANGE).
    EncoderConfig same_rate = sw;
    same_rate.rc = sw_config_.rc;
    const bool only_rate = same_rate.width == sw_config_.width && same_rate.height == sw_config_.height &&
                           same_rate.fps_num == sw_config_.fps_num && same_rate.fps_den == sw_config_.fps_den &&
                           same_rate.gop_length == sw_config_.gop_length && same_rate.b_frames == sw_config_.b_frames &&
                           same_rate.chroma == sw_config_.chroma && same_rate.bit_depth == sw_config_.bit_depth &&
                           same_rate.intra_refresh == sw_config_.intra_refresh && same_rate.preset == sw_config_.preset &&
                           same_rate.tuning == sw_config_.tuning && sw.rc.mode == sw_config_.rc.mode;
    if (only_rate && !p->resetEncoder) {
        if (sw.rc.bitrate != sw_config_.rc.bitrate || sw.rc.max_bitrate != sw_config_.rc.max_bitrate) {
            if (sw.rc.mode != RateControlMode::CBR && sw.rc.mode != RateControlMode::VBR)
                return fail(NV_ENC_ERR_INVALID_PARAM, "bitrate change needs CBR or VBR");
            try {
                if (encoder_) encoder_->set_bitrate(sw.rc.bitrate, sw.rc.max_bitrate);
            } catch (const Error& e) {
                return fail(NV_ENC_ERR_INVALID_PARAM, e.what());
            }
        }
        sw_config_.rc = sw.rc;
        config_ = config;
        if (p->forceIDR) force_idr_next_ = true;
        return NV_ENC_SUCCESS;
    }
    if (sw.width > static_cast<int>(init_.maxEncodeWidth ? init_.maxEncodeWidth : init_.encodeWidth) ||
        sw.height > static_cast<int>(init_.maxEncodeHeight ? init_.maxEncodeHeight : init_.encodeHeight))
        return fail(NV_ENC_ERR_INVALID_PARAM, "new size exceeds maxEncodeWidth x maxEncodeHeight");
    if (!p->resetEncoder && !(sw.width == sw_config_.width && sw.height == sw_config_.height))
        return fail(NV_ENC_ERR_INVALID_PARAM, "this change needs resetEncoder=1");
    // A structural change: finish the current stream into the pending outputs, start a new one.
    if (NVENCSTATUS s = flush_encoder(); s != NV_ENC_SUCCESS) return s;
    sw_config_ = sw;
    config_ = config;
    init_.encodeWidth = n.encodeWidth;
    init_.encodeHeight = n.encodeHeight;
    init_.frameRateNum = n.frameRateNum;
    init_.frameRateDen = n.frameRateDen;
    needs_reopen_ = true;
    return NV_ENC_SUCCESS;
}

void Session::drain_packets() {
    if (!encoder_) return;
    while (auto packet = encoder_->receive_packet()) {
        if (pending_.empty()) break;  // cannot happen: one packet per submitted frame
        BitstreamBuffer* out = pending_.front();
        pending_.pop_front();
        out->data = std::move(packet->data);
        out->picture_type = picture_type_of(packet->type);
        // NVENC reports AV1's average QP as a qindex, like its QP settings.
        const uint32_t qp = packet->qp >= 0 ? static_cast<uint32_t>(packet->qp) : 0;
        out->avg_qp = codec_ == Codec::AV1 ? nvenc::av1_qindex_of(static_cast<int>(qp)) : qp;
        out->timestamp = static_cast<uint64_t>(packet->pts);
        out->state = BitstreamBuffer::State::Ready;
    }
}

// SVT-AV1 encodes on its own threads, so when a packet comes out depends on timing; NVENC
// in synchronous mode is deterministic. In low delay SVT-AV1 holds exactly one frame, so
// the emulator waits until no more than that is pending (in random access the frames it
// holds depend on the mini-GOP, and it must get more input; nothing to wait for there).
NVENCSTATUS Session::wait_for_structural_lag() {
    if (codec_ != Codec::AV1 || !svtav1_uses_low_delay(sw_config_)) return NV_ENC_SUCCESS;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (pending_.size() > 1) {
        if (std::chrono::steady_clock::now() > deadline)
            return fail(NV_ENC_ERR_GENERIC, "the software AV1 encoder produced no output for 30 s");
        std::this_thread::sleep_for(std::chrono::microseconds(100));
        drain_packets();
    }
    return NV_ENC_SUCCESS;
}

NVENCSTATUS Session::flush_encoder() {
    if (!encoder_) return NV_ENC_SUCCESS;
    try {
        encoder_->flush();
    } catch (const Error& e) {
        return fail(NV_ENC_ERR_GENERIC, e.what());
    }
    drain_packets();
    needs_reopen_ = true;
    return NV_ENC_SUCCESS;
}

NVENCSTATUS Session::encode(const NV_ENC_PIC_PARAMS* p) {
    if (!p) return fail(NV_ENC_ERR_INVALID_PTR, "NvEncEncodePicture: params is NULL");
    // Revisions 4 and 6 share the head read here (6 is longer: its codec union holds AV1).
    if (!struct_version_ok(p->version, api_, api_.revisions().pic_params, true))
        return fail(NV_ENC_ERR_INVALID_VERSION, "NV_ENC_PIC_PARAMS.version does not match the session's API");
    if (!initialized_) return fail(NV_ENC_ERR_ENCODER_NOT_INITIALIZED, "encoder not initialized");
    if (lost_) return fail(NV_ENC_ERR_DEVICE_NOT_EXIST, "the device was lost; destroy this session");

    if (p->encodePicFlags & NV_ENC_PIC_FLAG_EOS) {
        if (NVENCSTATUS s = flush_encoder(); s != NV_ENC_SUCCESS) return s;
        return pending_.empty() ? NV_ENC_SUCCESS : fail(NV_ENC_ERR_GENERIC, "frames lost at end of stream");
    }
    if (!p->inputBuffer) return fail(NV_ENC_ERR_INVALID_PTR, "inputBuffer is NULL");
    if (!p->outputBitstream) return fail(NV_ENC_ERR_INVALID_PTR, "outputBitstream is NULL");
    if (p->pictureStruct != NV_ENC_PIC_STRUCT_FRAME)
        return fail(NV_ENC_ERR_UNSUPPORTED_PARAM, "field pictures are not supported by this GPU");
    if (p->inputWidth != init_.encodeWidth || p->inputHeight != init_.encodeHeight)
        return fail(NV_ENC_ERR_INVALID_PARAM, "inputWidth x inputHeight " + std::to_string(p->inputWidth) + "x" +
                                                  std::to_string(p->inputHeight) + " differs from the encode size");
    if ((p->encodePicFlags & ~0xfu) != 0) return fail(NV_ENC_ERR_INVALID_PARAM, "unknown encodePicFlags bits");

    // Resolve the input: an input buffer or a mapped registered resource of this session.
    const uint8_t* base = nullptr;
    uint32_t pitch = 0, width = 0, height = 0;
    NV_ENC_BUFFER_FORMAT format = NV_ENC_BUFFER_FORMAT_UNDEFINED;
    if (InputBuffer* in = find_input(p->inputBuffer)) {
        if (in->locked) return fail(NV_ENC_ERR_INVALID_PARAM, "input buffer is still locked");
        base = in->storage.get();
        pitch = in->pitch;
        width = in->width;
        height = in->height;
        format = in->format;
    } else if (MappedResource* m = find_mapped(p->inputBuffer)) {
        base = reinterpret_cast<const uint8_t*>(m->resource->device_ptr);
        pitch = m->resource->pitch;
        width = m->resource->width;
        height = m->resource->height;
        format = m->resource->format;
    } else {
        return fail(NV_ENC_ERR_INVALID_PARAM, "inputBuffer is not an input buffer or mapped resource of this session");
    }
    if (p->bufferFmt != format) return fail(NV_ENC_ERR_INVALID_PARAM, "bufferFmt differs from the input's format");
    if (width < init_.encodeWidth || height < init_.encodeHeight)
        return fail(NV_ENC_ERR_INVALID_PARAM, "input surface is smaller than the encode size");
    const BufferLayout layout = layout_of(format);
    if (layout.ten_bit && sw_config_.bit_depth == 8 && codec_ == Codec::H264)
        return fail(NV_ENC_ERR_UNSUPPORTED_PARAM, "10-bit input for an 8-bit H.264 session");
    if (layout.yuv444 != (sw_config_.chroma == ChromaFormat::YUV444))
        return fail(NV_ENC_ERR_INVALID_PARAM, "input chroma format differs from the session's chromaFormatIDC");

    BitstreamBuffer* out = find_bitstream(p->outputBitstream);
    if (!out) return fail(NV_ENC_ERR_INVALID_PARAM, "outputBitstream is not a bitstream buffer of this session");
    if (out->state != BitstreamBuffer::State::Free)
        return fail(NV_ENC_ERR_INVALID_PARAM, "outputBitstream is still in use (lock and unlock it first)");
    if (p->encodePicFlags & NV_ENC_PIC_FLAG_FORCEIDR && !init_.enablePTD)
        return fail(NV_ENC_ERR_INVALID_PARAM, "NV_ENC_PIC_FLAG_FORCEIDR needs enablePTD");

    const Faults faults = current_faults();
    if (consume_frame_and_check_device_lost(faults)) {
        lost_ = true;
        return fail(NV_ENC_ERR_DEVICE_NOT_EXIST, "the GPU fell off the bus (emulated fault device_lost_at)");
    }

    // Describe the input memory as an nvcast frame; the software backend converts as needed.
    const uint32_t w = init_.encodeWidth, h = init_.encodeHeight;
    const uint8_t* chroma = base + static_cast<size_t>(pitch) * height;
    Frame frame;
    auto* b = const_cast<uint8_t*>(base);
    auto* c = const_cast<uint8_t*>(chroma);
    const int ip = static_cast<int>(pitch);
    switch (format) {
        case NV_ENC_BUFFER_FORMAT_NV12: frame = Frame::wrap(PixelFormat::NV12, int(w), int(h), MemoryType::Host, {b, c, nullptr}, {ip, ip, 0}); break;
        case NV_ENC_BUFFER_FORMAT_YUV420_10BIT: frame = Frame::wrap(PixelFormat::P010, int(w), int(h), MemoryType::Host, {b, c, nullptr}, {ip, ip, 0}); break;
        case NV_ENC_BUFFER_FORMAT_IYUV:
        case NV_ENC_BUFFER_FORMAT_YV12: {
            uint8_t* first = c;
            uint8_t* second = c + static_cast<size_t>(pitch / 2) * (height / 2);
            if (format == NV_ENC_BUFFER_FORMAT_YV12) std::swap(first, second);
            frame = Frame::wrap(PixelFormat::I420, int(w), int(h), MemoryType::Host, {b, first, second}, {ip, ip / 2, ip / 2});
            break;
        }
        case NV_ENC_BUFFER_FORMAT_YUV444: {
            frame = Frame::wrap(PixelFormat::I444, int(w), int(h), MemoryType::Host,
                                {b, c, c + static_cast<size_t>(pitch) * height}, {ip, ip, ip});
            break;
        }
        case NV_ENC_BUFFER_FORMAT_YUV444_10BIT: {
            // MSB-aligned in NVENC, LSB-aligned in nvcast: shift into a scratch frame.
            if (scratch_.empty() || scratch_.width() != int(w) || scratch_.height() != int(h))
                scratch_ = Frame::allocate(PixelFormat::I444_10, int(w), int(h));
            for (int plane = 0; plane < 3; ++plane)
                for (uint32_t y = 0; y < h; ++y) {
                    const auto* src = reinterpret_cast<const uint16_t*>(base + (static_cast<size_t>(plane) * height + y) * pitch);
                    auto* dst = reinterpret_cast<uint16_t*>(scratch_.data(plane) + static_cast<size_t>(y) * scratch_.pitch(plane));
                    for (uint32_t x = 0; x < w; ++x) dst[x] = static_cast<uint16_t>(src[x] >> 6);
                }
            frame = scratch_;
            break;
        }
        default: return fail(NV_ENC_ERR_INVALID_PARAM, "unsupported buffer format");
    }
    frame.pts = static_cast<int64_t>(p->inputTimeStamp);

    if (needs_reopen_ || !encoder_) {
        if (NVENCSTATUS s = open_software_encoder(); s != NV_ENC_SUCCESS) return s;
    }
    FrameOptions options;
    options.force_idr = (p->encodePicFlags & NV_ENC_PIC_FLAG_FORCEIDR) || force_idr_next_;
    options.force_intra = (p->encodePicFlags & NV_ENC_PIC_FLAG_FORCEINTRA) || force_intra_next_;
    force_idr_next_ = force_intra_next_ = false;
    out->state = BitstreamBuffer::State::Pending;
    out->submit_order = submit_counter_++;
    out->frame_idx = p->frameIdx;
    out->duration = p->inputDuration;
    pending_.push_back(out);
    try {
        encoder_->send_frame(frame, options);
    } catch (const Error& e) {
        pending_.pop_back();
        out->state = BitstreamBuffer::State::Free;
        return fail(NV_ENC_ERR_GENERIC, e.what());
    }
    recent_timestamps_.push_back(p->inputTimeStamp);
    if (recent_timestamps_.size() > 16) recent_timestamps_.pop_front();
    drain_packets();
    if (NVENCSTATUS s = wait_for_structural_lag(); s != NV_ENC_SUCCESS) return s;
    if ((p->encodePicFlags & NV_ENC_PIC_FLAG_OUTPUT_SPSPPS) && out->state == BitstreamBuffer::State::Ready &&
        out->picture_type != NV_ENC_PIC_TYPE_IDR) {
        // Parameter sets in front of this picture (IDRs carry them already).
        try {
            std::vector<uint8_t> headers = encoder_->codec_headers();
            const auto at = out->data.begin() + static_cast<std::ptrdiff_t>(header_position(codec_, out->data));
            out->data.insert(at, headers.begin(), headers.end());
        } catch (const Error&) {
        }
    }
    // The wrapped software encoder releases B-frame mini-GOPs one frame per call (a constant
    // lag) rather than all at once like the hardware: SUCCESS as soon as output is ready, and
    // buffers still pending answer NV_ENC_ERR_LOCK_BUSY to a doNotWait lock.
    for (auto& bs : bitstreams_)
        if (bs->state == BitstreamBuffer::State::Ready) return NV_ENC_SUCCESS;
    return NV_ENC_ERR_NEED_MORE_INPUT;
}

NVENCSTATUS Session::lock_bitstream(NV_ENC_LOCK_BITSTREAM* p) {
    if (!p) return fail(NV_ENC_ERR_INVALID_PTR, "NvEncLockBitstream: params is NULL");
    if (!struct_version_ok(p->version, api_, api_.revisions().lock_bitstream, false))
        return fail(NV_ENC_ERR_INVALID_VERSION, "NV_ENC_LOCK_BITSTREAM.version does not match the session's API");
    if (lost_) return fail(NV_ENC_ERR_DEVICE_NOT_EXIST, "the device was lost");
    BitstreamBuffer* b = find_bitstream(p->outputBitstream);
    if (!b) return fail(NV_ENC_ERR_INVALID_PARAM, "outputBitstream is not a bitstream buffer of this session");
    switch (b->state) {
        case BitstreamBuffer::State::Free: return fail(NV_ENC_ERR_INVALID_PARAM, "bitstream buffer was not submitted");
        case BitstreamBuffer::State::Locked: return fail(NV_ENC_ERR_INVALID_CALL, "bitstream buffer is already locked");
        case BitstreamBuffer::State::Pending:
            if (p->doNotWait) return NV_ENC_ERR_LOCK_BUSY;
            return fail(NV_ENC_ERR_INVALID_CALL,
                        "bitstream not ready: NvEncEncodePicture returned NV_ENC_ERR_NEED_MORE_INPUT for it");
        case BitstreamBuffer::State::Ready: break;
    }
    // Outputs must be locked in submission order.
    for (auto& other : bitstreams_)
        if (other.get() != b && other->state == BitstreamBuffer::State::Ready && other->submit_order < b->submit_order)
            return fail(NV_ENC_ERR_INVALID_CALL, "bitstream buffers must be locked in submission order");
    if (b->data.size() > b->capacity)
        return fail(NV_ENC_ERR_NOT_ENOUGH_BUFFER, "encoded picture (" + std::to_string(b->data.size()) +
                                                      " bytes) exceeds the bitstream buffer size");
    b->state = BitstreamBuffer::State::Locked;
    p->bitstreamBufferPtr = b->data.data();
    p->bitstreamSizeInBytes = static_cast<uint32_t>(b->data.size());
    p->outputTimeStamp = b->timestamp;
    p->outputDuration = b->duration;
    p->frameIdx = b->frame_idx;
    p->pictureType = b->picture_type;
    p->pictureStruct = NV_ENC_PIC_STRUCT_FRAME;
    p->frameAvgQP = b->avg_qp;
    p->hwEncodeStatus = 0;
    p->numSlices = 1;
    p->ltrFrame = 0;
    p->temporalId = 0;
    return NV_ENC_SUCCESS;
}

NVENCSTATUS Session::unlock_bitstream(void* buffer) {
    BitstreamBuffer* b = find_bitstream(buffer);
    if (!b) return fail(NV_ENC_ERR_INVALID_PARAM, "not a bitstream buffer of this session");
    if (b->state != BitstreamBuffer::State::Locked) return fail(NV_ENC_ERR_INVALID_CALL, "bitstream buffer is not locked");
    b->state = BitstreamBuffer::State::Free;
    b->data.clear();
    return NV_ENC_SUCCESS;
}

NVENCSTATUS Session::sequence_params(NV_ENC_SEQUENCE_PARAM_PAYLOAD* p) {
    if (!p) return fail(NV_ENC_ERR_INVALID_PTR, "NvEncGetSequenceParams: payload is NULL");
    if (!struct_version_ok(p->version, api_, 1, false))
        return fail(NV_ENC_ERR_INVALID_VERSION, "NV_ENC_SEQUENCE_PARAM_PAYLOAD.version does not match the session's API");
    if (!initialized_) return fail(NV_ENC_ERR_ENCODER_NOT_INITIALIZED, "encoder not initialized");
    if (!p->spsppsBuffer || !p->outSPSPPSPayloadSize) return fail(NV_ENC_ERR_INVALID_PTR, "spsppsBuffer or size pointer is NULL");
    if (needs_reopen_ || !encoder_)
        if (NVENCSTATUS s = open_software_encoder(); s != NV_ENC_SUCCESS) return s;
    std::vector<uint8_t> headers;
    try {
        headers = encoder_->codec_headers();
    } catch (const Error& e) {
        return fail(NV_ENC_ERR_GENERIC, e.what());
    }
    if (headers.size() > p->inBufferSize)
        return fail(NV_ENC_ERR_INVALID_PARAM, "inBufferSize too small for the parameter sets");
    std::memcpy(p->spsppsBuffer, headers.data(), headers.size());
    *p->outSPSPPSPayloadSize = static_cast<uint32_t>(headers.size());
    return NV_ENC_SUCCESS;
}

NVENCSTATUS Session::invalidate(uint64_t timestamp) {
    if (!initialized_) return fail(NV_ENC_ERR_ENCODER_NOT_INITIALIZED, "encoder not initialized");
    if (lost_) return fail(NV_ENC_ERR_DEVICE_NOT_EXIST, "the device was lost");
    if (std::find(recent_timestamps_.begin(), recent_timestamps_.end(), timestamp) == recent_timestamps_.end())
        return fail(NV_ENC_ERR_INVALID_PARAM, "no recent reference frame has timestamp " + std::to_string(timestamp));
    // The wrapped encoder cannot drop single references; the next picture is coded intra,
    // which never references the invalidated frame (NVENC may pick an older reference instead).
    force_intra_next_ = true;
    return NV_ENC_SUCCESS;
}

}  // namespace nvcast::emu

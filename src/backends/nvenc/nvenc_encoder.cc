#include "backends/nvenc/nvenc_encoder.h"

#include <algorithm>

#include "backends/backend_options.h"
#include "backends/nvenc/api12.h"
#include "nvcast/backend.h"
#include "nvcast/log.h"

namespace nvcast::nvenc {
namespace {

FrameType frame_type_of(NV_ENC_PIC_TYPE type) {
    switch (type) {
        case NV_ENC_PIC_TYPE_IDR: return FrameType::IDR;
        case NV_ENC_PIC_TYPE_I: return FrameType::I;
        case NV_ENC_PIC_TYPE_P:
        case NV_ENC_PIC_TYPE_NONREF_P:
        case NV_ENC_PIC_TYPE_INTRA_REFRESH: return FrameType::P;
        case NV_ENC_PIC_TYPE_B:
        case NV_ENC_PIC_TYPE_BI: return FrameType::B;
        default: return FrameType::Unknown;
    }
}

}  // namespace

Options Options::from_config(const EncoderConfig& config) {
    Options o;
    o.device = config.gpu;
    o.output_delay = backend_option_int(config, "nvenc", "output_delay", 0, 0, 16);
    o.allow_fallback = backend_option_bool(config, "nvenc", "fallback", true);
    return o;
}

NvencEncoder::NvencEncoder(const EncoderConfig& config, const Options& options) : Encoder(config), options_(options) {
    const Driver& driver = load_driver();
    output_delay_ = static_cast<size_t>(std::max(0, options.output_delay));
    // Zero-latency sessions have nothing in flight after each call; others keep a copy of
    // every frame until its packet is out, to resubmit it after a device loss.
    keep_copies_ = !(wants_zero_latency(config) && output_delay_ == 0);
    // AV1 output comes in display order (each packet a temporal unit ending in a shown
    // frame), so dts = pts; H.264/HEVC with B-frames in coding order need a dts shift.
    dts_shift_ = config.codec == Codec::AV1 || config.b_frames == 0 ? 0 : config.b_frames == 1 ? 1 : 2;
    if (options.device >= 0) {
        open_session(options.device);
        return;
    }
    const int count = device_count(driver);
    if (count == 0) throw Error(ErrorCode::Unavailable, "nvenc: the NVIDIA driver reports no CUDA device");
    std::string errors;
    for (int d = 0; d < count; ++d) {
        try {
            open_session(d);
            return;
        } catch (const Error& e) {
            destroy_session();
            if (count == 1) throw;
            errors += (errors.empty() ? "" : "; ") + std::string(e.what());
        }
    }
    throw Error(ErrorCode::Unavailable, "nvenc: no GPU can encode " + std::string(to_string(config.codec)) + ": " + errors);
}

NvencEncoder::~NvencEncoder() { destroy_session(); }

std::string NvencEncoder::backend_name() const {
    return stats_.fallback.empty() ? "nvenc" : "nvenc (fell back to " + stats_.fallback + ")";
}

void NvencEncoder::open_session(int ordinal) {
    const Driver& driver = load_driver();
    device_ = DeviceContext::get(driver, ordinal);
    gpu_name_ = device_->name();
    api_ = negotiate(config_.codec, driver_max_api(driver));
    ContextScope scope(*device_);
    session_ = std::make_unique<SessionHandle>(device_, api_);
    if (!codec_supported(*session_, config_.codec))
        throw Error(ErrorCode::Unsupported, "nvenc: the NVENC engine of '" + gpu_name_ + "' cannot encode " +
                                                std::string(to_string(config_.codec)));
    caps_ = query_caps(*session_, config_.codec);
    check_config(config_, caps_, gpu_name_);
    build_session_params(*session_, config_, params_);
    session_->check(session_->fn().nvEncInitializeEncoder(session_->encoder(), &params_.init), "nvEncInitializeEncoder");
    // B-frames hold frames back (plus a lookahead in the driver): room for twice that.
    // Input buffers are created on first use, so spare slots cost nothing on hardware.
    const bool driver_may_hold = config_.b_frames > 0 || !wants_zero_latency(config_);
    slots_.resize(output_delay_ + 4 + (driver_may_hold ? static_cast<size_t>(3 * config_.b_frames) + 32 : 0));
    for (Slot& s : slots_) {
        NV_ENC_CREATE_BITSTREAM_BUFFER out{};
        out.version = api_.struct_version(1);
        session_->check(session_->fn().nvEncCreateBitstreamBuffer(session_->encoder(), &out), "nvEncCreateBitstreamBuffer");
        s.output = out.bitstreamBuffer;
    }
    cache_ = std::make_unique<ResourceCache>(*session_);
}

void NvencEncoder::destroy_session() noexcept {
    if (!session_) {
        slots_.clear();
        pending_.clear();
        input_pts_.clear();
        return;
    }
    try {
        ContextScope scope(*device_);
        if (cache_) stats_.registrations += static_cast<int64_t>(cache_->registrations());
        cache_.reset();
        for (Slot& s : slots_) {
            if (s.input) session_->fn().nvEncDestroyInputBuffer(session_->encoder(), s.input);
            if (s.output) session_->fn().nvEncDestroyBitstreamBuffer(session_->encoder(), s.output);
        }
    } catch (const Error&) {
    }
    slots_.clear();
    pending_.clear();
    input_pts_.clear();
    session_.reset();
}

void NvencEncoder::submit(const Frame& frame, const FrameOptions& options) {
    size_t index = slots_.size();
    for (size_t i = 0; i < slots_.size(); ++i)
        if (!slots_[i].busy) {
            index = i;
            break;
        }
    if (index == slots_.size())
        throw Error(ErrorCode::EncoderFailure, "nvenc: all " + std::to_string(slots_.size()) +
                                                   " surfaces are in flight (the driver holds more frames than expected)");
    Slot& s = slots_[index];
    const auto& fn = session_->fn();
    NV_ENC_PIC_PARAMS pic{};
    pic.inputWidth = static_cast<uint32_t>(config_.width);
    pic.inputHeight = static_cast<uint32_t>(config_.height);
    pic.pictureStruct = NV_ENC_PIC_STRUCT_FRAME;
    if (frame.memory() == MemoryType::Host) {
        if (!s.input) {
            NV_ENC_CREATE_INPUT_BUFFER in{};
            in.version = api_.struct_version(1);
            in.width = pic.inputWidth;
            in.height = pic.inputHeight;
            in.bufferFmt = params_.host_format;
            session_->check(fn.nvEncCreateInputBuffer(session_->encoder(), &in), "nvEncCreateInputBuffer");
            s.input = in.inputBuffer;
        }
        NV_ENC_LOCK_INPUT_BUFFER lock{};
        lock.version = api_.struct_version(1);
        lock.inputBuffer = s.input;
        session_->check(fn.nvEncLockInputBuffer(session_->encoder(), &lock), "nvEncLockInputBuffer");
        upload_host_frame(frame, static_cast<uint8_t*>(lock.bufferDataPtr), lock.pitch);
        session_->check(fn.nvEncUnlockInputBuffer(session_->encoder(), s.input), "nvEncUnlockInputBuffer");
        pic.inputBuffer = s.input;
        pic.inputPitch = lock.pitch;
        pic.bufferFmt = params_.host_format;

    } else {
        s.mapped = cache_->map(frame);
        pic.inputBuffer = s.mapped;
        pic.inputPitch = static_cast<uint32_t>(frame.pitch(0));
        pic.bufferFmt = device_format_for(frame.format());

    }
    pic.outputBitstream = s.output;
    pic.frameIdx = frame_idx_++;
    pic.inputTimeStamp = static_cast<uint64_t>(frame.pts);
    pic.inputDuration = 1;
    if (options.force_idr || next_idr_) pic.encodePicFlags |= NV_ENC_PIC_FLAG_FORCEIDR | NV_ENC_PIC_FLAG_OUTPUT_SPSPPS;
    if (options.force_intra) pic.encodePicFlags |= NV_ENC_PIC_FLAG_FORCEINTRA;
    const NVENCSTATUS status = session_->encode_picture(pic);
    if (status != NV_ENC_SUCCESS && status != NV_ENC_ERR_NEED_MORE_INPUT) {
        if (s.mapped) {
            try {
                cache_->unmap(s.mapped);
            } catch (const Error&) {
            }
            s.mapped = nullptr;
        }
        session_->check(status, "nvEncEncodePicture");
    }
    next_idr_ = false;
    s.busy = true;
    pending_.push_back(index);
    input_pts_.push_back(frame.pts);
    InFlight f;
    f.pts = frame.pts;
    f.options = options;
    if (keep_copies_ && frame.memory() == MemoryType::Host) {
        if (!spare_copies_.empty()) {
            f.frame = std::move(spare_copies_.back());
            spare_copies_.pop_back();
        }
        if (f.frame.empty() || f.frame.format() != frame.format())
            f.frame = Frame::allocate(frame.format(), frame.width(), frame.height());
        copy_frame_pixels(frame, f.frame);
        f.frame.pts = frame.pts;
        f.frame.color = frame.color;
        f.has_frame = true;
    } else if (keep_copies_) {
        f.frame = frame;  // device memory must stay untouched until the packet is out anyway
        f.has_frame = true;
    }
    in_flight_.push_back(std::move(f));
    if (status == NV_ENC_SUCCESS) collect(output_delay_);
}

void NvencEncoder::collect(size_t keep) {
    const auto& fn = session_->fn();
    bool first = true;
    while (pending_.size() > keep) {
        Slot& s = slots_[pending_.front()];
        NV_ENC_LOCK_BITSTREAM lock{};
        lock.version = api_.struct_version(api_.revisions().lock_bitstream);
        lock.outputBitstream = s.output;
        // After NV_ENC_SUCCESS the oldest output is ready: wait for it (zero latency). Later ones
        // may not be (hardware still busy, or a software encoder releasing a mini-GOP one frame
        // per call): don't block on them, they come with the next call. After EOS all are ready.
        lock.doNotWait = draining_ || first ? 0 : 1;
        first = false;
        const NVENCSTATUS locked = fn.nvEncLockBitstream(session_->encoder(), &lock);
        if (locked == NV_ENC_ERR_LOCK_BUSY && lock.doNotWait) break;
        session_->check(locked, "nvEncLockBitstream");
        Packet p;
        const auto* data = static_cast<const uint8_t*>(lock.bitstreamBufferPtr);
        p.data.assign(data, data + lock.bitstreamSizeInBytes);
        p.pts = static_cast<int64_t>(lock.outputTimeStamp);
        p.dts = input_pts_.front() - dts_shift_;
        p.type = frame_type_of(lock.pictureType);
        p.keyframe = lock.pictureType == NV_ENC_PIC_TYPE_IDR;
        p.qp = config_.codec == Codec::AV1 ? av1_quantizer_of(lock.frameAvgQP) : static_cast<int>(lock.frameAvgQP);
        session_->check(fn.nvEncUnlockBitstream(session_->encoder(), s.output), "nvEncUnlockBitstream");
        if (s.mapped) {
            cache_->unmap(s.mapped);
            s.mapped = nullptr;
        }
        s.busy = false;
        pending_.pop_front();
        input_pts_.pop_front();
        for (auto it = in_flight_.begin(); it != in_flight_.end(); ++it)
            if (it->pts == p.pts) {
                if (it->has_frame && it->frame.memory() == MemoryType::Host) spare_copies_.push_back(std::move(it->frame));
                in_flight_.erase(it);
                break;
            }
        packets_.push_back(std::move(p));
    }
}

void NvencEncoder::send_frame(const Frame& frame, const FrameOptions& options) {
    if (try_send_frame(frame, options) == SendResult::TryAgain)
        throw Error(ErrorCode::ResourceExhausted,
                    "nvenc: all " + std::to_string(slots_.size()) +
                        " input surfaces are busy and finished packets are waiting: read them (receive_packet) first");
}

SendResult NvencEncoder::try_send_frame(const Frame& frame, const FrameOptions& options) {
    if (flushed_) throw Error(ErrorCode::InvalidState, "nvenc: send_frame after flush");
    if (frame.width() != config_.width || frame.height() != config_.height || frame.format() != config_.input_format)
        throw Error(ErrorCode::InvalidArgument,
                    "nvenc: frame is " + std::to_string(frame.width()) + "x" + std::to_string(frame.height()) + " " +
                        std::string(to_string(frame.format())) + ", the session expects " +
                        std::to_string(config_.width) + "x" + std::to_string(config_.height) + " " +
                        std::string(to_string(config_.input_format)));
    if (fallback_) {
        fallback_->send_frame(to_host(frame), options);
        ++stats_.submitted;
        return SendResult::Accepted;
    }
    // Finished packets nobody reads would pile up without bound: as many as there are surfaces is the limit.
    const bool slot_free = std::any_of(slots_.begin(), slots_.end(), [](const Slot& s) { return !s.busy; });
    if (!slot_free || packets_.size() >= slots_.size()) return SendResult::TryAgain;
    ++stats_.submitted;
    try {
        ContextScope scope(*device_);
        submit(frame, options);
    } catch (const Error& e) {
        if (e.code() != ErrorCode::DeviceLost) {
            --stats_.submitted;  // not accepted: the caller still owns it
            throw;
        }
        recover(&frame, options, e);
    }
    return SendResult::Accepted;
}

void NvencEncoder::recover(const Frame* current, const FrameOptions& options, const Error& cause) {
    std::vector<std::pair<Frame, FrameOptions>> frames;
    for (InFlight& f : in_flight_) {
        if (f.has_frame) frames.emplace_back(std::move(f.frame), f.options);
        else ++stats_.dropped;
    }
    in_flight_.clear();
    if (current) frames.emplace_back(*current, options);
    log(LogLevel::Warn, std::string(cause.what()) + "; reopening the NVENC session");
    const int ordinal = device_->ordinal();
    destroy_session();
    try {
        open_session(ordinal);
        ++stats_.recoveries;
        next_idr_ = true;
        ContextScope scope(*device_);
        for (auto& [f, o] : frames) submit(f, o);
        log(LogLevel::Info, "nvenc: session reopened on '" + gpu_name_ + "'; resubmitted " +
                                std::to_string(frames.size()) + " frame(s) starting with an IDR");
    } catch (const Error& again) {
        if (!options_.allow_fallback)
            throw Error(ErrorCode::DeviceLost, std::string(cause.what()) + "; reopening failed: " + again.what());
        destroy_session();
        log(LogLevel::Warn, std::string("nvenc: cannot reopen (") + again.what() + ")");
        start_fallback(frames);
    }
}

void NvencEncoder::start_fallback(std::vector<std::pair<Frame, FrameOptions>>& frames) {
    std::string tried;
    for (const Backend* b : registered_backends()) {
        const BackendInfo info = b->probe();
        if (info.name == "nvenc" || !info.available) continue;
        bool codec_ok = false;
        for (const auto& c : info.codecs) codec_ok |= c.codec == config_.codec;
        if (!codec_ok) continue;
        try {
            fallback_ = b->create(config_);
            stats_.fallback = info.name;
            break;
        } catch (const Error& e) {
            tried += (tried.empty() ? "" : "; ") + info.name + ": " + e.what();
        }
    }
    if (!fallback_)
        throw Error(ErrorCode::DeviceLost, "nvenc: the GPU was lost and no software backend can take over" +
                                               (tried.empty() ? std::string() : " (" + tried + ")"));
    log(LogLevel::Warn, "nvenc: continuing on " + stats_.fallback + " (new IDR); " + std::to_string(frames.size()) +
                            " in-flight frame(s) handed over");
    for (auto& [f, o] : frames) fallback_->send_frame(to_host(f), o);
}

Frame NvencEncoder::to_host(const Frame& frame) const {
    if (frame.memory() == MemoryType::Host) return frame;
    Frame host = Frame::allocate(frame.format(), frame.width(), frame.height());
    host.pts = frame.pts;
    host.color = frame.color;
    const CudaApi& cu = load_driver().cuda;
    for (int p = 0; p < frame.plane_count(); ++p) {
        CUDA_MEMCPY2D copy{};
        copy.srcMemoryType = static_cast<CUmemorytype>(2);  // device
        copy.srcDevice = reinterpret_cast<CUdeviceptr>(frame.data(p));
        copy.srcPitch = static_cast<size_t>(frame.pitch(p));
        copy.dstMemoryType = static_cast<CUmemorytype>(1);  // host
        copy.dstHost = host.data(p);
        copy.dstPitch = static_cast<size_t>(host.pitch(p));
        copy.WidthInBytes = plane_row_bytes(frame.format(), frame.width(), p);
        copy.Height = static_cast<size_t>(plane_rows(frame.format(), frame.height(), p));
        const CUresult r = cu.memcpy_2d(&copy);
        if (r != CUDA_SUCCESS)
            throw Error(ErrorCode::DeviceLost, "nvenc: cannot read a device frame back for the software fallback: " +
                                                   cuda_error_text(cu, r));
    }
    return host;
}

void NvencEncoder::drain_fallback() {
    while (auto p = fallback_->receive_packet()) packets_.push_back(std::move(*p));
}

std::optional<Packet> NvencEncoder::receive_packet() {
    if (fallback_) drain_fallback();
    if (packets_.empty()) return std::nullopt;
    Packet p = std::move(packets_.front());
    packets_.pop_front();
    ++stats_.packets;
    return p;
}

void NvencEncoder::flush() {
    if (flushed_) return;
    if (fallback_) {
        flushed_ = true;
        fallback_->flush();
        drain_fallback();
        return;
    }
    try {
        ContextScope scope(*device_);
        NV_ENC_PIC_PARAMS eos{};
        eos.encodePicFlags = NV_ENC_PIC_FLAG_EOS;
        session_->check(session_->encode_picture(eos), "nvEncEncodePicture(EOS)");
        draining_ = true;
        collect(0);
        draining_ = false;
        flushed_ = true;
    } catch (const Error& e) {
        if (e.code() != ErrorCode::DeviceLost) throw;
        recover(nullptr, {}, e);
        flush();
    }
}

void NvencEncoder::set_bitrate(int64_t bitrate, int64_t max_bitrate) {
    if (fallback_) {
        fallback_->set_bitrate(bitrate, max_bitrate);
        config_.rc = fallback_->config().rc;
        return;
    }
    if (config_.rc.mode != RateControlMode::CBR && config_.rc.mode != RateControlMode::VBR)
        throw Error(ErrorCode::Unsupported, "nvenc: the bitrate of a " + std::string(to_string(config_.rc.mode)) +
                                                " session cannot change; open it with cbr or vbr");
    if (!caps_.caps.dynamic_bitrate)
        throw Error(ErrorCode::Unsupported, "nvenc: '" + gpu_name_ + "' cannot change the bitrate mid-stream");
    if (bitrate <= 0 || bitrate > 0xffffffffLL || max_bitrate < 0 || (max_bitrate > 0 && max_bitrate < bitrate))
        throw Error(ErrorCode::InvalidArgument, "nvenc: new bitrate " + std::to_string(bitrate) + " / max " +
                                                    std::to_string(max_bitrate) + " is invalid");
    EncoderConfig next = config_;
    next.rc.bitrate = bitrate;
    next.rc.max_bitrate = max_bitrate;
    NV_ENC_RC_PARAMS rc = params_.config.rcParams;
    apply_rate_control(next, rc);
    NV_ENC_CONFIG config = params_.config;
    config.rcParams = rc;
    NV_ENC_RECONFIGURE_PARAMS r{};
    r.version = api_.struct_version(1, true);
    r.reInitEncodeParams = params_.init;
    r.reInitEncodeParams.encodeConfig = &config;
    r.resetEncoder = 0;
    r.forceIDR = 0;
    ContextScope scope(*device_);
    session_->check(session_->fn().nvEncReconfigureEncoder(session_->encoder(), &r), "nvEncReconfigureEncoder");
    params_.config = config;
    params_.bind();
    config_.rc = next.rc;
}

std::vector<uint8_t> NvencEncoder::codec_headers() {
    if (fallback_) return fallback_->codec_headers();
    std::vector<uint8_t> buffer(NV_MAX_SEQ_HDR_LEN * 4);
    uint32_t size = 0;
    NV_ENC_SEQUENCE_PARAM_PAYLOAD p{};
    p.version = api_.struct_version(1);
    p.inBufferSize = static_cast<uint32_t>(buffer.size());
    p.spsppsBuffer = buffer.data();
    p.outSPSPPSPayloadSize = &size;
    ContextScope scope(*device_);
    session_->check(session_->fn().nvEncGetSequenceParams(session_->encoder(), &p), "nvEncGetSequenceParams");
    buffer.resize(size);
    return buffer;
}

void NvencEncoder::invalidate_reference(int64_t pts) {
    if (fallback_) throw Error(ErrorCode::Unsupported, "nvenc: reference invalidation is not available after falling back to " + stats_.fallback);
    if (!caps_.caps.reference_invalidation)
        throw Error(ErrorCode::Unsupported, "nvenc: '" + gpu_name_ + "' cannot invalidate reference frames");
    ContextScope scope(*device_);
    session_->check(session_->fn().nvEncInvalidateRefFrames(session_->encoder(), static_cast<uint64_t>(pts)),
                    "nvEncInvalidateRefFrames");
}

}  // namespace nvcast::nvenc

// include/nvcast/nvenc.h over NvencEncoder: exceptions become status codes + text.
#include "nvcast/nvenc.h"

#include <new>
#include <string>

#include "backends/nvenc/nvenc_encoder.h"

struct nvenc_encoder {
    std::unique_ptr<nvcast::nvenc::NvencEncoder> encoder;
    nvcast::Packet current;
    std::string error;
    bool flushed = false;
};

namespace {

thread_local std::string t_init_error;

nvenc_status status_of(nvcast::ErrorCode code) {
    using nvcast::ErrorCode;
    switch (code) {
        case ErrorCode::InvalidArgument:
        case ErrorCode::InvalidData: return NVENC_ERROR_INVALID_ARGUMENT;
        case ErrorCode::Unsupported: return NVENC_ERROR_UNSUPPORTED;
        case ErrorCode::Unavailable: return NVENC_ERROR_UNAVAILABLE;
        case ErrorCode::ResourceExhausted: return NVENC_ERROR_RESOURCE_EXHAUSTED;
        case ErrorCode::DeviceLost: return NVENC_ERROR_DEVICE_LOST;
        case ErrorCode::InvalidState: return NVENC_ERROR_INVALID_STATE;
        default: return NVENC_ERROR_ENCODER;
    }
}

template <typename F>
nvenc_status guarded(std::string& error, F&& f) {
    try {
        error.clear();
        return f();
    } catch (const nvcast::Error& e) {
        error = e.what();
        return status_of(e.code());
    } catch (const std::bad_alloc&) {
        error = "out of memory";
        return NVENC_ERROR_RESOURCE_EXHAUSTED;
    } catch (const std::exception& e) {
        error = e.what();
        return NVENC_ERROR_ENCODER;
    }
}

nvcast::PixelFormat format_of(nvenc_pixel_format f) {
    switch (f) {
        case NVENC_FORMAT_NV12: return nvcast::PixelFormat::NV12;
        case NVENC_FORMAT_I420: return nvcast::PixelFormat::I420;
        case NVENC_FORMAT_I444: return nvcast::PixelFormat::I444;
        case NVENC_FORMAT_P010: return nvcast::PixelFormat::P010;
    }
    throw nvcast::Error(nvcast::ErrorCode::InvalidArgument, "nvenc_config.input_format " + std::to_string(f) +
                                                                " is not one of NVENC_FORMAT_NV12/I420/I444/P010");
}

}  // namespace

extern "C" {

void nvenc_config_default(nvenc_config* c) {
    if (!c) return;
    *c = nvenc_config{};
    c->struct_size = sizeof(nvenc_config);
    c->codec = NVENC_CODEC_H264;
    c->fps_num = 30;
    c->fps_den = 1;
    c->input_format = NVENC_FORMAT_NV12;
    c->bit_depth = 8;
    c->preset = 4;
    c->tuning = NVENC_TUNING_LOW_LATENCY;
    c->rate_control = NVENC_RC_CQP;
    c->qp = 28;
    c->quality = 28;
    c->gop_length = 250;
    c->device = -1;
}

nvenc_status nvenc_init(const nvenc_config* c, nvenc_encoder** out) {
    return guarded(t_init_error, [&] {
        if (!c || !out) throw nvcast::Error(nvcast::ErrorCode::InvalidArgument, "nvenc_init: NULL argument");
        *out = nullptr;
        if (c->struct_size != sizeof(nvenc_config))
            throw nvcast::Error(nvcast::ErrorCode::InvalidArgument,
                                "nvenc_init: config.struct_size is " + std::to_string(c->struct_size) + ", expected " +
                                    std::to_string(sizeof(nvenc_config)) + " (call nvenc_config_default first)");
        nvcast::EncoderConfig cfg;
        if (c->codec < NVENC_CODEC_H264 || c->codec > NVENC_CODEC_AV1)
            throw nvcast::Error(nvcast::ErrorCode::InvalidArgument, "nvenc_config.codec is out of range");
        cfg.codec = static_cast<nvcast::Codec>(c->codec);
        cfg.width = c->width;
        cfg.height = c->height;
        cfg.fps_num = c->fps_num;
        cfg.fps_den = c->fps_den;
        cfg.input_format = format_of(c->input_format);
        cfg.bit_depth = c->bit_depth;
        cfg.chroma = c->input_format == NVENC_FORMAT_I444 ? nvcast::ChromaFormat::YUV444 : nvcast::ChromaFormat::YUV420;
        cfg.preset = c->preset;
        if (c->tuning < NVENC_TUNING_HIGH_QUALITY || c->tuning > NVENC_TUNING_LOSSLESS)
            throw nvcast::Error(nvcast::ErrorCode::InvalidArgument, "nvenc_config.tuning is out of range");
        cfg.tuning = static_cast<nvcast::Tuning>(c->tuning);
        if (c->rate_control < NVENC_RC_CQP || c->rate_control > NVENC_RC_CONST_QUALITY)
            throw nvcast::Error(nvcast::ErrorCode::InvalidArgument, "nvenc_config.rate_control is out of range");
        cfg.rc.mode = static_cast<nvcast::RateControlMode>(c->rate_control);
        cfg.rc.bitrate = c->bitrate;
        cfg.rc.max_bitrate = c->max_bitrate;
        cfg.rc.qp = c->qp;
        cfg.rc.quality = c->quality;
        cfg.gop_length = c->gop_length;
        cfg.b_frames = c->b_frames;
        cfg.intra_refresh = c->intra_refresh != 0;
        nvcast::validate(cfg);
        nvcast::nvenc::Options options = nvcast::nvenc::Options::from_config(cfg);
        options.device = c->device;
        options.output_delay = c->output_delay;
        auto handle = std::make_unique<nvenc_encoder>();
        handle->encoder = std::make_unique<nvcast::nvenc::NvencEncoder>(cfg, options);
        *out = handle.release();
        return NVENC_OK;
    });
}

void nvenc_destroy(nvenc_encoder* e) { delete e; }

nvenc_status nvenc_encode_frame(nvenc_encoder* e, const nvenc_frame* f) {
    if (!e) return NVENC_ERROR_INVALID_ARGUMENT;
    return guarded(e->error, [&] {
        if (!f) {
            e->encoder->flush();
            e->flushed = true;
            return NVENC_OK;
        }
        const nvcast::EncoderConfig& cfg = e->encoder->config();
        std::array<uint8_t*, 3> planes{};
        std::array<int, 3> pitch{};
        for (int i = 0; i < 3; ++i) {
            planes[static_cast<size_t>(i)] = const_cast<uint8_t*>(f->planes[i]);
            pitch[static_cast<size_t>(i)] = f->pitch[i];
        }
        const int needed = nvcast::format_info(cfg.input_format).planes;
        for (int i = 0; i < needed; ++i)
            if (!planes[static_cast<size_t>(i)] || pitch[static_cast<size_t>(i)] <= 0)
                throw nvcast::Error(nvcast::ErrorCode::InvalidArgument,
                                    "nvenc_encode_frame: plane " + std::to_string(i) + " is NULL or has no pitch");
        nvcast::Frame frame = nvcast::Frame::wrap(cfg.input_format, cfg.width, cfg.height,
                                                  f->on_device ? nvcast::MemoryType::Cuda : nvcast::MemoryType::Host,
                                                  planes, pitch);
        frame.pts = f->pts;
        nvcast::FrameOptions options;
        options.force_idr = f->force_idr != 0;
        e->encoder->send_frame(frame, options);
        return NVENC_OK;
    });
}

nvenc_status nvenc_get_bitstream(nvenc_encoder* e, nvenc_bitstream* out) {
    if (!e || !out) return NVENC_ERROR_INVALID_ARGUMENT;
    return guarded(e->error, [&] {
        auto p = e->encoder->receive_packet();
        if (!p) return e->flushed ? NVENC_EOF : NVENC_AGAIN;
        e->current = std::move(*p);
        out->data = e->current.data.data();
        out->size = e->current.data.size();
        out->pts = e->current.pts;
        out->dts = e->current.dts;
        out->keyframe = e->current.keyframe;
        out->qp = e->current.qp;
        switch (e->current.type) {
            case nvcast::FrameType::IDR: out->frame_type = NVENC_FRAME_IDR; break;
            case nvcast::FrameType::I: out->frame_type = NVENC_FRAME_I; break;
            case nvcast::FrameType::P: out->frame_type = NVENC_FRAME_P; break;
            case nvcast::FrameType::B: out->frame_type = NVENC_FRAME_B; break;
            default: out->frame_type = NVENC_FRAME_UNKNOWN; break;
        }
        return NVENC_OK;
    });
}

nvenc_status nvenc_set_bitrate(nvenc_encoder* e, int64_t bitrate, int64_t max_bitrate) {
    if (!e) return NVENC_ERROR_INVALID_ARGUMENT;
    return guarded(e->error, [&] {
        e->encoder->set_bitrate(bitrate, max_bitrate);
        return NVENC_OK;
    });
}

const char* nvenc_last_error(const nvenc_encoder* e) { return e ? e->error.c_str() : t_init_error.c_str(); }

const char* nvenc_status_string(nvenc_status s) {
    switch (s) {
        case NVENC_OK: return "ok";
        case NVENC_AGAIN: return "no bitstream ready (send more frames)";
        case NVENC_EOF: return "end of stream";
        case NVENC_ERROR_INVALID_ARGUMENT: return "invalid argument";
        case NVENC_ERROR_UNSUPPORTED: return "unsupported by this GPU/driver";
        case NVENC_ERROR_UNAVAILABLE: return "NVENC unavailable";
        case NVENC_ERROR_RESOURCE_EXHAUSTED: return "out of memory or session limit reached";
        case NVENC_ERROR_DEVICE_LOST: return "device lost";
        case NVENC_ERROR_INVALID_STATE: return "call out of order";
        case NVENC_ERROR_ENCODER: return "encoder failure";
    }
    return "unknown status";
}

}  // extern "C"

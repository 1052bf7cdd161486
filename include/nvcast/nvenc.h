/* The seed's C API: a thin C layer over nvcast's NVENC backend.
 *
 *   nvenc_config cfg;
 *   nvenc_config_default(&cfg);
 *   cfg.width = 1920; cfg.height = 1080;
 *   nvenc_encoder* enc = NULL;
 *   if (nvenc_init(&cfg, &enc) != NVENC_OK) { puts(nvenc_last_error(NULL)); return 1; }
 *   nvenc_encode_frame(enc, &frame);              // any number of times
 *   nvenc_bitstream bs;
 *   while (nvenc_get_bitstream(enc, &bs) == NVENC_OK) fwrite(bs.data, 1, bs.size, out);
 *   nvenc_encode_frame(enc, NULL);                // end of stream: flush
 *   while (nvenc_get_bitstream(enc, &bs) == NVENC_OK) fwrite(bs.data, 1, bs.size, out);
 *   nvenc_destroy(enc);
 *
 * Every call returns an nvenc_status; on failure nvenc_last_error(enc) says why
 * (nvenc_last_error(NULL) for a failed nvenc_init). No call throws or aborts.
 */
#ifndef NVCAST_NVENC_H
#define NVCAST_NVENC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nvenc_encoder nvenc_encoder; /* opaque */

typedef enum nvenc_status {
    NVENC_OK = 0,
    NVENC_AGAIN = 1,                    /* no bitstream ready yet: send more frames (or flush) */
    NVENC_EOF = 2,                      /* flushed and fully drained */
    NVENC_ERROR_INVALID_ARGUMENT = -1,  /* a config field or argument is out of range */
    NVENC_ERROR_UNSUPPORTED = -2,       /* this GPU/driver cannot do what was asked */
    NVENC_ERROR_UNAVAILABLE = -3,       /* no NVIDIA driver, no GPU, no NVENC engine, driver too old */
    NVENC_ERROR_RESOURCE_EXHAUSTED = -4,/* out of memory, concurrent session limit */
    NVENC_ERROR_DEVICE_LOST = -5,       /* the GPU went away and the stream could not continue */
    NVENC_ERROR_INVALID_STATE = -6,     /* call out of order (e.g. a frame after the flush) */
    NVENC_ERROR_ENCODER = -7            /* any other encoder failure */
} nvenc_status;

typedef enum nvenc_codec { NVENC_CODEC_H264 = 0, NVENC_CODEC_HEVC = 1, NVENC_CODEC_AV1 = 2 } nvenc_codec;
typedef enum nvenc_pixel_format {
    NVENC_FORMAT_NV12 = 0,
    NVENC_FORMAT_I420 = 1,
    NVENC_FORMAT_I444 = 2,
    NVENC_FORMAT_P010 = 3
} nvenc_pixel_format;
typedef enum nvenc_rate_control {
    NVENC_RC_CQP = 0,
    NVENC_RC_CBR = 1,
    NVENC_RC_VBR = 2,
    NVENC_RC_CONST_QUALITY = 3
} nvenc_rate_control;
typedef enum nvenc_tuning {
    NVENC_TUNING_HIGH_QUALITY = 0,
    NVENC_TUNING_LOW_LATENCY = 1,
    NVENC_TUNING_ULTRA_LOW_LATENCY = 2,
    NVENC_TUNING_LOSSLESS = 3
} nvenc_tuning;
typedef enum nvenc_frame_type {
    NVENC_FRAME_UNKNOWN = 0, NVENC_FRAME_IDR = 1, NVENC_FRAME_I = 2, NVENC_FRAME_P = 3, NVENC_FRAME_B = 4
} nvenc_frame_type;

typedef struct nvenc_config {
    uint32_t struct_size;         /* sizeof(nvenc_config); set by nvenc_config_default */
    nvenc_codec codec;
    int width, height;
    int fps_num, fps_den;
    nvenc_pixel_format input_format;
    int bit_depth;                /* 8 or 10 */
    int preset;                   /* 1 (fastest) .. 7 (best), NVENC P1..P7 */
    nvenc_tuning tuning;
    nvenc_rate_control rate_control;
    int64_t bitrate;              /* bits/s for CBR/VBR */
    int64_t max_bitrate;          /* VBR peak; 0 = derived */
    int qp;                       /* CQP */
    int quality;                  /* constant quality level */
    int gop_length;               /* -1 = infinite */
    int b_frames;
    int intra_refresh;            /* 1 = periodic intra refresh instead of IDRs */
    int device;                   /* CUDA device ordinal, -1 = auto */
    int output_delay;             /* packets held back before they are read (0 = lowest latency) */
} nvenc_config;

typedef struct nvenc_frame {
    const uint8_t* planes[3];     /* host pointers, or CUDA device pointers when on_device */
    int pitch[3];                 /* bytes per row of each plane */
    int on_device;                /* 1 = CUDA device memory (one allocation, NVENC plane layout) */
    int64_t pts;
    int force_idr;
} nvenc_frame;

typedef struct nvenc_bitstream {
    const uint8_t* data;          /* valid until the next call on this encoder */
    size_t size;
    int64_t pts, dts;
    int keyframe;
    nvenc_frame_type frame_type;
    int qp;                       /* average QP, -1 when unknown */
} nvenc_bitstream;

void nvenc_config_default(nvenc_config* config);
nvenc_status nvenc_init(const nvenc_config* config, nvenc_encoder** encoder);
void nvenc_destroy(nvenc_encoder* encoder);
/* Queues one frame; frame == NULL ends the stream (flush). */
nvenc_status nvenc_encode_frame(nvenc_encoder* encoder, const nvenc_frame* frame);
/* NVENC_OK with the next packet, NVENC_AGAIN when none is ready, NVENC_EOF after the flush drained. */
nvenc_status nvenc_get_bitstream(nvenc_encoder* encoder, nvenc_bitstream* bitstream);
nvenc_status nvenc_set_bitrate(nvenc_encoder* encoder, int64_t bitrate, int64_t max_bitrate);
/* Why the last call on `encoder` failed ("" if it didn't); NULL = the calling thread's last nvenc_init. */
const char* nvenc_last_error(const nvenc_encoder* encoder);
const char* nvenc_status_string(nvenc_status status);

#ifdef __cplusplus
}
#endif

#endif /* NVCAST_NVENC_H */

#include "nvdec/nvdec_emu.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/pixdesc.h>
}

#include <cstdlib>
#include <map>
#include <mutex>
#include <sstream>

namespace nvcast::emu::nvdec {

AVCodecContext* open_codec(cudaVideoCodec codec) {
    const AVCodec* c = nullptr;
    switch (codec) {
        case cudaVideoCodec_H264: c = avcodec_find_decoder(AV_CODEC_ID_H264); break;
        case cudaVideoCodec_HEVC: c = avcodec_find_decoder(AV_CODEC_ID_HEVC); break;
        case cudaVideoCodec_VP9: c = avcodec_find_decoder(AV_CODEC_ID_VP9); break;
        case cudaVideoCodec_AV1:
            c = avcodec_find_decoder_by_name("libdav1d");
            if (!c) c = avcodec_find_decoder(AV_CODEC_ID_AV1);
            break;
        default: return nullptr;
    }
    if (!c) return nullptr;
    AVCodecContext* ctx = avcodec_alloc_context3(c);
    if (!ctx) return nullptr;
    ctx->thread_count = 1;
    av_log_set_level(AV_LOG_QUIET);  // corrupt-stream tests would flood the log
    if (avcodec_open2(ctx, c, nullptr) < 0) avcodec_free_context(&ctx);
    return ctx;
}

int bit_depth_of(int av_pixel_format) {
    const AVPixFmtDescriptor* d = av_pix_fmt_desc_get(static_cast<AVPixelFormat>(av_pixel_format));
    if (!d || d->nb_components < 3 || (d->flags & AV_PIX_FMT_FLAG_RGB)) return 0;
    return d->comp[0].depth;
}

bool is_420(int av_pixel_format) {
    const AVPixFmtDescriptor* d = av_pix_fmt_desc_get(static_cast<AVPixelFormat>(av_pixel_format));
    return d && d->nb_components == 3 && !(d->flags & AV_PIX_FMT_FLAG_RGB) && d->log2_chroma_w == 1 &&
           d->log2_chroma_h == 1 && (d->flags & AV_PIX_FMT_FLAG_PLANAR);
}

bool fault_hits(const char* key) {
    static std::mutex mutex;
    static std::string counted_for;
    static std::map<std::string, int64_t> counts;
    const char* env = std::getenv("NVCAST_EMU_FAULTS");
    const std::string text = env ? env : "";
    std::lock_guard lock(mutex);
    if (text != counted_for) {  // new fault text: counting starts again
        counted_for = text;
        counts.clear();
    }
    const int64_t index = counts[key]++;
    std::stringstream list(text);
    std::string item;
    const std::string prefix = std::string(key) + "=";
    while (std::getline(list, item, ','))
        if (item.rfind(prefix, 0) == 0) return std::atoll(item.c_str() + prefix.size()) == index;
    return false;
}

}  // namespace nvcast::emu::nvdec

// cuvidCreateDecoder .. cuvidUnmapVideoFrame64: decodes each picture's bytes with libavcodec into
// the decode surface CurrPicIdx names, already cropped to the display area and in the output
// format (NV12, or P016 with samples MSB-aligned); mapping copies a surface into one of the
// ulNumOutputSurfaces output buffers, as NVDEC's post-processing does.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <mutex>
#include <set>
#include <vector>

extern "C" {
#include <libavcodec/avcodec.h>
}

#include "nvdec/nvdec_emu.h"

namespace nvcast::emu::nvdec {
namespace {

constexpr uint32_t kMagic = 0x4E564443;  // "NVDC"

struct Output {
    CUdeviceptr ptr = 0;
    bool mapped = false;
};

struct Decoder {
    uint32_t magic = kMagic;
    CUVIDDECODECREATEINFO info{};
    AVCodecContext* av = nullptr;
    AVPacket* packet = nullptr;
    AVFrame* frame = nullptr;
    int sample_bytes = 1;  // output format
    int width = 0, height = 0;  // display area = target size (no scaling)
    int left = 0, top = 0;
    size_t pitch = 0, surface_bytes = 0;
    std::vector<CUdeviceptr> surfaces;
    std::vector<cuvidDecodeStatus> states;
    std::vector<Output> outputs;
    bool drained = false;
    std::mutex mutex;

    ~Decoder() {
        for (CUdeviceptr p : surfaces) cuMemFree_v2(p);
        for (const Output& o : outputs) cuMemFree_v2(o.ptr);
        av_frame_free(&frame);
        av_packet_free(&packet);
        avcodec_free_context(&av);
        magic = 0;
    }
};

std::mutex g_mutex;
std::set<Decoder*> g_decoders;

Decoder* lookup(CUvideodecoder handle) {
    std::lock_guard lock(g_mutex);
    auto* d = static_cast<Decoder*>(handle);
    return g_decoders.count(d) && d->magic == kMagic ? d : nullptr;
}

// Writes the decoded picture (display area only) into surface `index`.
void store(Decoder& d, const AVFrame& f, int index) {
    auto* dst = reinterpret_cast<uint8_t*>(d.surfaces[static_cast<size_t>(index)]);
    const int depth = bit_depth_of(f.format);
    const int shift = d.sample_bytes == 2 ? 16 - depth : 0;
    const int w = std::min(d.width, f.width - d.left);
    const int h = std::min(d.height, f.height - d.top);
    auto sample = [&](int plane, int x, int y) -> unsigned {
        const uint8_t* row = f.data[plane] + static_cast<ptrdiff_t>(y) * f.linesize[plane];
        return depth > 8 ? reinterpret_cast<const uint16_t*>(row)[x] : row[x];
    };
    auto put = [&](uint8_t* row, int x, unsigned v) {
        if (d.sample_bytes == 2) reinterpret_cast<uint16_t*>(row)[x] = static_cast<uint16_t>(v << shift);
        else row[x] = static_cast<uint8_t>(v);
    };
    for (int y = 0; y < h; ++y) {
        uint8_t* row = dst + static_cast<size_t>(y) * d.pitch;
        for (int x = 0; x < w; ++x) put(row, x, sample(0, d.left + x, d.top + y));
    }
    uint8_t* chroma = dst + d.pitch * static_cast<size_t>(d.info.ulTargetHeight);
    for (int y = 0; y < (h + 1) / 2; ++y) {
        uint8_t* row = chroma + static_cast<size_t>(y) * d.pitch;
        for (int x = 0; x < (w + 1) / 2; ++x) {
            put(row, 2 * x, sample(1, d.left / 2 + x, d.top / 2 + y));
            put(row, 2 * x + 1, sample(2, d.left / 2 + x, d.top / 2 + y));
        }
    }
}

// Takes every picture libavcodec has ready; its pts is the surface it was decoded for.
void collect(Decoder& d) {
    while (avcodec_receive_frame(d.av, d.frame) == 0) {
        const int64_t index = d.frame->pts;
        const bool usable = bit_depth_of(d.frame->format) == static_cast<int>(d.info.bitDepthMinus8 + 8) &&
                            is_420(d.frame->format);
        if (index >= 0 && index < static_cast<int64_t>(d.surfaces.size())) {
            const auto i = static_cast<size_t>(index);
            if (usable) store(d, *d.frame, static_cast<int>(index));
            const bool concealed = d.frame->decode_error_flags || (d.frame->flags & AV_FRAME_FLAG_CORRUPT);
            d.states[i] = !usable ? cuvidDecodeStatus_Error
                          : concealed ? cuvidDecodeStatus_Error_Concealed
                                      : cuvidDecodeStatus_Success;
        }
        av_frame_unref(d.frame);
    }
}

int create(CUvideodecoder* handle, const CUVIDDECODECREATEINFO& ci) {
    const unsigned depth = static_cast<unsigned>(ci.bitDepthMinus8) + 8;
    if (ci.ulNumDecodeSurfaces < 1 || ci.ulNumDecodeSurfaces > 32 || ci.ulNumOutputSurfaces < 1 ||
        ci.ulNumOutputSurfaces > 64 || ci.ulWidth == 0 || ci.ulHeight == 0 || ci.ulTargetWidth == 0 ||
        ci.ulTargetHeight == 0 || (ci.ulTargetWidth & 1) || (ci.ulTargetHeight & 1))
        return kInvalidValue;
    if (ci.ChromaFormat != cudaVideoChromaFormat_420) return kNotSupported;
    const bool nv12 = ci.OutputFormat == cudaVideoSurfaceFormat_NV12;
    if (!nv12 && ci.OutputFormat != cudaVideoSurfaceFormat_P016) return kNotSupported;
    if (nv12 && depth != 8) return kNotSupported;
    if (depth != 8 && depth != 10) return kNotSupported;  // 12-bit is not emulated
    // The display area (zero: the whole coded picture); scaling is not emulated.
    const auto& a = ci.display_area;
    const bool whole = a.left == 0 && a.top == 0 && a.right == 0 && a.bottom == 0;
    const int left = whole ? 0 : a.left, top = whole ? 0 : a.top;
    const int width = whole ? static_cast<int>(ci.ulWidth) : a.right - a.left;
    const int height = whole ? static_cast<int>(ci.ulHeight) : a.bottom - a.top;
    if (width <= 0 || height <= 0 || left < 0 || top < 0 || static_cast<unsigned>(left + width) > ci.ulWidth ||
        static_cast<unsigned>(top + height) > ci.ulHeight)
        return kInvalidValue;
    if (ci.ulTargetWidth != static_cast<unsigned>((width + 1) & ~1) ||
        ci.ulTargetHeight != static_cast<unsigned>((height + 1) & ~1))
        return kNotSupported;

    auto d = std::make_unique<Decoder>();
    d->info = ci;
    d->av = open_codec(ci.CodecType);
    if (!d->av) return kNotSupported;
    d->packet = av_packet_alloc();
    d->frame = av_frame_alloc();
    d->sample_bytes = nv12 ? 1 : 2;
    d->width = width;
    d->height = height;
    d->left = left;
    d->top = top;
    d->pitch = (ci.ulTargetWidth * static_cast<unsigned>(d->sample_bytes) + 255) / 256 * 256;
    d->surface_bytes = d->pitch * ci.ulTargetHeight * 3 / 2;
    d->surfaces.resize(ci.ulNumDecodeSurfaces);
    d->states.assign(ci.ulNumDecodeSurfaces, cuvidDecodeStatus_Invalid);
    d->outputs.resize(ci.ulNumOutputSurfaces);
    for (CUdeviceptr& s : d->surfaces) {
        if (int e = cuMemAlloc_v2(&s, d->surface_bytes)) return e;  // needs the current context, as NVDEC does
        std::memset(reinterpret_cast<void*>(s), 0, d->surface_bytes);
    }
    for (Output& o : d->outputs)
        if (int e = cuMemAlloc_v2(&o.ptr, d->surface_bytes)) return e;
    std::lock_guard lock(g_mutex);
    g_decoders.insert(d.get());
    *handle = d.release();
    return kSuccess;
}

}  // namespace
}  // namespace nvcast::emu::nvdec

using namespace nvcast::emu::nvdec;

NVCAST_EMU_EXPORT CUresult cuvidCreateDecoder(CUvideodecoder* handle, CUVIDDECODECREATEINFO* ci) {
    if (!handle || !ci) return status(kInvalidValue);
    CUcontext current = nullptr;
    if (cuCtxGetCurrent(&current) != CUDA_SUCCESS || !current) return status(kInvalidContext);
    *handle = nullptr;
    return status(create(handle, *ci));
}

NVCAST_EMU_EXPORT CUresult cuvidDestroyDecoder(CUvideodecoder handle) {
    Decoder* d = lookup(handle);
    if (!d) return status(kInvalidHandle);
    {
        std::lock_guard lock(g_mutex);
        g_decoders.erase(d);
    }
    delete d;
    return status(kSuccess);
}

NVCAST_EMU_EXPORT CUresult cuvidDecodePicture(CUvideodecoder handle, CUVIDPICPARAMS* p) {
    Decoder* d = lookup(handle);
    if (!d) return status(kInvalidHandle);
    if (!p || p->CurrPicIdx < 0 || p->CurrPicIdx >= static_cast<int>(d->surfaces.size()) || !p->pBitstreamData ||
        p->nBitstreamDataLen == 0)
        return status(kInvalidValue);
    if (fault_hits("nvdec_decode_fail_at")) return status(kUnknown);
    std::lock_guard lock(d->mutex);
    if (d->drained) {  // a new stream after an end of stream
        avcodec_flush_buffers(d->av);
        d->drained = false;
    }
    const auto i = static_cast<size_t>(p->CurrPicIdx);
    d->states[i] = cuvidDecodeStatus_InProgress;
    if (av_new_packet(d->packet, static_cast<int>(p->nBitstreamDataLen)) < 0) return status(kOutOfMemory);
    std::memcpy(d->packet->data, p->pBitstreamData, p->nBitstreamDataLen);
    d->packet->pts = p->CurrPicIdx;
    const int sent = avcodec_send_packet(d->av, d->packet);
    av_packet_unref(d->packet);
    if (sent < 0) d->states[i] = cuvidDecodeStatus_Error;  // reported later, as the engine would
    collect(*d);
    return status(kSuccess);
}

NVCAST_EMU_EXPORT CUresult cuvidGetDecodeStatus(CUvideodecoder handle, int index, CUVIDGETDECODESTATUS* s) {
    Decoder* d = lookup(handle);
    if (!d) return status(kInvalidHandle);
    if (!s || index < 0 || index >= static_cast<int>(d->surfaces.size())) return status(kInvalidValue);
    std::lock_guard lock(d->mutex);
    std::memset(s, 0, sizeof *s);
    s->decodeStatus = d->states[static_cast<size_t>(index)];
    return status(kSuccess);
}

NVCAST_EMU_EXPORT CUresult cuvidMapVideoFrame64(CUvideodecoder handle, int index, unsigned long long* ptr,
                                                unsigned int* pitch, CUVIDPROCPARAMS* proc) {
    Decoder* d = lookup(handle);
    if (!d) return status(kInvalidHandle);
    if (!ptr || !pitch || !proc || index < 0 || index >= static_cast<int>(d->surfaces.size()))
        return status(kInvalidValue);
    if (fault_hits("nvdec_map_fail_at")) return status(kMapFailed);
    std::lock_guard lock(d->mutex);
    const auto i = static_cast<size_t>(index);
    if (d->states[i] == cuvidDecodeStatus_InProgress && !d->drained) {
        // Held back by libavcodec's reordering delay: only the end of the stream displays such
        // a picture before a later one is decoded. Drain (the next decode starts afresh).
        avcodec_send_packet(d->av, nullptr);
        collect(*d);
        d->drained = true;
    }
    if (d->states[i] == cuvidDecodeStatus_Invalid) return status(kInvalidValue);  // never decoded
    auto free_output = std::find_if(d->outputs.begin(), d->outputs.end(), [](const Output& o) { return !o.mapped; });
    if (free_output == d->outputs.end()) return status(kMapFailed);  // more than ulNumOutputSurfaces mapped
    std::memcpy(reinterpret_cast<void*>(free_output->ptr), reinterpret_cast<const void*>(d->surfaces[i]),
                d->surface_bytes);
    free_output->mapped = true;
    *ptr = free_output->ptr;
    *pitch = static_cast<unsigned>(d->pitch);
    return status(kSuccess);
}

NVCAST_EMU_EXPORT CUresult cuvidUnmapVideoFrame64(CUvideodecoder handle, unsigned long long ptr) {
    Decoder* d = lookup(handle);
    if (!d) return status(kInvalidHandle);
    std::lock_guard lock(d->mutex);
    for (Output& o : d->outputs)
        if (o.ptr == ptr && o.mapped) {
            o.mapped = false;
            return status(kSuccess);
        }
    return status(kInvalidValue);
}

// Not emulated (nvcast does not call them); present so loaders that require them bind.
NVCAST_EMU_EXPORT CUresult cuvidReconfigureDecoder(CUvideodecoder, CUVIDRECONFIGUREDECODERINFO*) {
    return status(kNotSupported);
}
NVCAST_EMU_EXPORT CUresult cuvidCtxLockCreate(CUvideoctxlock*, CUcontext) { return status(kNotSupported); }
NVCAST_EMU_EXPORT CUresult cuvidCtxLockDestroy(CUvideoctxlock) { return status(kNotSupported); }
NVCAST_EMU_EXPORT CUresult cuvidCtxLock(CUvideoctxlock, unsigned int) { return status(kNotSupported); }
NVCAST_EMU_EXPORT CUresult cuvidCtxUnlock(CUvideoctxlock, unsigned int) { return status(kNotSupported); }

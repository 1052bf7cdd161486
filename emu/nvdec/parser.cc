// cuvidCreateVideoParser / cuvidParseVideoData / cuvidDestroyVideoParser. H.264 and HEVC arrive
// as a byte stream in pieces of any size (libavcodec's parser finds the access units); VP9 and
// AV1 packets are one frame (or superframe / temporal unit) each. Per picture, in NVDEC's order:
// the sequence callback once the picture's sequence is known (and again when it changes), the
// decode callback with a free surface, then display callbacks for whatever became displayable.
#include <algorithm>
#include <cstring>
#include <map>
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

constexpr uint32_t kMagic = 0x4E565053;  // "NVPS"
constexpr int64_t kMaxInFlight = 64;     // pictures libavcodec never returned are forgotten after this

struct InFlight {
    int surface = 0;
    int64_t timestamp = 0;
};

class Parser {
public:
    uint32_t magic = kMagic;

    explicit Parser(const CUVIDPARSERPARAMS& p) : params_(p) {}
    ~Parser() {
        av_parser_close(split_);
        av_frame_free(&frame_);
        av_packet_free(&packet_);
        avcodec_free_context(&av_);
        magic = 0;
    }

    int open() {
        av_ = open_codec(params_.CodecType);
        if (!av_) return kNotSupported;
        if (params_.CodecType == cudaVideoCodec_H264 || params_.CodecType == cudaVideoCodec_HEVC) {
            split_ = av_parser_init(av_->codec_id);
            if (!split_) return kNotSupported;
        }
        packet_ = av_packet_alloc();
        frame_ = av_frame_alloc();
        surfaces_ = std::max(1u, params_.ulMaxNumDecodeSurfaces);
        busy_.assign(static_cast<size_t>(surfaces_), false);
        return kSuccess;
    }

    int parse(const CUVIDSOURCEDATAPACKET& p) {
        const bool has_ts = p.flags & CUVID_PKT_TIMESTAMP;
        const int64_t ts = has_ts ? p.timestamp : 0;
        const bool end = p.flags & CUVID_PKT_ENDOFSTREAM;
        if (p.payload_size > 0 && !p.payload) return kInvalidValue;
        if (p.payload_size > 0) {
            if (split_) {
                if (int e = split(p.payload, static_cast<int>(p.payload_size), has_ts ? ts : AV_NOPTS_VALUE)) return e;
            } else if (int e = picture(p.payload, static_cast<size_t>(p.payload_size), ts)) {
                return e;
            }
        }
        if (end || p.payload_size == 0) {
            if (split_)
                if (int e = split(nullptr, 0, AV_NOPTS_VALUE)) return e;
            avcodec_send_packet(av_, nullptr);  // the pictures held for reordering come out
            if (int e = display_ready()) return e;
            avcodec_flush_buffers(av_);
            in_flight_.clear();
            std::fill(busy_.begin(), busy_.end(), false);
            if ((p.flags & CUVID_PKT_NOTIFY_EOS) && params_.pfnDisplayPicture &&
                !params_.pfnDisplayPicture(params_.pUserData, nullptr))
                return kUnknown;
        }
        return kSuccess;
    }

private:
    // Finds access units in the byte stream; a null `data` flushes the last one.
    int split(const uint8_t* data, int size, int64_t ts) {
        if (data) {  // libavcodec's parser reads past the end: a padded copy (NVDEC asks no padding)
            input_.assign(data, data + size);
            input_.resize(static_cast<size_t>(size) + AV_INPUT_BUFFER_PADDING_SIZE, 0);
            data = input_.data();
        }
        do {
            uint8_t* unit = nullptr;
            int unit_size = 0;
            const int used = av_parser_parse2(split_, av_, &unit, &unit_size, data, size, ts, AV_NOPTS_VALUE, 0);
            if (used < 0) return kInvalidValue;
            if (data) {
                data += used;
                size -= used;
            }
            ts = AV_NOPTS_VALUE;  // the timestamp belongs to the first unit starting in this packet
            if (unit_size > 0) {
                const int64_t unit_ts = split_->pts == AV_NOPTS_VALUE ? 0 : split_->pts;
                if (int e = picture(unit, static_cast<size_t>(unit_size), unit_ts)) return e;
            } else if (!data) {
                break;
            }
        } while (!data || size > 0);
        return kSuccess;
    }

    // One picture's bytes (an access unit, a VP9 frame, an AV1 temporal unit).
    int picture(const uint8_t* data, size_t size, int64_t ts) {
        pending_.insert(pending_.end(), data, data + size);
        if (av_new_packet(packet_, static_cast<int>(size)) < 0) return kOutOfMemory;
        std::memcpy(packet_->data, data, size);
        const int64_t seq = next_seq_++;
        packet_->pts = seq;
        const int sent = avcodec_send_packet(av_, packet_);
        av_packet_unref(packet_);
        if (av_->width <= 0 || av_->height <= 0 || av_->pix_fmt == AV_PIX_FMT_NONE)
            return kSuccess;  // no picture yet (parameter sets only): its bytes go with the next one
        if (int e = sequence()) return e;
        if (sent < 0) {  // a picture the bitstream does not let us decode: skipped, as ulErrorThreshold 0 does
            pending_.clear();
            return display_ready();
        }
        // A surface neither being decoded nor waiting for display.
        int surface = -1;
        for (int k = 0; k < surfaces_ && surface < 0; ++k) {
            const int s = (next_surface_ + k) % surfaces_;
            if (!busy_[static_cast<size_t>(s)]) surface = s;
        }
        if (surface < 0) return kInvalidValue;  // fewer surfaces than the stream needs
        next_surface_ = (surface + 1) % surfaces_;
        busy_[static_cast<size_t>(surface)] = true;
        in_flight_[seq] = InFlight{surface, ts};

        CUVIDPICPARAMS pic{};
        pic.PicWidthInMbs = (av_->coded_width + 15) / 16;
        pic.FrameHeightInMbs = (av_->coded_height + 15) / 16;
        pic.CurrPicIdx = surface;
        pic.nBitstreamDataLen = static_cast<unsigned>(pending_.size());
        pic.pBitstreamData = pending_.data();
        const unsigned slice_offset = 0;
        pic.nNumSlices = 1;
        pic.pSliceDataOffsets = &slice_offset;
        pic.ref_pic_flag = 1;
        const int ok = params_.pfnDecodePicture ? params_.pfnDecodePicture(params_.pUserData, &pic) : 1;
        pending_.clear();
        if (!ok) return kUnknown;
        return display_ready();
    }

    // Calls the sequence callback for a new or changed sequence.
    int sequence() {
        const int depth = bit_depth_of(av_->pix_fmt);
        CUVIDEOFORMAT f{};
        f.codec = params_.CodecType;
        f.frame_rate.numerator = static_cast<unsigned>(std::max(0, av_->framerate.num));
        f.frame_rate.denominator = static_cast<unsigned>(std::max(0, av_->framerate.den));
        f.progressive_sequence = 1;
        f.bit_depth_luma_minus8 = static_cast<unsigned char>(std::max(0, depth - 8));
        f.bit_depth_chroma_minus8 = f.bit_depth_luma_minus8;
        f.coded_width = static_cast<unsigned>(std::max(av_->coded_width, av_->width));
        f.coded_height = static_cast<unsigned>(std::max(av_->coded_height, av_->height));
        f.display_area.right = av_->width;
        f.display_area.bottom = av_->height;
        f.chroma_format = is_420(av_->pix_fmt) ? cudaVideoChromaFormat_420 : cudaVideoChromaFormat_444;
        f.video_signal_description.video_format = 5;
        f.video_signal_description.video_full_range_flag = av_->color_range == AVCOL_RANGE_JPEG;
        f.video_signal_description.color_primaries = static_cast<unsigned char>(av_->color_primaries);
        f.video_signal_description.transfer_characteristics = static_cast<unsigned char>(av_->color_trc);
        f.video_signal_description.matrix_coefficients = static_cast<unsigned char>(av_->colorspace);
        // Reference pictures + reordering + the one being decoded, as the DPB needs.
        const int needed = params_.CodecType == cudaVideoCodec_VP9 || params_.CodecType == cudaVideoCodec_AV1
                               ? 10
                               : std::clamp(av_->refs + av_->has_b_frames + 2, 4, 20);
        f.min_num_decode_surfaces = static_cast<unsigned char>(needed);
        if (have_format_ && same_sequence(f, format_)) return kSuccess;  // the surface estimate may grow: not a change
        format_ = f;
        have_format_ = true;
        const int r = params_.pfnSequenceCallback ? params_.pfnSequenceCallback(params_.pUserData, &f) : 1;
        if (r == 0) return kUnknown;
        if (r > 1) surfaces_ = std::min(r, 32);
        busy_.resize(static_cast<size_t>(surfaces_), false);
        return kSuccess;
    }

    static bool same_sequence(const CUVIDEOFORMAT& a, const CUVIDEOFORMAT& b) {
        return a.coded_width == b.coded_width && a.coded_height == b.coded_height &&
               a.display_area.right == b.display_area.right && a.display_area.bottom == b.display_area.bottom &&
               a.bit_depth_luma_minus8 == b.bit_depth_luma_minus8 && a.chroma_format == b.chroma_format;
    }

    // Display callbacks for every picture libavcodec has put in display order.
    int display_ready() {
        while (avcodec_receive_frame(av_, frame_) == 0) {
            const int64_t seq = frame_->pts;
            av_frame_unref(frame_);
            auto it = in_flight_.find(seq);
            if (it == in_flight_.end()) continue;
            const InFlight shown = it->second;
            in_flight_.erase(it);
            busy_[static_cast<size_t>(shown.surface)] = false;
            CUVIDPARSERDISPINFO d{};
            d.picture_index = shown.surface;
            d.progressive_frame = 1;
            d.timestamp = shown.timestamp;
            if (params_.pfnDisplayPicture && !params_.pfnDisplayPicture(params_.pUserData, &d)) return kUnknown;
        }
        // Pictures libavcodec dropped never come out: free their surfaces.
        for (auto it = in_flight_.begin(); it != in_flight_.end();) {
            if (it->first + kMaxInFlight < next_seq_) {
                busy_[static_cast<size_t>(it->second.surface)] = false;
                it = in_flight_.erase(it);
            } else {
                ++it;
            }
        }
        return kSuccess;
    }

    CUVIDPARSERPARAMS params_;
    AVCodecContext* av_ = nullptr;
    AVCodecParserContext* split_ = nullptr;
    AVPacket* packet_ = nullptr;
    AVFrame* frame_ = nullptr;
    CUVIDEOFORMAT format_{};
    bool have_format_ = false;
    int surfaces_ = 1;
    int next_surface_ = 0;
    std::vector<bool> busy_;
    std::map<int64_t, InFlight> in_flight_;
    std::vector<uint8_t> input_;    // the caller's bytes, padded
    std::vector<uint8_t> pending_;  // bytes of the picture being assembled (with earlier headers)
    int64_t next_seq_ = 0;
};

std::mutex g_mutex;
std::set<Parser*> g_parsers;

Parser* lookup(CUvideoparser handle) {
    std::lock_guard lock(g_mutex);
    auto* p = static_cast<Parser*>(handle);
    return g_parsers.count(p) && p->magic == kMagic ? p : nullptr;
}

}  // namespace
}  // namespace nvcast::emu::nvdec

using namespace nvcast::emu::nvdec;

NVCAST_EMU_EXPORT CUresult cuvidCreateVideoParser(CUvideoparser* handle, CUVIDPARSERPARAMS* params) {
    if (!handle || !params) return status(kInvalidValue);
    *handle = nullptr;
    auto parser = std::make_unique<Parser>(*params);
    if (int e = parser->open()) return status(e);
    std::lock_guard lock(g_mutex);
    g_parsers.insert(parser.get());
    *handle = parser.release();
    return status(kSuccess);
}

NVCAST_EMU_EXPORT CUresult cuvidParseVideoData(CUvideoparser handle, CUVIDSOURCEDATAPACKET* packet) {
    Parser* p = lookup(handle);
    if (!p) return status(kInvalidHandle);
    if (!packet) return status(kInvalidValue);
    return status(p->parse(*packet));
}

NVCAST_EMU_EXPORT CUresult cuvidDestroyVideoParser(CUvideoparser handle) {
    Parser* p = lookup(handle);
    if (!p) return status(kInvalidHandle);
    {
        std::lock_guard lock(g_mutex);
        g_parsers.erase(p);
    }
    delete p;
    return status(kSuccess);
}

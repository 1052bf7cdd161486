// NVDEC session: NVIDIA's parser finds the pictures and calls back; the sequence callback
// creates the decoder, the decode callback starts a picture on a decode surface, the display
// callback queues surfaces in display order; receive() maps a queued surface and copies it.
#include "decode/nvdec/nvdec_decoder.h"

#include <algorithm>
#include <deque>
#include <optional>

#include "decode/nvdec/caps.h"
#include "decode/nvdec/device_frame_pool.h"
#include "decode/nvdec/nvcuvid_loader.h"
#include "decode/nvdec/surface_copy.h"
#include "driver/primary_context.h"
#include "nvcast/error.h"

namespace nvcast::nvdec {
namespace {

constexpr int kMaxSurfaces = 32;  // NVDEC's picture index range
constexpr int kExtraSurfaces = 3;  // beyond the parser's minimum: fewer evacuations, more overlap

std::string gpu_label(const driver::PrimaryContext& context) {
    return "'" + context.name() + "' (CUDA device " + std::to_string(context.ordinal()) + ")";
}

// A displayed picture not yet received: still on its decode surface, or (when the parser
// wanted the surface back first) already copied out into a pool frame.
struct Ready {
    int surface = -1;
    Frame frame;
    int64_t pts = 0;
    CUVIDPARSERDISPINFO info{};
};

ColorDescription color_of(const CUVIDEOFORMAT& f) {
    ColorDescription c;
    const auto& s = f.video_signal_description;
    c.primaries = static_cast<ColorPrimaries>(s.color_primaries);
    c.transfer = static_cast<TransferCharacteristics>(s.transfer_characteristics);
    c.matrix = static_cast<MatrixCoefficients>(s.matrix_coefficients);
    c.range = s.video_full_range_flag ? ColorRange::Full : ColorRange::Limited;
    return c;
}

std::string size_text(int w, int h, int depth) {
    return std::to_string(w) + "x" + std::to_string(h) + " " + std::to_string(depth) + "-bit";
}

}  // namespace

struct Decoder::Impl {
    const driver::CudaApi& cuda;
    const NvcuvidApi& cuvid;
    std::shared_ptr<driver::PrimaryContext> context;
    StreamFormat declared;
    CUvideoparser parser = nullptr;
    CUvideodecoder decoder = nullptr;

    // The sequence the decoder was created for.
    bool configured = false;
    CUVIDEOFORMAT sequence{};
    int surfaces = 0;
    int surface_height = 0;  // rows of the output surface (target height)
    PixelFormat format = PixelFormat::NV12;
    int width = 0, height = 0;
    ColorDescription color;
    std::shared_ptr<DeviceFramePool> pool;

    std::deque<Ready> ready;
    std::optional<Error> failure;  // raised inside a parser callback, thrown by send()
    bool ended = false;
    bool timestamps = true;
    int64_t displayed = 0;
    int64_t returned = 0;

    Impl(const driver::CudaApi& c, const NvcuvidApi& v) : cuda(c), cuvid(v) {}
    ~Impl();

    int on_sequence(const CUVIDEOFORMAT& f);
    int on_decode(CUVIDPICPARAMS& p);
    int on_display(const CUVIDPARSERDISPINFO* d);
    void parse(CUVIDSOURCEDATAPACKET& packet);
    Frame copy_out(const Ready& entry, Frame* in_place);
    void evacuate(int surface);

    static int CUDAAPI sequence_cb(void* self, CUVIDEOFORMAT* f) { return guarded(self, [&](Impl& i) { return i.on_sequence(*f); }); }
    static int CUDAAPI decode_cb(void* self, CUVIDPICPARAMS* p) { return guarded(self, [&](Impl& i) { return i.on_decode(*p); }); }
    static int CUDAAPI display_cb(void* self, CUVIDPARSERDISPINFO* d) { return guarded(self, [&](Impl& i) { return i.on_display(d); }); }

    // Exceptions must not cross the driver's C frames: keep the first, fail the callback.
    template <typename F>
    static int guarded(void* self, F&& f) {
        Impl& impl = *static_cast<Impl*>(self);
        if (impl.failure) return 0;
        try {
            return f(impl);
        } catch (const Error& e) {
            impl.failure = e;
        } catch (const std::exception& e) {
            impl.failure = Error(ErrorCode::DeviceLost, std::string("nvdec: ") + e.what());
        }
        return 0;
    }
};

Decoder::Impl::~Impl() {
    if (!context) return;
    try {
        driver::ContextScope scope(*context);
        if (parser) cuvid.destroy_parser(parser);
        if (decoder) cuvid.destroy_decoder(decoder);
    } catch (...) {  // the context is gone: so are the driver's objects
    }
}

int Decoder::Impl::on_sequence(const CUVIDEOFORMAT& f) {
    const int depth = f.bit_depth_luma_minus8 + 8;
    const int w = f.display_area.right - f.display_area.left;
    const int h = f.display_area.bottom - f.display_area.top;
    if (configured) {
        const bool same = f.coded_width == sequence.coded_width && f.coded_height == sequence.coded_height &&
                          w == width && h == height && f.bit_depth_luma_minus8 == sequence.bit_depth_luma_minus8 &&
                          f.chroma_format == sequence.chroma_format;
        if (same) return surfaces;  // a repeated sequence header
        throw Error(ErrorCode::Unsupported,
                    "nvdec: the " + std::string(to_string(declared.codec)) + " stream changes mid-stream from " +
                        size_text(width, height, sequence.bit_depth_luma_minus8 + 8) + " to " +
                        size_text(w, h, depth) + "; open a new decoder for the new sequence");
    }
    if (f.codec != to_cuvid(declared.codec))
        throw Error(ErrorCode::InvalidData, "nvdec: the parser found another codec than " +
                                                std::string(to_string(declared.codec)));
    if (f.chroma_format != cudaVideoChromaFormat_420)
        throw Error(ErrorCode::Unsupported, "nvdec: the stream is not 4:2:0 (chroma format " +
                                                std::to_string(static_cast<int>(f.chroma_format)) +
                                                "); nvcast's NVDEC path outputs NV12/P010 only");
    if (std::string why = bit_depth_problem(declared.codec, depth); !why.empty()) throw Error(ErrorCode::Unsupported, why);
    if (w <= 0 || h <= 0 || f.display_area.left < 0 || f.display_area.top < 0)
        throw Error(ErrorCode::InvalidData, "nvdec: the stream's display area is empty or negative");
    const DecodeCaps caps = query_caps(cuvid, declared.codec, depth);
    if (std::string why = caps_problem(caps, declared.codec, depth, static_cast<int>(f.coded_width),
                                       static_cast<int>(f.coded_height), gpu_label(*context));
        !why.empty())
        throw Error(ErrorCode::Unsupported, why);

    // Drivers before NVDEC API 9 leave the minimum at 0: then a DPB's worth, as NVIDIA's samples do.
    const int minimum = f.min_num_decode_surfaces ? f.min_num_decode_surfaces : 20;
    surfaces = std::clamp(minimum + kExtraSurfaces, 1, kMaxSurfaces);
    CUVIDDECODECREATEINFO ci{};
    ci.ulWidth = f.coded_width;
    ci.ulHeight = f.coded_height;
    ci.ulMaxWidth = f.coded_width;
    ci.ulMaxHeight = f.coded_height;
    ci.ulNumDecodeSurfaces = static_cast<tcu_ulong>(surfaces);
    ci.CodecType = f.codec;
    ci.ChromaFormat = f.chroma_format;
    ci.ulCreationFlags = cudaVideoCreate_PreferCUVID;
    ci.bitDepthMinus8 = f.bit_depth_luma_minus8;
    // The decoder crops to the display area; the output surface is that size (even, as NVDEC asks).
    ci.display_area.left = static_cast<short>(f.display_area.left);
    ci.display_area.top = static_cast<short>(f.display_area.top);
    ci.display_area.right = static_cast<short>(f.display_area.right);
    ci.display_area.bottom = static_cast<short>(f.display_area.bottom);
    ci.OutputFormat = depth > 8 ? cudaVideoSurfaceFormat_P016 : cudaVideoSurfaceFormat_NV12;
    ci.DeinterlaceMode = f.progressive_sequence ? cudaVideoDeinterlaceMode_Weave : cudaVideoDeinterlaceMode_Adaptive;
    ci.ulTargetWidth = static_cast<tcu_ulong>((w + 1) & ~1);
    ci.ulTargetHeight = static_cast<tcu_ulong>((h + 1) & ~1);
    ci.ulNumOutputSurfaces = 2;
    const CUresult r = cuvid.create_decoder(&decoder, &ci);
    if (r != CUDA_SUCCESS) {
        decoder = nullptr;
        throw Error(r == static_cast<CUresult>(2) /* CUDA_ERROR_OUT_OF_MEMORY */ ? ErrorCode::ResourceExhausted : ErrorCode::Unavailable,
                    "nvdec: cannot create a " + std::string(to_string(declared.codec)) + " " +
                        size_text(w, h, depth) + " decoder on " + gpu_label(*context) + ": " +
                        driver::cuda_error_text(cuda, r));
    }
    sequence = f;
    width = w;
    height = h;
    surface_height = static_cast<int>(ci.ulTargetHeight);
    format = depth > 8 ? PixelFormat::P010 : PixelFormat::NV12;
    color = color_of(f);
    pool = DeviceFramePool::create(context, format, width, height);
    configured = true;
    return surfaces;  // > 1: the parser cycles through this many surfaces
}

int Decoder::Impl::on_decode(CUVIDPICPARAMS& p) {
    if (!decoder) throw Error(ErrorCode::InvalidData, "nvdec: a picture came before any sequence header");
    if (p.CurrPicIdx < 0 || p.CurrPicIdx >= surfaces)
        throw Error(ErrorCode::InvalidData, "nvdec: the parser chose decode surface " + std::to_string(p.CurrPicIdx) +
                                                " of " + std::to_string(surfaces));
    evacuate(p.CurrPicIdx);  // a displayed picture not yet received must not be overwritten
    const CUresult r = cuvid.decode_picture(decoder, &p);
    if (r != CUDA_SUCCESS)
        throw Error(ErrorCode::DeviceLost, "nvdec: cuvidDecodePicture failed on " + gpu_label(*context) + ": " +
                                               driver::cuda_error_text(cuda, r));
    return 1;
}

int Decoder::Impl::on_display(const CUVIDPARSERDISPINFO* d) {
    if (!d) return 1;  // end-of-stream notification
    if (d->picture_index < 0 || d->picture_index >= surfaces)
        throw Error(ErrorCode::InvalidData, "nvdec: the parser displays surface " + std::to_string(d->picture_index) +
                                                " of " + std::to_string(surfaces));
    Ready entry;
    entry.surface = d->picture_index;
    entry.info = *d;
    entry.pts = timestamps ? d->timestamp : displayed;
    ++displayed;
    ready.push_back(std::move(entry));
    return 1;
}

void Decoder::Impl::evacuate(int surface) {
    for (Ready& entry : ready)
        if (entry.surface == surface) {
            entry.frame = copy_out(entry, nullptr);
            entry.surface = -1;
        }
}

// Maps the entry's surface and copies it into `*in_place` (when given) or a pool frame.
Frame Decoder::Impl::copy_out(const Ready& entry, Frame* in_place) {
    if (cuvid.get_decode_status) {
        CUVIDGETDECODESTATUS status{};
        if (cuvid.get_decode_status(decoder, entry.surface, &status) == CUDA_SUCCESS &&
            status.decodeStatus == cuvidDecodeStatus_Error)
            throw Error(ErrorCode::InvalidData, "nvdec: NVDEC reports frame " + std::to_string(returned) +
                                                    " as not decodable (corrupt stream?); it is dropped");
    }
    CUVIDPROCPARAMS proc{};
    proc.progressive_frame = entry.info.progressive_frame;
    proc.top_field_first = entry.info.top_field_first;
    proc.second_field = entry.info.repeat_first_field + 1;
    proc.unpaired_field = entry.info.repeat_first_field < 0;
    unsigned long long ptr = 0;
    unsigned int pitch = 0;
    CUresult r = cuvid.map_frame(decoder, entry.surface, &ptr, &pitch, &proc);
    if (r != CUDA_SUCCESS)
        throw Error(ErrorCode::DeviceLost, "nvdec: cannot map decoded frame " + std::to_string(returned) + " on " +
                                               gpu_label(*context) + ": " + driver::cuda_error_text(cuda, r));
    Frame out = in_place ? *in_place : pool->acquire();
    r = copy_surface(cuda, ptr, pitch, static_cast<size_t>(pitch) * static_cast<size_t>(surface_height), out);
    const CUresult unmapped = cuvid.unmap_frame(decoder, ptr);
    if (r == CUDA_SUCCESS) r = unmapped;
    if (r != CUDA_SUCCESS)
        throw Error(ErrorCode::DeviceLost, "nvdec: cannot copy decoded frame " + std::to_string(returned) + " on " +
                                               gpu_label(*context) + ": " + driver::cuda_error_text(cuda, r));
    return out;
}

void Decoder::Impl::parse(CUVIDSOURCEDATAPACKET& packet) {
    driver::ContextScope scope(*context);
    const CUresult r = cuvid.parse_video_data(parser, &packet);
    if (failure) throw *failure;  // sticky: the session cannot go on after a failed callback
    if (r != CUDA_SUCCESS)
        throw Error(ErrorCode::InvalidData, "nvdec: the " + std::string(to_string(declared.codec)) +
                                                " parser rejected the data: " + driver::cuda_error_text(cuda, r));
}

std::string unsupported_reason(const StreamFormat& format, int gpu) {
    try {
        if (std::string why = bit_depth_problem(format.codec, format.bit_depth); !why.empty()) return why;
        const driver::CudaApi& cuda = driver::load_cuda();
        const NvcuvidApi& cuvid = load_nvcuvid();
        driver::PrimaryContext context(cuda, gpu);
        driver::ContextScope scope(context);
        const DecodeCaps caps = query_caps(cuvid, format.codec, format.bit_depth);
        return caps_problem(caps, format.codec, format.bit_depth, format.width, format.height, gpu_label(context));
    } catch (const Error& e) {
        return e.what();
    }
}

Decoder::Decoder(const StreamFormat& format, int gpu) {
    if (std::string why = bit_depth_problem(format.codec, format.bit_depth); !why.empty())
        throw Error(ErrorCode::Unsupported, why);
    const driver::CudaApi& cuda = driver::load_cuda();
    const NvcuvidApi& cuvid = load_nvcuvid();
    impl_ = std::make_unique<Impl>(cuda, cuvid);
    impl_->declared = format;
    impl_->context = std::make_shared<driver::PrimaryContext>(cuda, gpu);
    driver::ContextScope scope(*impl_->context);
    const DecodeCaps caps = query_caps(cuvid, format.codec, format.bit_depth);
    if (std::string why = caps_problem(caps, format.codec, format.bit_depth, format.width, format.height,
                                       gpu_label(*impl_->context));
        !why.empty())
        throw Error(ErrorCode::Unsupported, why);

    CUVIDPARSERPARAMS p{};
    p.CodecType = to_cuvid(format.codec);
    p.ulMaxNumDecodeSurfaces = 1;  // the sequence callback says how many
    p.ulErrorThreshold = 0;        // skip pictures with bitstream errors rather than show garbage
    p.ulMaxDisplayDelay = 0;       // low latency: display as soon as the order allows
    p.pUserData = impl_.get();
    p.pfnSequenceCallback = &Impl::sequence_cb;
    p.pfnDecodePicture = &Impl::decode_cb;
    p.pfnDisplayPicture = &Impl::display_cb;
    const CUresult r = cuvid.create_parser(&impl_->parser, &p);
    if (r != CUDA_SUCCESS) {
        impl_->parser = nullptr;
        throw Error(ErrorCode::Unavailable, "nvdec: cannot create the " + std::string(to_string(format.codec)) +
                                                " parser: " + driver::cuda_error_text(cuda, r));
    }
}

Decoder::~Decoder() = default;

void Decoder::send(std::span<const uint8_t> packet, int64_t pts) {
    Impl& i = *impl_;
    if (i.ended) throw Error(ErrorCode::InvalidState, "nvdec: send() after send_end()");
    if (i.failure) throw *i.failure;
    if (packet.empty()) return;  // an empty payload would read as end of stream
    CUVIDSOURCEDATAPACKET data{};
    data.payload = packet.data();
    data.payload_size = static_cast<tcu_ulong>(packet.size());
    if (pts == kNoPts) {
        i.timestamps = false;
    } else {
        data.flags = CUVID_PKT_TIMESTAMP;
        data.timestamp = pts;
    }
    i.parse(data);
}

void Decoder::send_end() {
    Impl& i = *impl_;
    if (i.ended) return;
    if (i.failure) throw *i.failure;
    i.ended = true;
    CUVIDSOURCEDATAPACKET data{};
    data.flags = CUVID_PKT_ENDOFSTREAM;
    i.parse(data);
}

bool Decoder::receive(Frame& out) {
    Impl& i = *impl_;
    if (i.ready.empty()) {
        if (i.failure) throw *i.failure;
        return false;
    }
    Ready entry = std::move(i.ready.front());
    i.ready.pop_front();
    const bool fits = out.memory() == MemoryType::Cuda && out.format() == i.format && out.width() == i.width &&
                      out.height() == i.height;
    driver::ContextScope scope(*i.context);
    if (entry.surface < 0) {  // already copied out
        if (fits) {
            if (const CUresult r = copy_device_frame(i.cuda, entry.frame, out); r != CUDA_SUCCESS)
                throw Error(ErrorCode::DeviceLost, "nvdec: cannot copy a decoded frame: " + driver::cuda_error_text(i.cuda, r));
        } else {
            out = std::move(entry.frame);
        }
    } else {
        Frame copied = i.copy_out(entry, fits ? &out : nullptr);
        if (!fits) out = std::move(copied);
    }
    out.pts = entry.pts;
    out.color = i.color;
    ++i.returned;
    return true;
}

std::string Decoder::device_name() const { return impl_->context->name(); }
int64_t Decoder::frames_decoded() const { return impl_->returned; }

}  // namespace nvcast::nvdec

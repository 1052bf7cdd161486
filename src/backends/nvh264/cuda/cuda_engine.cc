// nvh264: the CUDA engine. Every stage runs on the GPU on one stream; the host sees
// the frame's complexity (8 bytes, for rate control) and the finished slices.
#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "backends/nvh264/chunk_writer.h"
#include "backends/nvh264/cuda/device_memory.h"
#include "backends/nvh264/cuda/recorded_launches.h"
#include "backends/nvh264/cuda/stage_clock.h"
#include "backends/nvh264/cuda/stages.h"
#include "backends/nvh264/engine.h"
#include "gpu/cuda_check.h"
#include "nvcast/error.h"

namespace nvcast::nvh264 {
namespace {

using cuda::DeviceArray;
using cuda::PinnedArray;
using gpu::cuda_check;

// The three planes of a macroblock-aligned 4:2:0 picture in one allocation.
struct DevicePicture {
    DeviceArray<uint8_t> memory;
    PictureView view;

    DevicePicture(int w, int h, const char* what) : memory(static_cast<size_t>(w) * h * 3 / 2, what) {
        uint8_t* p = memory.get();
        view.y = PlaneView{p, w, h, w};
        view.u = PlaneView{p + static_cast<size_t>(w) * h, w / 2, h / 2, w / 2};
        view.v = PlaneView{view.u.data + static_cast<size_t>(w / 2) * (h / 2), w / 2, h / 2, w / 2};
    }
};

struct DevicePadded {
    DeviceArray<uint8_t> memory;
    PaddedView view;
    DevicePadded(int w, int h) : memory(PaddedView::bytes_for(w, h), "half-sample planes") {
        view = PaddedView{memory.get(), w, h, PaddedView::stride_for(w)};
    }
};

std::string device_name(int device) {
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, device) != cudaSuccess) return "CUDA device " + std::to_string(device);
    return prop.name;
}

class CudaEngine final : public PictureEngine {
public:
    CudaEngine(const EncoderConfig& config, int mb_w, int mb_h, bool stage_timing)
        : config_(config),
          mb_w_(mb_w),
          mb_h_(mb_h),
          n_(static_cast<size_t>(mb_w) * mb_h),
          src_(mb_w * 16, mb_h * 16, "the source picture"),
          pic_a_(mb_w * 16, mb_h * 16, "the reconstruction"),
          pic_b_(mb_w * 16, mb_h * 16, "the reference picture"),
          half_h_(mb_w * 16, mb_h * 16),
          half_v_(mb_w * 16, mb_h * 16),
          half_hv_(mb_w * 16, mb_h * 16),
          mbs_(n_, "macroblock decisions"),
          motion_a_(n_, "motion vectors"),
          motion_b_(n_, "motion vectors"),
          skip_trials_(n_, "skip trials"),
          ctx_(1, "the frame context"),
          complexity_(1, "the frame complexity"),
          staging_(static_cast<size_t>(config.width) * config.height * 3 / 2, "uploading host frames"),
          host_complexity_(1, "the frame complexity"),
          host_totals_(3, "bitstream sizes") {
        cuda_check(cudaGetDevice(&device_), "nvh264: selecting the CUDA device");
        description_ = "CUDA on " + device_name(device_);
        // The decision kernels keep a macroblock's trial states on the stack.
        const size_t stack = cuda::stage_stack_bytes();
        size_t limit = 0;
        cuda_check(cudaDeviceGetLimit(&limit, cudaLimitStackSize), "nvh264: reading the CUDA stack limit");
        if (stack > limit) cuda_check(cudaDeviceSetLimit(cudaLimitStackSize, stack), "nvh264: raising the CUDA stack limit");
        cuda_check(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), "nvh264: creating a CUDA stream");
        cuda_check(cudaEventCreateWithFlags(&input_ready_, cudaEventDisableTiming), "nvh264: creating a CUDA event");
        rec_ = &pic_a_;
        ref_ = &pic_b_;
        motion_cur_ = motion_a_.get();
        motion_prev_ = motion_b_.get();
        allocate_bitstream(std::clamp(config.slices, 1, mb_h));
        if (stage_timing) clock_.enable();
        // The first P frame never comes before an IDR, but keep the reference defined anyway.
        cuda_check(cudaMemsetAsync(pic_b_.memory.get(), 0, pic_b_.memory.bytes(), stream_), "nvh264: clearing the reference");
    }

    ~CudaEngine() override {
        if (stream_) {
            cudaStreamSynchronize(stream_);
            cudaStreamDestroy(stream_);
        }
        if (input_ready_) cudaEventDestroy(input_ready_);
    }

    std::string description() const override { return description_; }
    bool on_gpu() const override { return true; }

    void load(const Frame& frame) override {
        // CUDA's current device is per thread: the frame may come from another thread than the constructor's.
        cuda_check(cudaSetDevice(device_), "nvh264: selecting the CUDA device");
        clock_.start(stream_);
        InputPlanes in;
        in.width = frame.width();
        in.height = frame.height();
        in.nv12 = frame.format() == PixelFormat::NV12;
        const int planes = in.nv12 ? 2 : 3;
        if (frame.memory() == MemoryType::Cuda) {
            for (int c = 0; c < planes; ++c) {
                check_device_pointer(frame.data(c), c);
                in.data[c] = frame.data(c);
                in.pitch[c] = frame.pitch(c);
            }
            // Read the frame only after the work the caller queued on its stream (the legacy default
            // stream when none is configured).
            cuda_check(cudaEventRecord(input_ready_, static_cast<cudaStream_t>(config_.cuda_stream)),
                       "nvh264: ordering after the caller's CUDA stream");
            cuda_check(cudaStreamWaitEvent(stream_, input_ready_, 0), "nvh264: ordering after the caller's CUDA stream");
        } else {
            uint8_t* dst = staging_.get();
            for (int c = 0; c < planes; ++c) {
                const size_t row = plane_row_bytes(frame.format(), frame.width(), c);
                const int rows = plane_rows(frame.format(), frame.height(), c);
                cuda_check(cudaMemcpy2DAsync(dst, row, frame.data(c), static_cast<size_t>(frame.pitch(c)), row,
                                             static_cast<size_t>(rows), cudaMemcpyHostToDevice, stream_),
                           "nvh264: uploading the frame");
                in.data[c] = dst;
                in.pitch[c] = static_cast<int>(row);
                dst += row * static_cast<size_t>(rows);
            }
        }
        cuda::launch_load(in, src_.view, stream_);
        clock_.mark("load", stream_);
    }

    double analyse(const FrameContext& setup) override {
        upload_context(setup);
        cuda_check(cudaMemsetAsync(complexity_.get(), 0, sizeof(unsigned long long), stream_), "nvh264: analysis");
        if (setup.p_slice) cuda::launch_motion_search(ctx_.get(), host_ctx_, complexity_.get(), stream_);
        else cuda::launch_intra_complexity(src_.view, complexity_.get(), stream_);
        clock_.mark(setup.p_slice ? "motion search" : "intra analysis", stream_);
        cuda_check(cudaMemcpyAsync(host_complexity_.get(), complexity_.get(), sizeof(unsigned long long),
                                   cudaMemcpyDeviceToHost, stream_),
                   "nvh264: reading the frame complexity");
        sync("nvh264: frame analysis");
        clock_.collect();
        return static_cast<double>(*host_complexity_.get());
    }

    std::vector<uint8_t> code_slices(const FrameContext& setup, const std::vector<BitWriter>& headers,
                                     int nal_unit_type) override {
        upload_context(setup);
        upload_headers(headers);
        cuda::launch_plan(ctx_.get(), host_ctx_, stream_);
        clock_.mark("decision (all macroblocks)", stream_);
        if (setup.p_slice) {
            cuda::launch_speculate_skips(ctx_.get(), host_ctx_, stream_);
            clock_.mark("skip trials (all macroblocks)", stream_);
        }
        // The wavefront's launches read the frame through ctx_ and depend only on the picture size
        // (and whether it deblocks): one graph each. Deblocking here rather than in finish_reference
        // lets it run a few waves behind the finishing.
        const bool deblock = setup.tools.deblock;
        wavefront_[deblock].run(stream_, [&] { cuda::launch_wavefront(ctx_.get(), host_ctx_, deblock, stream_); },
                                "nvh264: the wavefront");
        clock_.mark(deblock ? "finishing wavefront + deblocking" : "finishing wavefront", stream_);
        if (setup.p_slice) {
            cuda::launch_vector_differences(ctx_.get(), host_ctx_, stream_);
            clock_.mark("vector differences", stream_);
        }
        cuda::launch_bitstream(ctx_.get(), host_ctx_, nal_unit_type, bits_, stream_);
        clock_.mark("CAVLC + bitstream assembly", stream_);
        cuda_check(cudaMemcpyAsync(host_totals_.get(), bits_.totals, 3 * sizeof(int), cudaMemcpyDeviceToHost, stream_),
                   "nvh264: reading the slice sizes");
        sync("nvh264: coding the picture");
        if (host_totals_.get()[2]) throw Error(ErrorCode::EncoderFailure, "nvh264: a macroblock's CAVLC exceeded its chunk");
        const size_t size = static_cast<size_t>(host_totals_.get()[1]);
        cuda_check(cudaMemcpyAsync(host_out_.get(), bits_.out, size, cudaMemcpyDeviceToHost, stream_),
                   "nvh264: reading the slices");
        clock_.mark("packet read-back", stream_);
        sync("nvh264: reading the slices");
        clock_.collect();
        return std::vector<uint8_t>(host_out_.get(), host_out_.get() + size);
    }

    void finish_reference(const FrameContext& setup) override {
        // The reconstruction was deblocked in code_slices' wavefront.
        std::swap(rec_, ref_);
        cuda::launch_half_planes(ref_view(), stream_);
        clock_.mark("half-sample planes", stream_);
        if (clock_.enabled()) {
            sync("nvh264: building the reference");
            clock_.collect();
        }
        have_prev_motion_ = setup.p_slice;
        if (setup.p_slice) std::swap(motion_cur_, motion_prev_);
    }

    Frame reconstruction(int width, int height) const override {
        Frame out = Frame::allocate(PixelFormat::I420, width, height);
        for (int c = 0; c < 3; ++c) {
            const PlaneView& p = ref_->view.plane(c);
            const int w = c ? width / 2 : width, h = c ? height / 2 : height;
            cuda_check(cudaMemcpy2DAsync(out.data(c), static_cast<size_t>(out.pitch(c)), p.data,
                                         static_cast<size_t>(p.stride), static_cast<size_t>(w), static_cast<size_t>(h),
                                         cudaMemcpyDeviceToHost, stream_),
                       "nvh264: reading the reconstruction");
        }
        sync("nvh264: reading the reconstruction");
        return out;
    }

    std::vector<std::pair<std::string, double>> stage_times() const override { return clock_.totals(); }

    FrameSnapshot snapshot() const override {
        FrameSnapshot s;
        s.mbs.resize(n_);
        cuda_check(cudaMemcpyAsync(s.mbs.data(), mbs_.get(), n_ * sizeof(MbInfo), cudaMemcpyDeviceToHost, stream_),
                   "nvh264: reading decisions");
        if (have_prev_motion_) {
            s.motion.resize(n_);
            cuda_check(cudaMemcpyAsync(s.motion.data(), motion_prev_, n_ * sizeof(MotionResult),
                                       cudaMemcpyDeviceToHost, stream_),
                       "nvh264: reading motion vectors");
        }
        s.reference = reconstruction(mb_w_ * 16, mb_h_ * 16);
        return s;
    }

private:
    void sync(const char* what) const { cuda_check(cudaStreamSynchronize(stream_), what); }

    RefView ref_view() const { return RefView{ref_->view, half_h_.view, half_v_.view, half_hv_.view}; }

    void upload_context(const FrameContext& setup) {
        host_ctx_ = setup;
        host_ctx_.src = src_.view;
        host_ctx_.rec = rec_->view;
        host_ctx_.ref = ref_view();
        host_ctx_.mbs = mbs_.get();
        host_ctx_.motion = motion_cur_;
        host_ctx_.skip_trials = skip_trials_.get();
        host_ctx_.prev_motion = have_prev_motion_ ? motion_prev_ : nullptr;
        cuda_check(cudaMemcpyAsync(ctx_.get(), &host_ctx_, sizeof(FrameContext), cudaMemcpyHostToDevice, stream_),
                   "nvh264: uploading the frame context");
    }

    void upload_headers(const std::vector<BitWriter>& headers) {
        if (static_cast<int>(headers.size()) != bits_.slices)
            throw Error(ErrorCode::InvalidArgument, "nvh264: slice count changed mid-stream");
        for (size_t s = 0; s < headers.size(); ++s) {
            cuda::SliceHeaderBits& h = host_headers_.get()[s];
            const std::vector<uint8_t> bytes = headers[s].padded_bytes();
            if (bytes.size() > sizeof(h.words))
                throw Error(ErrorCode::EncoderFailure, "nvh264: slice header longer than 512 bits");
            std::memset(h.words, 0, sizeof(h.words));
            for (size_t i = 0; i < bytes.size(); ++i) h.words[i / 4] |= static_cast<uint32_t>(bytes[i]) << (24 - 8 * (i % 4));
            h.bits = static_cast<int>(headers[s].bit_count());
        }
        cuda_check(cudaMemcpyAsync(bits_.headers, host_headers_.get(), headers.size() * sizeof(cuda::SliceHeaderBits),
                                   cudaMemcpyHostToDevice, stream_),
                   "nvh264: uploading slice headers");
    }

    void check_device_pointer(const void* p, int plane) const {
        cudaPointerAttributes a{};
        const cudaError_t status = cudaPointerGetAttributes(&a, p);
        if (status != cudaSuccess) cudaGetLastError();
        if (status != cudaSuccess || (a.type != cudaMemoryTypeDevice && a.type != cudaMemoryTypeManaged))
            throw Error(ErrorCode::InvalidArgument, "nvh264: plane " + std::to_string(plane) +
                                                        " of a MemoryType::Cuda frame is not CUDA device memory");
        if (a.type == cudaMemoryTypeDevice && a.device != device_)
            throw Error(ErrorCode::InvalidArgument, "nvh264: plane " + std::to_string(plane) + " lives on CUDA device " +
                                                        std::to_string(a.device) + ", this encoder runs on device " +
                                                        std::to_string(device_));
    }

    void allocate_bitstream(int slices) {
        // Worst case: every macroblock's chunk full, plus headers and trailers.
        const size_t capacity = n_ * kChunkWords * 4 + static_cast<size_t>(slices) * 96;
        chunk_words_ = DeviceArray<uint32_t>(n_ * kChunkWords, "CAVLC chunks");
        per_mb_ = DeviceArray<int>(4 * n_, "CAVLC chunk lengths");
        per_slice_ = DeviceArray<int>(5 * static_cast<size_t>(slices) + 3, "slice layout");
        headers_ = DeviceArray<cuda::SliceHeaderBits>(static_cast<size_t>(slices), "slice headers");
        host_headers_ = PinnedArray<cuda::SliceHeaderBits>(static_cast<size_t>(slices), "slice headers");
        rbsp_ = DeviceArray<uint32_t>(capacity / 4 + 2, "the bitstream");
        marks_ = DeviceArray<int>(2 * capacity, "emulation prevention");
        const size_t out_capacity = capacity + capacity / 2 + 4 * static_cast<size_t>(slices) + 16;
        out_ = DeviceArray<uint8_t>(out_capacity, "the bitstream");
        host_out_ = PinnedArray<uint8_t>(out_capacity, "the bitstream");
        scan_temp_ = DeviceArray<uint8_t>(cuda::scan_temp_bytes(capacity), "the bitstream scan");

        bits_.slices = slices;
        bits_.chunk_words = chunk_words_.get();
        bits_.chunk_bits = per_mb_.get();
        bits_.skip_before = per_mb_.get() + n_;
        bits_.mb_offset = per_mb_.get() + 2 * n_;
        int* ps = per_slice_.get();
        bits_.trailing_skips = ps;
        bits_.payload_bits = ps + slices;
        bits_.seg_offset = ps + 2 * slices;
        bits_.seg_len = ps + 3 * slices;
        bits_.totals = ps + 5 * slices;
        bits_.headers = headers_.get();
        bits_.rbsp_words = rbsp_.get();
        bits_.marks = marks_.get();
        bits_.marks_scan = marks_.get() + capacity;
        bits_.out = out_.get();
        bits_.scan_temp = scan_temp_.get();
        bits_.scan_temp_bytes = scan_temp_.size();
        bits_.capacity_bytes = capacity;
        bits_.out_capacity_bytes = out_capacity;
    }

    EncoderConfig config_;
    int mb_w_, mb_h_;
    size_t n_;
    int device_ = 0;
    std::string description_;
    cudaStream_t stream_ = nullptr;
    cudaEvent_t input_ready_ = nullptr;
    cuda::StageClock clock_;
    cuda::RecordedLaunches wavefront_[2];  // without, with deblocking
    DevicePicture src_, pic_a_, pic_b_;
    DevicePicture* rec_ = nullptr;
    DevicePicture* ref_ = nullptr;
    DevicePadded half_h_, half_v_, half_hv_;
    DeviceArray<MbInfo> mbs_;
    DeviceArray<MotionResult> motion_a_, motion_b_;
    DeviceArray<SkipTrial> skip_trials_;
    MotionResult* motion_cur_ = nullptr;
    MotionResult* motion_prev_ = nullptr;
    bool have_prev_motion_ = false;
    DeviceArray<FrameContext> ctx_;
    FrameContext host_ctx_;
    DeviceArray<unsigned long long> complexity_;
    DeviceArray<uint8_t> staging_;
    PinnedArray<unsigned long long> host_complexity_;
    PinnedArray<int> host_totals_;
    // Entropy stage.
    cuda::BitstreamBuffers bits_;
    DeviceArray<uint32_t> chunk_words_;
    DeviceArray<int> per_mb_, per_slice_;
    DeviceArray<cuda::SliceHeaderBits> headers_;
    PinnedArray<cuda::SliceHeaderBits> host_headers_;
    DeviceArray<uint32_t> rbsp_;
    DeviceArray<int> marks_;
    DeviceArray<uint8_t> out_;
    PinnedArray<uint8_t> host_out_;
    DeviceArray<uint8_t> scan_temp_;
};

}  // namespace

bool cuda_engine_usable(std::string& why_not, std::string* name) {
    int count = 0;
    const cudaError_t status = cudaGetDeviceCount(&count);
    if (status != cudaSuccess) {
        cudaGetLastError();
        why_not = std::string("no usable CUDA device: ") + cudaGetErrorString(status);
        return false;
    }
    if (count == 0) {
        why_not = "no CUDA device";
        return false;
    }
    int device = 0;
    cudaGetDevice(&device);
    try {
        (void)cuda::stage_stack_bytes();  // fails when this build has no kernels for the device
    } catch (const Error&) {
        cudaDeviceProp prop{};
        cudaGetDeviceProperties(&prop, device);
        why_not = "this build has no nvh264 kernels for " + device_name(device) + " (compute capability " +
                  std::to_string(prop.major) + "." + std::to_string(prop.minor) +
                  "; rebuild with -DCMAKE_CUDA_ARCHITECTURES=" + std::to_string(prop.major * 10 + prop.minor) + ")";
        return false;
    }
    if (name) *name = device_name(device);
    return true;
}

std::unique_ptr<PictureEngine> make_cuda_engine(const EncoderConfig& config, int mb_w, int mb_h, bool stage_timing,
                                                std::string& why_not) {
    if (!cuda_engine_usable(why_not)) return nullptr;
    if (config.gpu >= 0) {
        int count = 0;
        cuda_check(cudaGetDeviceCount(&count), "nvh264: counting CUDA devices");
        if (config.gpu >= count)
            throw Error(ErrorCode::InvalidArgument, "nvh264: gpu " + std::to_string(config.gpu) + " does not exist (" +
                                                        std::to_string(count) + " CUDA device(s))");
        cuda_check(cudaSetDevice(config.gpu), "nvh264: selecting the CUDA device");
    }
    return std::make_unique<CudaEngine>(config, mb_w, mb_h, stage_timing);
}

}  // namespace nvcast::nvh264

#include "py_encoder.h"

#include <pybind11/stl.h>

#include "array_frame.h"
#include "gpu/devices.h"
#include "gpu/frame_transfer.h"
#include "nvcast/error.h"

#if NVCAST_PY_CUDA
#include <cuda_runtime.h>
#endif

namespace py = pybind11;

namespace nvcast::python {
namespace {

std::string text_of(const py::handle& v) { return py::str(v); }

// Orders `ours` after the work already queued on the array's producer stream, so the pixels are
// written before preparation reads them (without waiting on the host).
void wait_for_producer(uintptr_t producer, void* ours) {
#if NVCAST_PY_CUDA
    if (producer == 0) return;
    const cudaStream_t theirs = producer == 1   ? cudaStreamLegacy
                                : producer == 2 ? cudaStreamPerThread
                                                : reinterpret_cast<cudaStream_t>(producer);
    cudaEvent_t done = nullptr;
    if (cudaEventCreateWithFlags(&done, cudaEventDisableTiming) != cudaSuccess)
        throw Error(ErrorCode::DeviceLost, "cannot create a CUDA event");
    cudaEventRecord(done, theirs);
    cudaStreamWaitEvent(static_cast<cudaStream_t>(ours), done, 0);
    cudaEventDestroy(done);
#else
    (void)producer;
    (void)ours;
    throw Error(ErrorCode::Unavailable, "CUDA arrays need nvcast built with the CUDA toolkit");
#endif
}

// The CUDA device a device pointer lives on; -1 when it cannot be told.
int device_of(const void* pointer) {
#if NVCAST_PY_CUDA
    cudaPointerAttributes attributes{};
    if (cudaPointerGetAttributes(&attributes, pointer) != cudaSuccess) {
        cudaGetLastError();  // clear it: not a device pointer CUDA knows
        return -1;
    }
    return attributes.device;
#else
    (void)pointer;
    return -1;
#endif
}

}  // namespace

EncoderSettings settings_from(const std::string& codec, const std::string& backend, const py::dict& options) {
    EncoderSettings s;
    s.codec = codec;
    s.backend = backend;
    for (const auto& item : options) {
        const py::handle value = item.second;  // not a structured binding: lambdas below capture it
        const std::string key = py::str(item.first);
        auto as_int = [&] {
            if (!py::isinstance<py::int_>(value) || py::isinstance<py::bool_>(value))
                throw py::type_error("nvcast: option '" + key + "' takes an int");
            return value.cast<int>();
        };
        if (key == "preset") s.preset = text_of(value);
        else if (key == "tune") s.tune = text_of(value);
        else if (key == "rc") s.rc = text_of(value);
        else if (key == "bitrate") s.bitrate = text_of(value);
        else if (key == "max_bitrate") s.max_bitrate = text_of(value);
        else if (key == "vbv_size") s.vbv_size = text_of(value);
        else if (key == "gop") s.gop = text_of(value);
        else if (key == "profile") s.profile = text_of(value);
        else if (key == "gpu") s.gpu = text_of(value);
        else if (key == "chroma") s.chroma = text_of(value);
        else if (key == "qp") s.qp = as_int();
        else if (key == "quality") s.quality = as_int();
        else if (key == "bframes") s.bframes = as_int();
        else if (key == "slices") s.slices = as_int();
        else if (key == "threads") s.threads = as_int();
        else if (key == "intra_refresh_period") s.intra_refresh_period = as_int();
        else if (key == "intra_refresh") s.intra_refresh = value.cast<bool>();
        else if (key == "backend_options") {
            for (const auto& [k, v] : value.cast<py::dict>()) s.backend_options[py::str(k)] = text_of(v);
        } else {
            throw py::type_error("nvcast: unknown option '" + key +
                                 "' (options: preset, tune, rc, bitrate, max_bitrate, vbv_size, gop, profile, gpu, "
                                 "chroma, qp, quality, bframes, slices, threads, intra_refresh, "
                                 "intra_refresh_period, backend_options)");
        }
    }
    return s;
}

PyEncoder::PyEncoder(int width, int height, const std::string& codec, const py::object& fps, const std::string& backend,
                     const std::string& format, const py::dict& options)
    : settings_(settings_from(codec, backend, options)), width_(width), height_(height),
      input_format_(parse_input_format(format)) {
    if (width <= 0 || height <= 0)
        throw py::value_error("nvcast: frame size " + std::to_string(width) + "x" + std::to_string(height) + " is invalid");
    parse_frame_rate(text_of(fps), fps_num_, fps_den_);
    open(MemoryType::Host);  // options and backend are checked now, not at the first frame
}

void PyEncoder::open(MemoryType memory) {
    SourceInfo source;
    source.width = width_;
    source.height = height_;
    source.fps_num = fps_num_;
    source.fps_den = fps_den_;
    source.format = input_format_;
    source.memory = memory;
    PrepareSpec spec;
    spec.gpu_for_host_frames = false;  // host arrays are converted where they are
    auto prep = std::make_unique<Preparation>(spec, source);
    const EncoderConfig config = make_encoder_config(settings_, prep->output());
    OpenedEncoder opened = open_encoder(settings_.backend, config);
    prep_ = std::move(prep);
    encoder_ = std::move(opened.encoder);
    selection_ = opened.selection;
    memory_ = memory;
    if (memory == MemoryType::Cuda && !stream_owner_) {
        cuda_device_ = config.gpu >= 0 ? config.gpu : 0;
        auto stream = std::make_shared<gpu::CudaStream>(cuda_device_);
        cuda_stream_ = stream->get();
        stream_owner_ = stream;
    }
}

Encoder& PyEncoder::encoder() {
    if (!encoder_) throw Error(ErrorCode::InvalidState, "this encoder is closed");
    return *encoder_;
}

void PyEncoder::send(const py::handle& frame, bool keyframe) {
    if (flushed_) throw Error(ErrorCode::InvalidState, "send() after flush(): open a new Encoder");
    encoder();
    ArrayFrame in = frame_from_array(frame, input_format_, width_, height_);
    if (in.frame.memory() == MemoryType::Cuda) {
        // The encoder works on the array's GPU: with gpu "auto" it moves there, a gpu given
        // otherwise is an error (no copy between GPUs behind the caller's back).
        const int device = device_of(in.frame.data(0));
        const int wanted = parse_gpu(settings_.gpu);
        if (device >= 0 && wanted != kAutoGpu && device != wanted)
            throw py::value_error("nvcast: the array is on GPU " + std::to_string(device) + ", this encoder on GPU " +
                                  std::to_string(wanted) + " (gpu=" + std::to_string(wanted) + ")");
        if (device >= 0 && memory_ != MemoryType::Cuda) settings_.gpu = std::to_string(device);
        else if (device >= 0 && device != cuda_device_)
            throw py::value_error("nvcast: the array is on GPU " + std::to_string(device) +
                                  ", this encoder's earlier frames on GPU " + std::to_string(cuda_device_));
    }
    if (in.frame.memory() != memory_) {
        if (next_pts_ > 0)
            throw py::value_error("nvcast: frames must stay in one memory (all host arrays or all CUDA arrays)");
        open(in.frame.memory());  // a CUDA first frame: plan for device frames
    }
    FrameOptions options;
    options.force_idr = keyframe;
    py::gil_scoped_release unlocked;
    if (in.frame.memory() == MemoryType::Cuda) wait_for_producer(in.producer_stream, cuda_stream_);
    Frame prepared = prep_->run(in.frame, cuda_stream_);
    if (prep_->active()) ++stats_.conversions;
    if (prepared.memory() == MemoryType::Cuda) {
        static_cast<gpu::CudaStream*>(stream_owner_.get())->synchronize();
        if (!encoder_->capabilities().device_frames) {
            // A software encoder reads host memory: the one copy, counted.
            Frame host = Frame::allocate(prepared.format(), prepared.width(), prepared.height());
            gpu::copy_frame(prepared, host, cuda_stream_);
            static_cast<gpu::CudaStream*>(stream_owner_.get())->synchronize();
            prepared = std::move(host);
            ++stats_.host_copies;
        }
    }
    prepared.pts = next_pts_++;
    encoder_->send_frame(prepared, options);
    ++stats_.frames;
}

std::optional<PyPacket> PyEncoder::next() {
    std::optional<Packet> packet;
    {
        py::gil_scoped_release unlocked;
        packet = encoder().receive_packet();
    }
    if (!packet) return std::nullopt;
    ++stats_.packets;
    stats_.bytes += static_cast<int64_t>(packet->data.size());
    return PyPacket{py::bytes(reinterpret_cast<const char*>(packet->data.data()), packet->data.size()), packet->pts,
                    packet->dts, packet->keyframe};
}

py::list PyEncoder::flush() {
    py::list out;
    if (!flushed_) {
        py::gil_scoped_release unlocked;
        encoder().flush();
    }
    flushed_ = true;
    while (auto p = next()) out.append(py::cast(*p));
    return out;
}

void PyEncoder::set_bitrate(int64_t bitrate, int64_t max_bitrate) {
    if (bitrate <= 0) throw py::value_error("nvcast: bitrate must be positive (bits/s)");
    encoder().set_bitrate(bitrate, max_bitrate);
}

py::bytes PyEncoder::codec_headers() {
    const auto h = encoder().codec_headers();
    return py::bytes(reinterpret_cast<const char*>(h.data()), h.size());
}

std::string PyEncoder::backend() const { return encoder_ ? encoder_->backend_name() : std::string(); }

}  // namespace nvcast::python

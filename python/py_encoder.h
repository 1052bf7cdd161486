// nvcast.Encoder: one encoding session fed frames from Python, with its packets read back. The
// GIL is released while the encoder works, so other Python threads (and other encoders) run.
#pragma once

#include <pybind11/pybind11.h>

#include <memory>
#include <optional>
#include <string>

#include "nvcast/backend.h"
#include "nvcast/preparation.h"
#include "nvcast/settings.h"

namespace nvcast::python {

struct PyPacket {
    pybind11::bytes data;
    int64_t pts = 0, dts = 0;
    bool keyframe = false;
};

struct EncoderStats {
    int64_t frames = 0, packets = 0, bytes = 0;
    int64_t host_copies = 0;  // frames whose pixels crossed between GPU and host (0 when zero-copy)
    int64_t conversions = 0;  // frames converted (RGB -> YUV) before encoding, on the GPU or the CPU
};

class PyEncoder {
public:
    // `options`: the CLI's encoder options by name (preset, tune, rc, bitrate, max_bitrate, qp,
    // gop, bframes, profile, threads, gpu, intra_refresh, slices, backend_options).
    PyEncoder(int width, int height, const std::string& codec, const pybind11::object& fps, const std::string& backend,
              const std::string& format, const pybind11::dict& options);

    void send(const pybind11::handle& frame, bool keyframe);
    std::optional<PyPacket> next();        // a finished packet, or nullopt for now
    pybind11::list flush();                // ends the stream; the remaining packets
    void set_bitrate(int64_t bitrate, int64_t max_bitrate);
    pybind11::bytes codec_headers();
    std::string backend() const;
    std::string selection() const { return selection_; }
    const EncoderConfig& config() const { return encoder_->config(); }
    const EncoderStats& stats() const noexcept { return stats_; }
    void close() { encoder_.reset(); }

private:
    // (Re)plans preparation and opens the encoder for frames in `memory`.
    void open(MemoryType memory);
    Encoder& encoder();

    EncoderSettings settings_;
    int width_, height_;
    int fps_num_ = 30, fps_den_ = 1;
    PixelFormat input_format_;
    MemoryType memory_ = MemoryType::Host;
    std::unique_ptr<Preparation> prep_;
    std::unique_ptr<Encoder> encoder_;
    std::string selection_;
    void* cuda_stream_ = nullptr;  // gpu::CudaStream, owned (device frames only)
    int cuda_device_ = -1;         // the GPU device frames are prepared and encoded on
    std::shared_ptr<void> stream_owner_;
    int64_t next_pts_ = 0;
    bool flushed_ = false;
    EncoderStats stats_;
};

// Encoder options as the CLI takes them, from Python keyword arguments (values as str/int/bool).
EncoderSettings settings_from(const std::string& codec, const std::string& backend, const pybind11::dict& options);

}  // namespace nvcast::python

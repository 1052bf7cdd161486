// Frame sources: media files, network streams and capture devices (libavformat/libavcodec, or
// NVIDIA's decoder), Y4M files, raw YUV files and a synthetic pattern generator.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "nvcast/frame.h"

namespace nvcast {

struct SourceInfo {
    int width = 0;
    int height = 0;
    int fps_num = 30;
    int fps_den = 1;
    PixelFormat format = PixelFormat::I420;
    ColorDescription color;
    int64_t frame_count = -1;  // -1 when unknown
    MemoryType memory = MemoryType::Host;  // where read() puts the pixels
    // The unit of Frame::pts as read: time_base_num/time_base_den seconds. 0/0: frames are evenly
    // spaced at fps and pts counts frames. Media inputs keep their own timestamps (variable frame rate
    // included), and outputs carry them through.
    int time_base_num = 0;
    int time_base_den = 0;
    bool live = false;         // a camera, screen or network stream: it delivers at its own pace
    // read() hands out frames of its own (a hardware decoder's pool) instead of filling the caller's,
    // so callers need not allocate buffers for it.
    bool provides_buffers = false;
    std::string decoder;       // what decodes it and why ("h264 on NVDEC (NVIDIA H200)"); empty for raw input
};

// Streams of an input that outputs carry unchanged (audio): the source queues their packets as it
// reads, and a container output writes them beside the video (src/io/carried_media.h).
class CarriedMedia;

class FrameSource {
public:
    virtual ~FrameSource() = default;
    virtual const SourceInfo& info() const = 0;
    // Reads the next frame into `frame` (reusing its memory when it fits). A frame in CUDA device
    // memory is complete when read() returns (its GPU writes are done), so work on any stream, or
    // in another process, may read it at once.
    // Returns false at a clean end of input; throws Error on a truncated frame.
    virtual bool read(Frame& frame) = 0;
    // Makes a read() blocked on a camera or the network return soon (false); callable from any thread.
    virtual void interrupt() {}
    // What outputs should carry besides the video; nullptr when nothing.
    virtual std::shared_ptr<CarriedMedia> carried_media() const { return nullptr; }
};

enum class DecoderChoice {
    Auto,   // NVDEC when the GPU decodes the codec at this size and depth, else libavcodec on the CPU
    Cpu,    // libavcodec
    Nvdec,  // NVIDIA's hardware decoder; an error when it cannot
};
DecoderChoice parse_decoder_choice(std::string_view name);  // "auto", "cpu", "nvdec"
std::string_view to_string(DecoderChoice choice) noexcept;

struct InputOptions {
    // What a raw file can't tell by itself; also overrides for the synthetic source.
    int width = 0;
    int height = 0;
    int fps_num = 30;
    int fps_den = 1;
    bool fps_given = false;  // media inputs: override the rate the container declares
    PixelFormat format = PixelFormat::I420;
    int64_t frames = -1;  // synthetic: number of frames (-1 = endless)

    // Media files, network streams and capture devices (libavformat).
    std::string demuxer;                          // force a demuxer or device ("v4l2", "x11grab"); "" = guess
    std::map<std::string, std::string> demuxer_options;  // e.g. video_size=1280x720, framerate=30
    int stream = -1;                              // the N-th video stream (0-based); -1 = the best one
    DecoderChoice decoder = DecoderChoice::Auto;
    int gpu = -1;                                 // the CUDA device NVDEC decodes on; -1 = the first
    bool audio = true;                            // carry the input's audio into container outputs
    double timeout_s = 10;                        // network and devices: give up after this long without data
};

// "synthetic:1920x1080@60[:N]", "cuda-synthetic:1920x1080@60[:N]" (drawn in CUDA device memory),
// "*.y4m", raw video ("*.yuv", "*.nv12", "*.rgb", … or any file when a size is given), a capture
// device as "DEVICE:TARGET" ("v4l2:/dev/video0", "x11grab::0.0"), "ipc:NAME" (frames another
// process publishes, include/nvcast/ipc.h; waits up to timeout_s for it), and anything else libavformat
// opens: media files of any container, URLs (rtsp://, srt://, udp://, http://), SDP files.
std::unique_ptr<FrameSource> open_source(std::string_view spec, const InputOptions& options = {});

std::unique_ptr<FrameSource> open_y4m(const std::string& path);
std::unique_ptr<FrameSource> open_raw(const std::string& path, const InputOptions& options);
// A media file, URL or capture device through libavformat, decoded by libavcodec or NVDEC.
// Throws Error(Unsupported) in a build without libavformat.
std::unique_ptr<FrameSource> open_media(const std::string& url, const InputOptions& options);

// Reads up to max_frames frames (-1: to the end) of a host-memory source into memory, each an owned
// copy (pts and colour kept): a clip to encode again and again in benchmarks and tests.
// Error(InvalidArgument) for a source of device frames.
std::vector<Frame> read_frames(FrameSource& source, int64_t max_frames = -1);

// Capture devices the build can open, one per line as "DEVICE:TARGET — description".
std::vector<std::string> list_capture_inputs();
// Moving, detailed, noisy content (not trivial to compress), deterministic per seed.
std::unique_ptr<FrameSource> open_synthetic(int width, int height, int fps_num, int fps_den, int64_t frames,
                                            PixelFormat format = PixelFormat::I420, uint32_t seed = 1);
// The same kind of content drawn by a CUDA kernel into device frames (NV12 or I420), so that a
// benchmark's source outruns every encoder and GPU pipelines start with no host copy.
// Throws Error(Unavailable) without CUDA kernels or a device.
std::unique_ptr<FrameSource> open_device_synthetic(int width, int height, int fps_num, int fps_den, int64_t frames,
                                                   PixelFormat format = PixelFormat::NV12, uint32_t seed = 1);

}  // namespace nvcast

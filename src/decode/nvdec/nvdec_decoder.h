// NVIDIA hardware decoding (NVDEC) into CUDA device frames: H.264, HEVC, VP9 (and AV1
// where the GPU has it), 4:2:0 at 8 or 10 bits. libnvcuvid.so.1 and libcuda.so.1 are loaded
// at run time; without them (or without the ffnvcodec headers at build time) every call
// reports why NVDEC is unavailable, so callers fall back to libavcodec on the CPU.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "decode/stream_format.h"
#include "nvcast/frame.h"

namespace nvcast::nvdec {

// Why NVDEC on CUDA device `gpu` cannot decode this stream ("" when it can): no driver, no
// libnvcuvid, no such device, or codec / bit depth / size not supported by this GPU
// (cuvidGetDecoderCaps; the message gives the GPU's limits).
std::string unsupported_reason(const StreamFormat& format, int gpu);

// One decoding session. Not thread-safe: call it from one thread at a time.
class Decoder {
public:
    // Throws nvcast::Error with the reason: Unavailable (driver/library/context), InvalidArgument
    // (no such device), Unsupported (codec, bit depth or size).
    Decoder(const StreamFormat& format, int gpu);
    ~Decoder();
    Decoder(const Decoder&) = delete;
    Decoder& operator=(const Decoder&) = delete;

    // One compressed packet: Annex-B access unit(s) for H.264/HEVC (parameter sets in band;
    // any chunking of the byte stream works, the parser finds the pictures), a VP9 frame
    // (superframes allowed), an AV1 temporal unit (low-overhead OBUs). `pts` is passed through
    // to the frame; kNoPts numbers frames in display order instead.
    // Throws Error: InvalidData (stream the parser/decoder rejects), Unsupported (a stream
    // this GPU cannot decode, or a mid-stream change of size/bit depth), DeviceLost (GPU-side
    // failures), InvalidState (after send_end()).
    void send(std::span<const uint8_t> packet, int64_t pts);
    // No more packets: the parser flushes; receive() then returns the remaining frames.
    void send_end();

    // Next decoded frame in display order: NV12 (8-bit) or P010 (10-bit, MSB-aligned) in CUDA
    // device memory, allocated in the device's primary context (usable by CUDA runtime kernels),
    // exactly the display size (the coded picture's crop applied). When `out` already is a CUDA
    // frame of that format and size it is written in place (a device-to-device copy; so give a
    // fresh Frame when you keep the previous one, which may share that memory), otherwise
    // `out` gets a frame from the decoder's small pool (recycled when dropped). The copy has
    // finished when this returns. False when no frame is ready (send more), or after send_end()
    // once every frame was returned. Throws Error(InvalidData) for a frame NVDEC reports as
    // corrupt (the frame is dropped; decoding can continue), DeviceLost for map/copy failures.
    bool receive(Frame& out);

    std::string device_name() const;
    int64_t frames_decoded() const;  // frames returned by receive()

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace nvcast::nvdec

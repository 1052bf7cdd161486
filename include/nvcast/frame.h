// A video frame: where its pixels live, their layout and what they mean.
// Frames either own their memory (Frame::allocate) or wrap caller memory
// (Frame::wrap); wrapping never copies, which keeps device frames zero-copy.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

namespace nvcast {

enum class PixelFormat {
    NV12,     // 8-bit 4:2:0, Y plane + interleaved UV plane
    I420,     // 8-bit 4:2:0, three planes
    I444,     // 8-bit 4:4:4, three planes
    P010,     // 10-bit 4:2:0 in 16-bit words, MSB-aligned, Y + interleaved UV
    I420_10,  // 10-bit 4:2:0 in 16-bit words, LSB-aligned, three planes
    I444_10,  // 10-bit 4:4:4 in 16-bit words, LSB-aligned, three planes
    BGRA,     // 8-bit packed, bytes B,G,R,A
    RGBA,     // 8-bit packed, bytes R,G,B,A
    RGB24,    // 8-bit packed, bytes R,G,B
    X2RGB10,  // 10-bit packed little-endian 32-bit words: 2 bits X, R, G, B (MSB->LSB)
};

enum class MemoryType { Host, Cuda };

// ITU-T H.273 code points, so they pass straight into bitstream VUI fields.
enum class ColorPrimaries : uint8_t { BT709 = 1, Unspecified = 2, BT470BG = 5, SMPTE170M = 6, BT2020 = 9 };
enum class TransferCharacteristics : uint8_t {
    BT709 = 1, Unspecified = 2, SMPTE170M = 6, SRGB = 13, BT2020_10 = 14, PQ = 16, HLG = 18
};
enum class MatrixCoefficients : uint8_t {
    RGB = 0, BT709 = 1, Unspecified = 2, BT470BG = 5, SMPTE170M = 6, BT2020_NCL = 9
};
enum class ColorRange : uint8_t { Limited, Full };

struct ColorDescription {
    ColorPrimaries primaries = ColorPrimaries::Unspecified;
    TransferCharacteristics transfer = TransferCharacteristics::Unspecified;
    MatrixCoefficients matrix = MatrixCoefficients::Unspecified;
    ColorRange range = ColorRange::Limited;

    bool specified() const noexcept {
        return primaries != ColorPrimaries::Unspecified || transfer != TransferCharacteristics::Unspecified ||
               matrix != MatrixCoefficients::Unspecified || range == ColorRange::Full;
    }
    static ColorDescription bt709() {
        return {ColorPrimaries::BT709, TransferCharacteristics::BT709, MatrixCoefficients::BT709, ColorRange::Limited};
    }
    friend bool operator==(const ColorDescription&, const ColorDescription&) = default;
};

// Static facts about a pixel format's layout.
struct FormatInfo {
    std::string_view name;
    int planes;             // number of memory planes
    int bit_depth;          // significant bits per sample
    int bytes_per_sample;   // 1 or 2 for planar/semi-planar; bytes per pixel for packed formats
    int chroma_shift_x;     // log2 horizontal chroma subsampling (0 or 1)
    int chroma_shift_y;     // log2 vertical chroma subsampling (0 or 1)
    bool packed_rgb;        // one plane of interleaved RGB(A)
    bool semi_planar;       // NV12/P010: second plane is interleaved UV
};

const FormatInfo& format_info(PixelFormat format) noexcept;
std::string_view to_string(PixelFormat format) noexcept;
// Parses names like "nv12", "i420"/"yuv420p", "p010", "bgra"; throws Error on an unknown name.
PixelFormat parse_pixel_format(std::string_view name);

// Parses "WIDTHxHEIGHT" (e.g. "1920x1080"): both positive integers below 65536, nothing else;
// nullopt otherwise. The one parser of frame sizes (sources, --size, --scale).
std::optional<std::pair<int, int>> parse_frame_size(std::string_view text) noexcept;

// Bytes in one row of plane `plane` (without padding) and its number of rows.
size_t plane_row_bytes(PixelFormat format, int width, int plane) noexcept;
int plane_rows(PixelFormat format, int height, int plane) noexcept;
// Bytes of one frame with tightly packed rows (the layout of raw and Y4M files).
size_t frame_size_bytes(PixelFormat format, int width, int height) noexcept;

class Frame {
public:
    static constexpr int kMaxPlanes = 3;

    Frame() = default;

    // Allocates host memory for a frame; rows are padded to `alignment` bytes.
    static Frame allocate(PixelFormat format, int width, int height, int alignment = 64);
    // Wraps memory the caller owns (host or CUDA device pointers). `keep_alive`
    // is held as long as the frame (and its copies) exist.
    static Frame wrap(PixelFormat format, int width, int height, MemoryType memory,
                      const std::array<uint8_t*, kMaxPlanes>& data, const std::array<int, kMaxPlanes>& pitch,
                      std::shared_ptr<void> keep_alive = {});

    bool empty() const noexcept { return width_ == 0; }
    int width() const noexcept { return width_; }
    int height() const noexcept { return height_; }
    PixelFormat format() const noexcept { return format_; }
    MemoryType memory() const noexcept { return memory_; }
    int plane_count() const noexcept;
    uint8_t* data(int plane) const noexcept { return data_[plane]; }
    int pitch(int plane) const noexcept { return pitch_[plane]; }

    int64_t pts = 0;                  // in units of the encoder's time base (1/fps by default)
    ColorDescription color;

private:
    int width_ = 0;
    int height_ = 0;
    PixelFormat format_ = PixelFormat::I420;
    MemoryType memory_ = MemoryType::Host;
    std::array<uint8_t*, kMaxPlanes> data_{};
    std::array<int, kMaxPlanes> pitch_{};
    std::shared_ptr<void> storage_;
};

// Converts a host YUV frame to another YUV layout/bit depth with the same chroma
// subsampling (NV12/I420/P010/I420_10, or I444/I444_10) into `out` (reallocated
// when its format or size differ). Throws Error when chroma resampling would be needed.
void convert_yuv_layout(const Frame& in, PixelFormat target, Frame& out);

// Deep copy of the pixel rows of a host frame into a host frame of the same format/size.
void copy_frame_pixels(const Frame& src, Frame& dst);

}  // namespace nvcast

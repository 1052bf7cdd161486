// Helpers for the NVDEC tests: reading decoded device frames back through the loaded CUDA
// driver table (there is no CUDA runtime in CI), comparing with libavcodec's frames, and
// splitting Annex-B streams into access units.
#pragma once

#include <cstdio>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "decode/elementary_reader.h"
#include "decode/nvdec/nvdec_decoder.h"
#include "driver/cuda_driver.h"
#include "driver/primary_context.h"
#include "nvcast/bitstream.h"
#include "nvcast/nvcast.h"

namespace nvcast::test {

// A device NV12/P010 frame copied to a host frame of the same format (cuMemcpy2D).
inline Frame download(const Frame& device) {
    const driver::CudaApi& cuda = driver::load_cuda();
    driver::PrimaryContext context(cuda, 0);
    driver::ContextScope scope(context);
    Frame host = Frame::allocate(device.format(), device.width(), device.height());
    for (int p = 0; p < 2; ++p) {
        CUDA_MEMCPY2D c{};
        c.srcMemoryType = CU_MEMORYTYPE_DEVICE;
        c.srcDevice = reinterpret_cast<CUdeviceptr>(device.data(p));
        c.srcPitch = static_cast<size_t>(device.pitch(p));
        c.dstMemoryType = CU_MEMORYTYPE_HOST;
        c.dstHost = host.data(p);
        c.dstPitch = static_cast<size_t>(host.pitch(p));
        c.WidthInBytes = plane_row_bytes(device.format(), device.width(), p);
        c.Height = static_cast<size_t>(plane_rows(device.format(), device.height(), p));
        const CUresult r = cuda.memcpy_2d(&c);
        if (r != CUDA_SUCCESS) throw Error(ErrorCode::DeviceLost, "read-back failed: " + driver::cuda_error_text(cuda, r));
    }
    host.pts = device.pts;
    return host;
}

// Empty when equal, else where the first difference is.
inline std::string compare_planes(const Frame& a, const Frame& b) {
    if (a.format() != b.format() || a.width() != b.width() || a.height() != b.height())
        return "format/size differ: " + std::string(to_string(a.format())) + " " + std::to_string(a.width()) + "x" +
               std::to_string(a.height()) + " vs " + std::string(to_string(b.format())) + " " +
               std::to_string(b.width()) + "x" + std::to_string(b.height());
    for (int p = 0; p < a.plane_count(); ++p)
        for (int y = 0; y < plane_rows(a.format(), a.height(), p); ++y)
            if (std::memcmp(a.data(p) + static_cast<size_t>(y) * a.pitch(p),
                            b.data(p) + static_cast<size_t>(y) * b.pitch(p), plane_row_bytes(a.format(), a.width(), p)))
                return "plane " + std::to_string(p) + " row " + std::to_string(y) + " differs";
    return "";
}

// libavcodec's frames (I420/I420_10) in NVDEC's layout (NV12/P010).
inline std::vector<Frame> reference_frames(const std::string& path) {
    std::vector<Frame> out;
    for (const Frame& f : decode_all(path)) {
        Frame converted;
        convert_yuv_layout(f, f.format() == PixelFormat::I420_10 ? PixelFormat::P010 : PixelFormat::NV12, converted);
        out.push_back(std::move(converted));
    }
    return out;
}

inline std::vector<uint8_t> read_file(const std::string& path) {
    std::vector<uint8_t> data;
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return data;
    uint8_t buf[65536];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) data.insert(data.end(), buf, buf + n);
    std::fclose(f);
    return data;
}

inline void write_file(const std::string& path, std::span<const uint8_t> data) {
    FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    if (!data.empty()) std::fwrite(data.data(), 1, data.size(), f);
    std::fclose(f);
}

// Splits an Annex-B H.264/HEVC stream into access units (a new one starts at an AUD/parameter
// set/SEI after a picture's slices, or at a picture's first slice).
inline std::vector<std::vector<uint8_t>> access_units(std::span<const uint8_t> stream, bool hevc) {
    std::vector<std::vector<uint8_t>> units;
    std::vector<uint8_t> current;
    bool has_slice = false;
    for (const NalUnit& nal : split_annexb(stream)) {
        if (nal.size < 3) continue;
        const int type = hevc ? hevc_nal_type(nal) : h264_nal_type(nal);
        const bool vcl = hevc ? type < 32 : (type >= 1 && type <= 5);
        const bool first_slice = vcl && ((hevc ? nal.data[2] : nal.data[1]) & 0x80);
        const bool prefix = hevc ? (type >= 32 && type <= 39) : (type == 6 || type == 7 || type == 8 || type == 9);
        if (has_slice && (first_slice || prefix)) {
            units.push_back(std::move(current));
            current.clear();
            has_slice = false;
        }
        static constexpr uint8_t kStart[] = {0, 0, 0, 1};
        current.insert(current.end(), kStart, kStart + 4);
        current.insert(current.end(), nal.data, nal.data + nal.size);
        has_slice = has_slice || vcl;
    }
    if (!current.empty()) units.push_back(std::move(current));
    return units;
}

struct Decoded {
    std::vector<Frame> frames;  // host copies, display order
    std::string error;          // what() of an Error that stopped decoding
    ErrorCode code = ErrorCode::InvalidState;
};

// Sends `packets` (pts per packet) to a fresh decoder, receiving after each; reads frames back.
inline Decoded decode_packets_nvdec(const nvdec::StreamFormat& format, const std::vector<std::vector<uint8_t>>& packets,
                                    const std::vector<int64_t>& pts) {
    Decoded d;
    try {
        nvdec::Decoder decoder(format, 0);
        Frame out;
        for (size_t i = 0; i < packets.size(); ++i) {
            decoder.send(packets[i], pts[i]);
            while (decoder.receive(out)) d.frames.push_back(download(out));
        }
        decoder.send_end();
        while (decoder.receive(out)) d.frames.push_back(download(out));
        EXPECT_EQ(decoder.frames_decoded(), static_cast<int64_t>(d.frames.size()));
    } catch (const Error& e) {
        d.error = e.what();
        d.code = e.code();
    }
    return d;
}

// The file through ElementaryReader, as the input source would.
inline Decoded decode_file_nvdec(const std::string& path) {
    auto reader = nvdec::ElementaryReader::open(path);
    std::vector<std::vector<uint8_t>> packets;
    std::vector<int64_t> pts;
    std::vector<uint8_t> packet;
    int64_t p = 0;
    while (reader->next(packet, p)) {
        packets.push_back(packet);
        pts.push_back(p);
    }
    nvdec::StreamFormat format = reader->format();
    return decode_packets_nvdec(format, packets, pts);
}

}  // namespace nvcast::test

// Helpers shared by nvcast's tests: scratch files, running commands, test clips.
#pragma once

#include <filesystem>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "nvcast/nvcast.h"

namespace nvcast::test {

// A fresh directory for the current test, removed when the object dies.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

struct CommandResult {
    int exit_code = -1;
    std::string output;  // stdout and stderr together
};

// Runs a shell command line, capturing output; bounded by `timeout_s` (coreutils timeout).
CommandResult run_command(const std::string& command_line, int timeout_s = 300);
// Runs the nvcast CLI with the given argument string.
CommandResult run_cli(const std::string& args, int timeout_s = 300);
std::string cli_path();
std::string ffmpeg_path();  // empty when the ffmpeg CLI is absent
bool have_ffmpeg();

// Frames from the synthetic source, as host frames.
std::vector<Frame> synthetic_frames(int width, int height, int count, PixelFormat format = PixelFormat::I420,
                                    uint32_t seed = 1);
// Writes frames as a Y4M file (formats I420, I444, I420_10, I444_10).
void write_y4m(const std::string& path, const std::vector<Frame>& frames, int fps_num = 30, int fps_den = 1);
// Writes frames as raw planar YUV (rows tightly packed).
void write_raw(const std::string& path, const std::vector<Frame>& frames);

// Encodes all frames with the given backend, flushing at the end; returns the packets in output order.
std::vector<Packet> encode_all(const std::string& backend, const EncoderConfig& config,
                               const std::vector<Frame>& frames, const std::vector<int>& force_idr_at = {});
// Writes packets as one elementary-stream file (Annex-B or IVF by extension) and decodes it with libavcodec.
std::vector<Frame> decode_packets(const std::string& path, const EncoderConfig& config,
                                  const std::vector<Packet>& packets, const std::vector<uint8_t>& headers = {});
// Mean PSNR of decoded vs source frames (same count required by the caller's assertions).
double mean_psnr(const std::vector<Frame>& source, const std::vector<Frame>& decoded);
// Bitrate in bits/s of the given packets at the config's frame rate.
double bitrate_of(const std::vector<Packet>& packets, const EncoderConfig& config);

// The message of the nvcast::Error that f throws, or "(no error)".
std::string error_of(const std::function<void()>& f);

// FNV-1a over `bytes`, continuing from `h` (the offset basis to start): the tests' pinned hashes.
constexpr uint64_t kFnv1aBasis = 1469598103934665603ull;
uint64_t fnv1a(std::span<const uint8_t> bytes, uint64_t h = kFnv1aBasis);
// FNV-1a over a host frame's samples, plane by plane and row by row (pitch padding left out).
uint64_t frame_hash(const Frame& frame);

}  // namespace nvcast::test

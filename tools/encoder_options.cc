#include "encoder_options.h"

#include "option_checks.h"


namespace nvcast::cli {
void add_input_options(CLI::App& cmd, InputSettings& in) {
    cmd.add_option("input", in.input,
                   "Input: a media file (MP4, MKV, MOV, TS, WebM, …), a URL (rtsp://, srt://, udp://, an .sdp "
                   "file), a capture device as DEVICE:TARGET (v4l2:/dev/video0, x11grab::0.0; `nvcast probe "
                   "--inputs`), a .y4m file, a raw .yuv file (needs --size and --input-format), or "
                   "synthetic:WIDTHxHEIGHT[@FPS][:FRAMES] for generated test video")
        ->required();
    cmd.add_option("--size", in.size, "Frame size of a raw input, WIDTHxHEIGHT")->group("Input");
    cmd.add_option("--input-format", in.input_format,
                   "Pixel format of a raw input: i420, nv12, i444, p010, i420p10, i444p10")
        ->group("Input");
    cmd.add_option("--fps", in.fps, "Frame rate of a raw input (or override): 30, 60, 30000/1001")->group("Input");
    cmd.add_option("-n,--frames", in.frames, "Encode at most N frames")->group("Input")->check(CLI::PositiveNumber);
    cmd.add_option("--decoder", in.decoder,
                   "Video decoder of a media input: auto (NVDEC where the GPU decodes the codec, else the CPU), "
                   "cpu (libavcodec), nvdec")
        ->capture_default_str()->group("Input");
    cmd.add_option("--stream", in.stream, "The N-th video stream of a media input (from 0; default: the best)")
        ->group("Input")->check(CLI::NonNegativeNumber);
    cmd.add_flag("!--no-audio", in.audio, "Leave the input's audio out (by default containers carry it unchanged)")
        ->group("Input");
    cmd.add_option("-f,--demuxer", in.demuxer, "Force a demuxer or capture device: v4l2, x11grab, mpegts, …")
        ->group("Input");
    cmd.add_option("--input-option", in.demuxer_options,
                   "A demuxer or device option KEY=VALUE (repeatable): video_size=1280x720, framerate=30, "
                   "input_format=mjpeg, rtsp_transport=tcp")
        ->group("Input");
    cmd.add_option("--timeout", in.timeout, "Seconds a live input may send nothing before it fails (default 10)")
        ->group("Input")->check(finite_in(0.001, 3600));
}

void add_encoder_options(CLI::App& cmd, EncodeOptions& e) {
    const char* g = "Encoder";
    cmd.add_option("-c,--codec", e.codec, "Codec: h264, hevc, av1")->capture_default_str()->group(g);
    cmd.add_option("-b,--backend", e.backend,
                   "Backend: auto (best available: nvenc, then nvcast's GPU engine, then software), or a name "
                   "from `nvcast probe`")
        ->capture_default_str()->group(g);
    cmd.add_option("--preset", e.preset, "Speed/quality: p1 (fastest) .. p7 (best quality)")->capture_default_str()->group(g);
    cmd.add_option("--tune", e.tune, "Tuning: hq, ll (low latency), ull (ultra-low latency), lossless")
        ->capture_default_str()->group(g);
    cmd.add_option("--rc", e.rc, "Rate control: cqp, cbr, vbr, cq (default: cqp, or vbr with --bitrate)")->group(g);
    cmd.add_option("--bitrate", e.bitrate, "Target bitrate for cbr/vbr, e.g. 5M, 800k")->group(g);
    cmd.add_option("--max-bitrate", e.max_bitrate, "Peak bitrate for vbr (default 1.5x the target)")->group(g);
    cmd.add_option("--vbv-size", e.vbv_size, "VBV buffer in bits, e.g. 5M (default: one second)")->group(g);
    cmd.add_option("--qp", e.qp, "QP for cqp (h264/hevc 0..51, av1 0..63)")->capture_default_str()->group(g);
    cmd.add_option("--quality", e.quality, "Quality level for cq, lower is better (like x264's crf)")
        ->capture_default_str()->group(g);
    cmd.add_option("--gop", e.gop, "Frames from one IDR to the next, or 'infinite'")->capture_default_str()->group(g);
    cmd.add_option("--bframes", e.bframes, "B-frames between references (0 = no reordering)")->capture_default_str()->group(g);
    cmd.add_flag("--intra-refresh", e.intra_refresh, "Periodic intra refresh instead of IDR frames")->group(g);
    cmd.add_option("--intra-refresh-period", e.intra_refresh_period, "Frames per intra-refresh cycle")
        ->group(g)
        ->check(integer_in(1, 100000));
    cmd.add_option("--slices", e.slices, "Slices per frame")->capture_default_str()->group(g)->check(integer_in(1, 1024));
    cmd.add_option("--bit-depth", e.bit_depth, "Encoded bit depth, 8 or 10 (default: the input's)")->group(g);
    cmd.add_option("--chroma", e.chroma, "Encoded chroma format, 420 or 444 (default: the input's)")->group(g);
    cmd.add_option("--profile", e.profile, "Codec profile (default: chosen from bit depth and chroma)")->group(g);
    cmd.add_option("--threads", e.threads, "Encoder threads (0 = library default)")->group(g)->check(integer_in(0, 1024));
    cmd.add_option("--gpu", e.gpu, "CUDA device for GPU backends and preparation: an index, or auto")
        ->capture_default_str()
        ->group(g);
    cmd.add_option_function<std::vector<std::string>>(
           "--backend-option",
           [&e](const std::vector<std::string>& items) {
               for (const std::string& item : items) e.backend_options.insert(parse_backend_option(item));
           },
           "Backend-specific option BACKEND.OPTION=VALUE (repeatable; `nvcast probe` lists them)")
        ->group(g);
}

}  // namespace nvcast::cli

#include "io/libav_input.h"

extern "C" {
#include <libavutil/dict.h>
}

#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string_view>

#include "core/text.h"
#include "io/capture_devices.h"
#include "io/libav_error.h"
#include "nvcast/error.h"
#include "nvcast/features.h"

namespace nvcast {
namespace {

void register_inputs() {
    static std::once_flag once;
    std::call_once(once, [] { avformat_network_init(); });
}

// A demuxer by name; capture devices (libavdevice) are loaded for it when libavformat has no such one.
const AVInputFormat* find_input_format(const std::string& name) {
    if (const AVInputFormat* f = av_find_input_format(name.c_str())) return f;
    if (!load_capture_devices().empty()) return nullptr;
    return av_find_input_format(name.c_str());
}

int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

bool is_device(const AVInputFormat* format) {
    if (!format || !format->priv_class) return false;
    const AVClassCategory c = format->priv_class->category;
    return c == AV_CLASS_CATEGORY_DEVICE_VIDEO_INPUT || c == AV_CLASS_CATEGORY_DEVICE_INPUT ||
           c == AV_CLASS_CATEGORY_DEVICE_AUDIO_INPUT;
}

// Protocols whose data arrives at the sender's pace.
bool is_live_url(const std::string& url) {
    for (const char* scheme : {"rtsp://", "rtsps://", "rtp://", "srtp://", "udp://", "srt://", "tcp://", "rtmp://"})
        if (url.starts_with(scheme)) return true;
    return ends_with_ci(url, ".sdp");
}

// A regular file of that name; false (never an exception) for names the file system refuses.
bool is_file(const std::string& name) {
    std::error_code ignored;
    return std::filesystem::is_regular_file(name, ignored);
}

struct DictionaryDeleter {
    void operator()(AVDictionary* d) const noexcept { av_dict_free(&d); }
};

}  // namespace

LibavInput::LibavInput(const std::string& spec, const InputOptions& options)
    : url_(spec), timeout_(std::chrono::nanoseconds(static_cast<int64_t>(options.timeout_s * 1e9))) {
    register_inputs();
    av_log_set_level(AV_LOG_ERROR);
    std::string target = spec;
    const AVInputFormat* format = nullptr;
    if (!options.demuxer.empty()) {
        format = find_input_format(options.demuxer);
        if (!format) {
            const std::string& devices = load_capture_devices();
            throw Error(ErrorCode::Unsupported, "input " + name() + ": this FFmpeg has no demuxer or device '" +
                                                    options.demuxer + "' (" +
                                                    (devices.empty() ? "nvcast probe --inputs lists the devices"
                                                                     : "capture devices: " + devices) +
                                                    ")");
        }
    } else if (const size_t colon = spec.find(':');
               colon != std::string::npos && colon > 1 && spec.find("://") == std::string::npos &&
               !is_file(spec)) {
        // "v4l2:/dev/video0", "x11grab::0.0": a device (or demuxer) named before the colon.
        format = find_input_format(spec.substr(0, colon));
        if (format) target = spec.substr(colon + 1);
    }
    // A filter graph (lavfi) is a device to libavdevice but makes frames as fast as they are read.
    live_ = (is_device(format) && std::string_view(format->name) != "lavfi") || is_live_url(spec);

    AVDictionary* raw = nullptr;
    for (const auto& [key, value] : options.demuxer_options) av_dict_set(&raw, key.c_str(), value.c_str(), 0);
    if (ends_with_ci(spec, ".sdp") && !av_dict_get(raw, "protocol_whitelist", nullptr, 0))
        av_dict_set(&raw, "protocol_whitelist", "file,udp,rtp,srtp,crypto,data", 0);
    std::unique_ptr<AVDictionary, DictionaryDeleter> dict(raw);

    format_ = avformat_alloc_context();
    if (!format_) throw Error(ErrorCode::ResourceExhausted, "input " + name() + ": out of memory");
    format_->interrupt_callback = {&LibavInput::interrupt_callback, this};
    arm();
    AVDictionary* used = dict.release();
    int err = avformat_open_input(&format_, target.c_str(), format, &used);  // frees format_ on failure
    dict.reset(used);
    if (err < 0)
        fail(err == AVERROR_INVALIDDATA && is_file(spec)
                 ? "libavformat does not recognise it (raw video needs --size WxH and --input-format)"
                 : "cannot open it",
             err);
    if (const AVDictionaryEntry* unused = av_dict_get(dict.get(), "", nullptr, AV_DICT_IGNORE_SUFFIX))
        throw Error(ErrorCode::InvalidArgument, "input " + name() + ": option '" + std::string(unused->key) +
                                                    "' means nothing to the " + format_->iformat->name + " demuxer");
    arm();
    err = avformat_find_stream_info(format_, nullptr);
    if (err < 0) fail("reading its stream information failed", err);
    pick_video_stream(options.stream);
    carried_ = std::make_shared<CarriedMedia>();
    carried_of_.assign(format_->nb_streams, -1);
    if (options.audio) collect_audio();
    for (unsigned i = 0; i < format_->nb_streams; ++i)
        if (static_cast<int>(i) != video_index_ && carried_of_[i] < 0) format_->streams[i]->discard = AVDISCARD_ALL;
}

LibavInput::~LibavInput() { avformat_close_input(&format_); }

int LibavInput::interrupt_callback(void* opaque) noexcept {
    auto* self = static_cast<LibavInput*>(opaque);
    if (self->interrupted_) return 1;
    if (now_ns() > self->deadline_ns_) {
        self->timed_out_ = true;
        return 1;
    }
    return 0;
}

void LibavInput::arm() noexcept { deadline_ns_ = now_ns() + timeout_.count(); }

void LibavInput::fail(const std::string& what, int err) const {
    if (timed_out_)
    {
        char seconds[32];
        std::snprintf(seconds, sizeof seconds, "%g", std::chrono::duration<double>(timeout_).count());
        throw Error(ErrorCode::Io, "input " + name() + ": nothing arrived for " + seconds + " s (--timeout); " + what);
    }
    const ErrorCode code = err == AVERROR(ENOENT) || err == AVERROR(EACCES) || err == AVERROR(EBUSY) ||
                                   err == AVERROR(EIO) || err == AVERROR_EOF
                               ? ErrorCode::Io
                               : ErrorCode::InvalidData;
    throw Error(code, "input " + name() + ": " + what + ": " + av_error(err));
}

void LibavInput::pick_video_stream(int nth) {
    std::string others;
    int videos = 0;
    for (unsigned i = 0; i < format_->nb_streams; ++i) {
        const AVCodecParameters* par = format_->streams[i]->codecpar;
        if (par->codec_type == AVMEDIA_TYPE_VIDEO && !(format_->streams[i]->disposition & AV_DISPOSITION_ATTACHED_PIC)) {
            if (videos++ == nth) video_index_ = static_cast<int>(i);
            continue;
        }
        const char* type = av_get_media_type_string(par->codec_type);
        others += std::string(others.empty() ? "" : ", ") + (type ? type : "data") + " " + avcodec_get_name(par->codec_id);
    }
    if (nth >= 0 && video_index_ < 0)
        throw Error(ErrorCode::InvalidArgument, "input " + name() + " has " + std::to_string(videos) +
                                                    " video stream(s); --stream " + std::to_string(nth) +
                                                    " is out of range (they are numbered from 0)");
    if (nth < 0) video_index_ = av_find_best_stream(format_, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
    if (video_index_ < 0)
        throw Error(ErrorCode::InvalidData, "input " + name() + " has no video stream" +
                                                (others.empty() ? std::string() : " (it has: " + others + ")"));
}

void LibavInput::collect_audio() {
    for (unsigned i = 0; i < format_->nb_streams; ++i) {
        const AVStream& s = *format_->streams[i];
        if (s.codecpar->codec_type != AVMEDIA_TYPE_AUDIO) continue;
        carried_of_[i] = static_cast<int>(carried_->streams().size());
        carried_->add_stream(s);
    }
}

bool LibavInput::read_video_packet(AVPacket& packet) {
    for (;;) {
        arm();
        const int err = av_read_frame(format_, &packet);
        if (err == AVERROR_EOF) {
            carried_->mark_complete();
            return false;
        }
        if (err == AVERROR_EXIT && interrupted_) return false;
        if (err < 0) fail("reading failed", err);
        if (packet.stream_index == video_index_) return true;
        const int carried = packet.stream_index < static_cast<int>(carried_of_.size()) ? carried_of_[packet.stream_index] : -1;
        if (carried >= 0) {
            packet.stream_index = carried;
            carried_->push(packet);
        }
        av_packet_unref(&packet);
    }
}

std::string LibavInput::time_of(int64_t pts) const {
    if (pts == AV_NOPTS_VALUE) return "at an unknown time";
    char text[48];
    std::snprintf(text, sizeof text, "at %.2f s", static_cast<double>(pts) * av_q2d(video().time_base));
    return text;
}

}  // namespace nvcast

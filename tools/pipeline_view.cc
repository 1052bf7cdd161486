#include "pipeline_view.h"

#include <unistd.h>

#include <cstdio>

#include "interrupt.h"

namespace nvcast::cli {

Snapshot run_to_end(Pipeline& pipeline, const std::function<void(const Snapshot&)>& tick) {
    const InterruptGuard guard;
    pipeline.start();
    bool stopping = false;
    while (!pipeline.wait_for(std::chrono::milliseconds(250))) {
        if (interrupted() && !stopping) {
            stopping = true;
            pipeline.stop();
        }
        if (tick) tick(pipeline.stats());
    }
    return pipeline.stats();
}

StreamTable::StreamTable(bool enabled) : enabled_(enabled && ::isatty(STDERR_FILENO)) {}

void StreamTable::draw(const Snapshot& streams) {
    if (!enabled_) return;
    if (lines_ > 0) std::fprintf(stderr, "\x1b[%dA", lines_);  // back to the table's first line
    std::fprintf(stderr, "\r%-16s %-9s %8s %8s %9s %10s %5s %8s\x1b[K\n", "stream", "state", "frames", "fps",
                 "lat ms", "kbit/s", "queue", "dropped");
    for (const StreamStats& s : streams)
        std::fprintf(stderr, "%-16.16s %-9s %8lld %8.1f %9.2f %10.0f %5zu %8lld\x1b[K\n", s.name.c_str(),
                     std::string(to_string(s.state)).c_str(), static_cast<long long>(s.frames_encoded), s.fps(),
                     s.encode_latency_mean_ms, s.bitrate() / 1000, s.queue_depth,
                     static_cast<long long>(s.frames_dropped()));
    lines_ = static_cast<int>(streams.size()) + 1;
    std::fflush(stderr);
}

void StreamTable::finish() {
    if (enabled_ && lines_ > 0) std::fprintf(stderr, "\n");
}

std::string summary_line(const StreamStats& s) {
    char line[512];
    std::snprintf(line, sizeof line,
                  "%s: %s, %lld frames in -> %lld encoded + %lld dropped (queue full %lld, stream failed %lld); "
                  "%dx%d %s with %s in %.2f s: %.1f fps, %.0f kbit/s, encode latency mean %.2f ms (max %.2f)",
                  s.name.c_str(), std::string(to_string(s.state)).c_str(), static_cast<long long>(s.frames_in),
                  static_cast<long long>(s.frames_encoded), static_cast<long long>(s.frames_dropped()),
                  static_cast<long long>(s.dropped_queue_full), static_cast<long long>(s.dropped_stream_failed),
                  s.width, s.height, std::string(to_string(s.codec)).c_str(), s.encoder.c_str(), s.seconds, s.fps(),
                  s.bitrate() / 1000, s.encode_latency_mean_ms, s.encode_latency_max_ms);
    std::string out = line;
    for (const SinkStats& k : s.sinks) {
        out += "\n  -> " + k.target + ": " + std::to_string(k.packets) + " packets, " + std::to_string(k.bytes) + " bytes";
        if (k.network) {
            std::snprintf(line, sizeof line,
                          "; %llu RTP packets, %llu RTCP reports, %llu send errors, %llu frames dropped by the sender, "
                          "frame-to-network latency mean %.3f ms (max %.3f)",
                          static_cast<unsigned long long>(k.network->packets),
                          static_cast<unsigned long long>(k.network->rtcp_reports),
                          static_cast<unsigned long long>(k.network->send_errors),
                          static_cast<unsigned long long>(k.network->dropped_frames), k.network->mean_frame_latency_ms,
                          k.network->max_frame_latency_ms);
            out += line;
            const rtp::SenderStats& n = *k.network;
            if (n.feedback_packets || n.simulated_losses) {
                std::snprintf(line, sizeof line,
                              "; receiver feedback: %llu RTCP packets, %llu NACKed, %llu retransmitted, %llu keyframe "
                              "requests, %llu bitrate estimates; %llu packets lost on purpose (--loss)",
                              static_cast<unsigned long long>(n.feedback_packets),
                              static_cast<unsigned long long>(n.nacked), static_cast<unsigned long long>(n.retransmitted),
                              static_cast<unsigned long long>(n.keyframe_requests),
                              static_cast<unsigned long long>(n.bitrate_estimates),
                              static_cast<unsigned long long>(n.simulated_losses));
                out += line;
            }
        }
    }
    for (const SinkStats& k : s.sinks)
        for (const auto& v : k.viewers) {
            std::snprintf(line, sizeof line,
                          "\n    viewer %s %s: %s, %llu frames, %llu packets, %llu retransmitted, %llu keyframe "
                          "requests, %llu bitrate estimates",
                          v.id.c_str(), v.address.empty() ? "(no ICE)" : v.address.c_str(), v.codec.c_str(),
                          static_cast<unsigned long long>(v.frames), static_cast<unsigned long long>(v.network.packets),
                          static_cast<unsigned long long>(v.network.retransmitted),
                          static_cast<unsigned long long>(v.network.keyframe_requests),
                          static_cast<unsigned long long>(v.network.bitrate_estimates));
            out += line;
            if (!v.ended.empty()) out += "; ended: " + v.ended;
        }
    if (!s.decoder.empty()) out += "\n  input decoded: " + s.decoder;
    if (!s.preparation.empty()) out += "\n  frame preparation: " + s.preparation;
    if (!s.error.empty()) out += "\n  error: " + s.error;
    return out;
}

#ifdef NVCAST_HAVE_JSON
nlohmann::json to_json(const StreamStats& s) {
    nlohmann::json types = nlohmann::json::object();
    for (const auto& [type, count] : s.frame_types) types[std::string(to_string(type))] = count;
    nlohmann::json sinks = nlohmann::json::array();
    for (const SinkStats& k : s.sinks) {
        nlohmann::json j{{"target", k.target}, {"packets", k.packets}, {"bytes", k.bytes}};
        if (k.network)
            j["rtp"] = {{"packets", k.network->packets},
                        {"bytes", k.network->bytes},
                        {"rtcp_reports", k.network->rtcp_reports},
                        {"send_errors", k.network->send_errors},
                        {"dropped_frames", k.network->dropped_frames},
                        {"latency_mean_ms", k.network->mean_frame_latency_ms},
                        {"latency_max_ms", k.network->max_frame_latency_ms},
                        {"feedback_packets", k.network->feedback_packets},
                        {"nacked", k.network->nacked},
                        {"retransmitted", k.network->retransmitted},
                        {"keyframe_requests", k.network->keyframe_requests},
                        {"bitrate_estimates", k.network->bitrate_estimates},
                        {"simulated_losses", k.network->simulated_losses}};
        if (!k.watch_url.empty()) j["watch_url"] = k.watch_url;
        for (const auto& v : k.viewers)
            j["viewers"].push_back({{"id", v.id},
                                    {"address", v.address},
                                    {"codec", v.codec},
                                    {"connected", v.connected},
                                    {"ended", v.ended},
                                    {"frames", v.frames},
                                    {"packets", v.network.packets},
                                    {"nacked", v.network.nacked},
                                    {"retransmitted", v.network.retransmitted},
                                    {"keyframe_requests", v.network.keyframe_requests},
                                    {"bitrate_estimates", v.network.bitrate_estimates},
                                    {"simulated_losses", v.network.simulated_losses},
                                    {"max_frames_to_keyframe", v.max_frames_to_keyframe}});
        sinks.push_back(j);
    }
    nlohmann::json j{{"name", s.name},
                     {"state", to_string(s.state)},
                     {"encoder", s.encoder},
                     {"selection", s.selection},
                     {"codec", to_string(s.codec)},
                     {"width", s.width},
                     {"height", s.height},
                     {"gpu", s.gpu},
                     {"frames_in", s.frames_in},
                     {"frames_encoded", s.frames_encoded},
                     {"frames_dropped", s.frames_dropped()},
                     {"dropped", {{"queue_full", s.dropped_queue_full}, {"stream_failed", s.dropped_stream_failed}}},
                     {"packets", s.packets},
                     {"bytes", s.bytes},
                     {"keyframes", s.keyframes},
                     {"frame_types", types},
                     {"seconds", s.seconds},
                     {"fps", s.fps()},
                     {"bitrate", s.bitrate()},
                     {"average_qp", s.average_qp()},
                     {"encode_latency_ms", {{"mean", s.encode_latency_mean_ms}, {"max", s.encode_latency_max_ms}}},
                     {"pool_allocations", s.pool_allocations},
                     {"host_device_copies", s.host_device_copies},
                     {"sinks", sinks}};
    if (!s.preparation.empty()) j["prepare"] = s.preparation;
    if (!s.decoder.empty()) j["decoder"] = s.decoder;
    if (!s.error.empty()) j["error"] = s.error;
    return j;
}
#endif

}  // namespace nvcast::cli

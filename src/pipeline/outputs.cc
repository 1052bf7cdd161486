// Opening a stream's output: a file, an RTP destination or a WHEP endpoint, with what receivers
// ask of the encoder wired to the caller.
#include <unistd.h>

#include "nvcast/error.h"
#include "nvcast/ipc.h"
#include "nvcast/pipeline.h"

namespace nvcast {
namespace {

std::string host_cname() {
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    return std::string("nvcast@") + host;
}

}  // namespace

std::shared_ptr<PacketSink> open_output(const SinkSpec& spec, const StreamInfo& info, const EncoderConfig& config,
                                        const ReceiverRequests& requests) {
    if (spec.custom) return spec.custom;
    if (spec.target.empty()) throw Error(ErrorCode::InvalidArgument, "a sink has no target (file or rtp://host:port)");
    if (webrtc::is_whep_url(spec.target)) {
        webrtc::WhepConfig wc = spec.whep;
        wc.on_keyframe_request = requests.keyframe;
        wc.on_bitrate_estimate = requests.bitrate;
        if (wc.cname == "nvcast") wc.cname = host_cname();
        return std::make_shared<webrtc::WhepSink>(wc, info);
    }
    if (spec.target.starts_with("ipc:")) {  // another process (nvcast relay) takes the packets
        ipc::PacketPublisherConfig pc;
        pc.name = spec.target.substr(4);
        pc.bitrate = config.rc.bitrate;
        pc.on_keyframe_request = requests.keyframe;
        pc.on_bitrate_request = requests.bitrate;
        return ipc::open_packet_publisher(std::move(pc), info);
    }
    if (!rtp::is_network_url(spec.target)) return open_sink(spec.target, info);
    rtp::RtpSinkConfig rc = spec.rtp;
    rc.sender.on_keyframe_request = requests.keyframe;
    rc.sender.on_bitrate_estimate = requests.bitrate;
    rc.sender.destination = rtp::parse_url(spec.target);
    if (rc.sender.pacing_rate == 0) rc.sender.pacing_rate = rtp::default_pacing_rate(config.rc.bitrate, config.rc.max_bitrate);
    if (rc.sender.pacing_rate < 0) rc.sender.pacing_rate = 0;  // explicitly off
    if (rc.sender.cname == "nvcast") rc.sender.cname = host_cname();
    return std::make_shared<rtp::RtpSink>(rc, info);
}

}  // namespace nvcast

// StreamSettings (the user's words) -> StreamSpec (what the pipeline runs).
#include <algorithm>
#include <tuple>

#include "nvcast/error.h"
#include "nvcast/settings.h"

namespace nvcast {

PrepareSpec make_prepare_spec(const PrepareSettings& p) {
    PrepareSpec spec;
    if (!p.scale.empty()) {
        const auto size = parse_frame_size(p.scale);
        if (!size)
            throw Error(ErrorCode::InvalidArgument,
                        "scale '" + p.scale + "' is not WIDTHxHEIGHT with positive sizes (e.g. 1280x720)");
        std::tie(spec.width, spec.height) = *size;
    }
    spec.filter = parse_scale_filter(p.scale_filter);
    if (!p.tonemap.empty()) spec.tonemap.curve = parse_tone_curve(p.tonemap);
    if (!(p.hdr_peak >= 1 && p.hdr_peak <= 10000))
        throw Error(ErrorCode::InvalidArgument, "hdr_peak " + std::to_string(p.hdr_peak) + " is out of range (1..10000 cd/m^2)");
    spec.tonemap.source_peak_nits = p.hdr_peak;
    if (p.input_transfer == "pq") spec.input_transfer = TransferCharacteristics::PQ;
    else if (p.input_transfer == "hlg") spec.input_transfer = TransferCharacteristics::HLG;
    else if (!p.input_transfer.empty())
        throw Error(ErrorCode::InvalidArgument, "input_transfer '" + p.input_transfer + "' is invalid (allowed: pq, hlg)");
    return spec;
}

SinkSpec make_sink_spec(const OutputSettings& o) {
    SinkSpec sink;
    sink.target = o.target;
    const bool whep = webrtc::is_whep_url(o.target);
    if (!whep && !rtp::is_network_url(o.target)) {
        if (!o.sdp.empty() || !o.srtp.empty() || o.loss != 0)
            throw Error(ErrorCode::InvalidArgument, "output '" + o.target + "': sdp, srtp and loss are for rtp:// outputs");
        return sink;
    }
    // What RTP and WebRTC outputs share: payload size, pacing, simulated loss.
    size_t max_payload = rtp::kDefaultMaxPayload;
    if (o.mtu != 0) {
        if (o.mtu < static_cast<int>(rtp::kMinMaxPayload) || o.mtu > static_cast<int>(rtp::kMaxMaxPayload))
            throw Error(ErrorCode::InvalidArgument, "mtu " + std::to_string(o.mtu) + " is out of range (" +
                                                        std::to_string(rtp::kMinMaxPayload) + ".." +
                                                        std::to_string(rtp::kMaxMaxPayload) + " payload bytes)");
        max_payload = static_cast<size_t>(o.mtu);
    }
    int64_t pacing_rate = 0;  // auto
    if (o.pacing == "off" || o.pacing == "0") pacing_rate = -1;
    else if (o.pacing != "auto") pacing_rate = parse_bitrate(o.pacing);
    if (!(o.loss >= 0 && o.loss <= 0.5))
        throw Error(ErrorCode::InvalidArgument, "loss " + std::to_string(o.loss) + " is out of range (0..0.5)");
    if (whep) {
        if (!o.sdp.empty() || !o.srtp.empty())
            throw Error(ErrorCode::InvalidArgument,
                        "output '" + o.target + "': WebRTC negotiates its own keys; sdp and srtp are for rtp:// outputs");
        webrtc::WhepConfig& w = sink.whep;
        w = webrtc::parse_whep_url(o.target);
        w.max_payload = max_payload;
        w.pacing_rate = std::max<int64_t>(pacing_rate, 0);  // a viewer's own link: unpaced unless asked
        w.simulated_loss = o.loss;
        w.loss_seed = static_cast<uint64_t>(o.loss_seed);
        return sink;
    }
    rtp::RtpSinkConfig& r = sink.rtp;
    r.sdp_path = o.sdp;
    r.max_payload = max_payload;
    if (o.pt < 96 || o.pt > 127)
        throw Error(ErrorCode::InvalidArgument, "pt " + std::to_string(o.pt) + " is out of range (dynamic types 96..127)");
    r.payload_type = static_cast<uint8_t>(o.pt);
    r.sender.pacing_rate = pacing_rate;
    r.sender.simulated_loss = o.loss;
    r.sender.loss_seed = static_cast<uint64_t>(o.loss_seed);
    if (!o.srtp.empty()) {
        if (!rtp::srtp_supported())
            throw Error(ErrorCode::Unsupported, "SRTP needs libsrtp2, which this build of nvcast lacks");
        r.sender.srtp = o.srtp == "generate" ? rtp::SrtpKey::generate() : rtp::SrtpKey::parse(o.srtp);
    }
    rtp::parse_url(o.target);  // a bad URL is named now, not when the stream opens
    return sink;
}


StreamSpec make_stream_spec(const StreamSettings& s) {
    StreamSpec spec;
    spec.name = s.name;
    spec.input = s.input.input;
    spec.input_options = make_input_options(s.input);
    spec.frames = s.input.frames;
    spec.prepare = make_prepare_spec(s.prepare);
    spec.source = std::shared_ptr<FrameSource>(open_source(spec.input, spec.input_options));
    const Preparation plan(spec.prepare, spec.source->info());
    spec.encoder = make_encoder_config(s.encoder, plan.output());
    spec.backend = s.encoder.backend;
    spec.fallback_backend = s.fallback_backend;
    for (const OutputSettings& o : s.outputs) spec.sinks.push_back(make_sink_spec(o));
    if (spec.sinks.empty()) throw Error(ErrorCode::InvalidArgument, "no outputs: give at least one file or rtp:// URL");
    spec.drop = parse_drop_policy(s.drop);
    spec.queue_frames = s.queue;
    spec.realtime = s.realtime;
    return spec;
}

}  // namespace nvcast

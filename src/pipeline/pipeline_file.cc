// Pipeline files: TOML with the CLI's option names. Every key is checked (a typo is an error, not
// a silently ignored setting) and every error names the file, the stream and the key.
#include <limits>

#include "core/text.h"
#include "nvcast/error.h"
#include "nvcast/features.h"
#include "nvcast/settings.h"

#if NVCAST_HAVE_TOML
#include <toml++/toml.h>
#endif

namespace nvcast {

#if NVCAST_HAVE_TOML
namespace {

class Reader {
public:
    Reader(const toml::table& table, std::string where) : table_(table), where_(std::move(where)) {
        for (auto&& [key, node] : table) unread_.push_back(std::string(key.str()));
    }

    // Every key must have been read by the time the table is done.
    void finish(const std::string& known) const {
        for (const std::string& key : unread_)
            if (!key.empty())
                throw Error(ErrorCode::InvalidArgument, where_ + ": unknown key '" + key + "' (known: " + known + ")");
    }

    const toml::node* take(std::string_view key) {
        for (std::string& k : unread_)
            if (k == key) k.clear();
        return table_.get(key);
    }

    void text(std::string_view key, std::string& out) {
        if (const toml::node* n = take(key)) {
            if (!n->is_string()) type_error(key, "a string");
            out = n->as_string()->get();
        }
    }
    // Strings or numbers (bitrate = "4M" or 4000000, gop = 250 or "infinite").
    void text_or_number(std::string_view key, std::string& out) {
        if (const toml::node* n = take(key)) {
            if (n->is_string()) out = n->as_string()->get();
            else if (n->is_integer()) out = std::to_string(n->as_integer()->get());
            else type_error(key, "a string or an integer");
        }
    }
    template <typename Int>
    void integer(std::string_view key, Int& out) {
        if (const toml::node* n = take(key)) {
            if (!n->is_integer()) type_error(key, "an integer");
            const int64_t v = n->as_integer()->get();
            if (v < std::numeric_limits<Int>::min() || v > std::numeric_limits<Int>::max())
                throw Error(ErrorCode::InvalidArgument, where_ + ": " + std::string(key) + " " + std::to_string(v) + " is out of range");
            out = static_cast<Int>(v);
        }
    }
    void number(std::string_view key, double& out) {
        if (const toml::node* n = take(key)) {
            if (n->is_floating_point()) out = n->as_floating_point()->get();
            else if (n->is_integer()) out = static_cast<double>(n->as_integer()->get());
            else type_error(key, "a number");
        }
    }
    void boolean(std::string_view key, bool& out) {
        if (const toml::node* n = take(key)) {
            if (!n->is_boolean()) type_error(key, "true or false");
            out = n->as_boolean()->get();
        }
    }

    [[noreturn]] void type_error(std::string_view key, const char* wanted) const {
        throw Error(ErrorCode::InvalidArgument, where_ + ": " + std::string(key) + " must be " + wanted);
    }
    const std::string& where() const noexcept { return where_; }

private:
    const toml::table& table_;
    std::string where_;
    std::vector<std::string> unread_;
};

constexpr const char* kStreamKeys =
    "name, input, size, input_format, fps, frames, realtime, decoder, stream, audio, demuxer, input_options, "
    "timeout, scale, scale_filter, tonemap, hdr_peak, input_transfer, "
    "codec, backend, fallback_backend, gpu, preset, tune, rc, bitrate, max_bitrate, vbv_size, qp, quality, gop, "
    "bframes, intra_refresh, intra_refresh_period, slices, bit_depth, chroma, profile, threads, backend_options, "
    "drop, queue, outputs, output";
constexpr const char* kOutputKeys = "target, sdp, srtp, mtu, pt, pacing, loss, loss_seed";

void read_output(const toml::table& table, const std::string& where, OutputSettings& o) {
    Reader r(table, where);
    r.text("target", o.target);
    r.text("sdp", o.sdp);
    r.text("srtp", o.srtp);
    r.integer("mtu", o.mtu);
    r.integer("pt", o.pt);
    r.text_or_number("pacing", o.pacing);
    r.number("loss", o.loss);
    r.integer("loss_seed", o.loss_seed);
    r.finish(kOutputKeys);
    if (o.target.empty()) throw Error(ErrorCode::InvalidArgument, where + ": target is missing");
}

// Reads the keys present in `table` over `s` (defaults first, then the stream's own).
void read_stream(const toml::table& table, const std::string& where, StreamSettings& s, bool defaults) {
    Reader r(table, where);
    if (!defaults) r.text("name", s.name);
    r.text("input", s.input.input);
    r.text("size", s.input.size);
    r.text("input_format", s.input.input_format);
    r.text_or_number("fps", s.input.fps);
    r.integer("frames", s.input.frames);
    r.boolean("realtime", s.realtime);
    r.text("decoder", s.input.decoder);
    r.integer("stream", s.input.stream);
    r.boolean("audio", s.input.audio);
    r.text("demuxer", s.input.demuxer);
    if (const toml::node* n = r.take("input_options")) {
        if (!n->is_table()) r.type_error("input_options", "a table of demuxer/device options (video_size = \"1280x720\")");
        for (auto&& [key, value] : *n->as_table()) {
            std::string text;
            if (value.is_string()) text = value.as_string()->get();
            else if (value.is_integer()) text = std::to_string(value.as_integer()->get());
            else r.type_error("input_options." + std::string(key.str()), "a string or an integer");
            s.input.demuxer_options.push_back(std::string(key.str()) + "=" + text);
        }
    }
    r.number("timeout", s.input.timeout);
    r.text("scale", s.prepare.scale);
    r.text("scale_filter", s.prepare.scale_filter);
    r.text("tonemap", s.prepare.tonemap);
    r.number("hdr_peak", s.prepare.hdr_peak);
    r.text("input_transfer", s.prepare.input_transfer);
    EncoderSettings& e = s.encoder;
    r.text("codec", e.codec);
    r.text("backend", e.backend);
    r.text("fallback_backend", s.fallback_backend);
    r.text_or_number("gpu", e.gpu);
    r.text_or_number("preset", e.preset);
    r.text("tune", e.tune);
    r.text("rc", e.rc);
    r.text_or_number("bitrate", e.bitrate);
    r.text_or_number("max_bitrate", e.max_bitrate);
    r.text_or_number("vbv_size", e.vbv_size);
    r.integer("qp", e.qp);
    r.integer("quality", e.quality);
    r.text_or_number("gop", e.gop);
    r.integer("bframes", e.bframes);
    r.boolean("intra_refresh", e.intra_refresh);
    r.integer("intra_refresh_period", e.intra_refresh_period);
    r.integer("slices", e.slices);
    r.integer("bit_depth", e.bit_depth);
    r.text_or_number("chroma", e.chroma);
    r.text("profile", e.profile);
    r.integer("threads", e.threads);
    if (const toml::node* n = r.take("backend_options")) {
        if (!n->is_table()) r.type_error("backend_options", "a table of \"backend.option\" = value");
        for (auto&& [key, value] : *n->as_table()) {
            if (value.is_string()) e.backend_options[std::string(key.str())] = value.as_string()->get();
            else if (value.is_integer()) e.backend_options[std::string(key.str())] = std::to_string(value.as_integer()->get());
            else if (value.is_boolean()) e.backend_options[std::string(key.str())] = value.as_boolean()->get() ? "on" : "off";
            else r.type_error("backend_options." + std::string(key.str()), "a string, integer or boolean");
        }
    }
    r.text("drop", s.drop);
    r.integer("queue", s.queue);
    if (const toml::node* n = r.take("outputs")) {
        if (!n->is_array()) r.type_error("outputs", "an array of files or rtp:// URLs");
        s.outputs.clear();
        for (const toml::node& item : *n->as_array()) {
            if (!item.is_string()) r.type_error("outputs", "an array of strings");
            OutputSettings o;
            o.target = item.as_string()->get();
            s.outputs.push_back(o);
        }
    }
    if (const toml::node* n = r.take("output")) {
        if (!n->is_array_of_tables()) r.type_error("output", "[[stream.output]] tables");
        size_t i = 0;
        for (const toml::node& item : *n->as_array()) {
            OutputSettings o;
            read_output(*item.as_table(), where + ", output " + std::to_string(++i), o);
            s.outputs.push_back(o);
        }
    }
    r.finish(kStreamKeys);
}

}  // namespace

PipelineSettings parse_pipeline_settings(std::string_view text, const std::string& origin) {
    toml::table root;
    try {
        root = toml::parse(text, origin);
    } catch (const toml::parse_error& e) {
        throw Error(ErrorCode::InvalidData, origin + ":" + std::to_string(e.source().begin.line) + ": " +
                                                std::string(e.description()));
    }
    PipelineSettings settings;
    Reader top(root, origin);
    top.boolean("stop_all_on_failure", settings.stop_all_on_failure);
    StreamSettings defaults;
    if (const toml::node* d = top.take("defaults")) {
        if (!d->is_table()) top.type_error("defaults", "a table ([defaults])");
        read_stream(*d->as_table(), origin + ": [defaults]", defaults, true);
    }
    const toml::node* streams = top.take("stream");
    top.finish("stop_all_on_failure, defaults, stream");
    if (!streams || !streams->is_array_of_tables() || streams->as_array()->empty())
        throw Error(ErrorCode::InvalidArgument, origin + ": no streams (add a [[stream]] table per stream)");
    size_t index = 0;
    for (const toml::node& node : *streams->as_array()) {
        ++index;
        StreamSettings s = defaults;
        const toml::table& t = *node.as_table();
        if (const auto name = t["name"].value<std::string>()) s.name = *name;
        if (s.name.empty()) s.name = "stream " + std::to_string(index);
        read_stream(t, origin + ": stream '" + s.name + "'", s, false);
        settings.streams.push_back(std::move(s));
    }
    return settings;
}

#else

PipelineSettings parse_pipeline_settings(std::string_view, const std::string& origin) {
    throw Error(ErrorCode::Unsupported,
                origin + ": this build of nvcast has no TOML parser (install libtomlplusplus-dev and rebuild)");
}

#endif

PipelineConfig make_pipeline_config(const PipelineSettings& settings, const std::string& origin) {
    PipelineConfig config;
    config.stop_all_on_failure = settings.stop_all_on_failure;
    for (const StreamSettings& s : settings.streams) {
        try {
            config.streams.push_back(make_stream_spec(s));
        } catch (const Error& e) {
            throw Error(e.code(), origin + ": stream '" + s.name + "': " + e.what());
        }
    }
    return config;
}

PipelineConfig parse_pipeline_file(std::string_view text, const std::string& origin) {
    return make_pipeline_config(parse_pipeline_settings(text, origin), origin);
}

PipelineSettings load_pipeline_settings(const std::string& path) {
    const auto text = read_text_file(path);
    if (!text) throw Error(ErrorCode::Io, "cannot read pipeline file '" + path + "'");
    return parse_pipeline_settings(*text, path);
}

PipelineConfig load_pipeline_file(const std::string& path) { return make_pipeline_config(load_pipeline_settings(path), path); }

}  // namespace nvcast

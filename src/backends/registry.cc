#include <string>
#include <utility>

#include "backends/backends.h"
#include "nvcast/error.h"
#include "nvcast/log.h"

namespace nvcast {

const std::vector<const Backend*>& registered_backends() {
    // `auto` preference order: NVENC hardware, nvcast's own H.264 encoder on a CUDA GPU, then
    // software. Without a GPU nvh264 says so in its probe (auto_last) and is tried last.
    static const std::vector<const Backend*> backends = [] {
        std::vector<const Backend*> list;
#ifdef NVCAST_HAVE_BACKEND_NVENC
        list.push_back(&nvenc_backend());
#endif
#ifdef NVCAST_HAVE_BACKEND_NVH264
        list.push_back(&nvh264_backend());
#endif
#ifdef NVCAST_HAVE_BACKEND_X264
        list.push_back(&x264_backend());
#endif
#ifdef NVCAST_HAVE_BACKEND_X265
        list.push_back(&x265_backend());
#endif
#ifdef NVCAST_HAVE_BACKEND_SVTAV1
        list.push_back(&svtav1_backend());
#endif
        return list;
    }();
    return backends;
}

std::vector<BackendInfo> probe_backends() {
    std::vector<BackendInfo> infos;
    for (const Backend* b : registered_backends()) {
        infos.push_back(b->probe());
        infos.back().options = b->options();
    }
    return infos;
}

namespace {

bool supports_codec(const BackendInfo& info, Codec codec) {
    for (const auto& c : info.codecs)
        if (c.codec == codec) return true;
    return false;
}

std::string codec_list(const BackendInfo& info) {
    std::string s;
    for (const auto& c : info.codecs) s += (s.empty() ? "" : ", ") + std::string(to_string(c.codec));
    return s.empty() ? "none" : s;
}

std::string known_backends() {
    std::string s;
    for (const Backend* b : registered_backends()) s += (s.empty() ? "" : ", ") + b->probe().name;
    return s + (s.empty() ? "auto" : ", auto");
}

}  // namespace

OpenedEncoder open_encoder(std::string_view name, const EncoderConfig& config) {
    validate(config);
    check_backend_options(config);
    if (name == "auto") {
        std::string skipped;
        std::vector<std::pair<const Backend*, BackendInfo>> last;  // auto_last backends, tried after the rest
        auto try_open = [&](const Backend* b, const BackendInfo& info) -> std::unique_ptr<Encoder> {
            std::string why;
            if (!info.available) {
                why = info.reason;
            } else if (!supports_codec(info, config.codec)) {
                why = "no " + std::string(to_string(config.codec));
            } else {
                try {
                    return b->create(config);
                } catch (const Error& e) {
                    why = e.what();
                }
            }
            skipped += (skipped.empty() ? "" : "; ") + info.name + ": " + why;
            return nullptr;
        };
        auto opened = [&](std::unique_ptr<Encoder> encoder, const BackendInfo& info) {
            OpenedEncoder o{std::move(encoder), ""};
            o.selection = "auto: picked " + info.name + " for " + std::string(to_string(config.codec)) +
                          (skipped.empty() ? "" : " (skipped " + skipped + ")");
            return o;
        };
        for (const Backend* b : registered_backends()) {
            BackendInfo info = b->probe();
            if (info.available && info.auto_last && supports_codec(info, config.codec)) {
                skipped += (skipped.empty() ? "" : "; ") + info.name + ": " + info.auto_last_reason + ", tried last";
                last.emplace_back(b, std::move(info));
                continue;
            }
            if (auto encoder = try_open(b, info)) return opened(std::move(encoder), info);
        }
        for (const auto& [b, info] : last)
            if (auto encoder = try_open(b, info)) return opened(std::move(encoder), info);
        throw Error(ErrorCode::Unavailable, "auto: no backend can encode " + std::string(to_string(config.codec)) +
                                                (skipped.empty() ? " (none compiled in)" : " (" + skipped + ")"));
    }
    for (const Backend* b : registered_backends()) {
        const BackendInfo info = b->probe();
        if (info.name != name) continue;
        if (!info.available)
            throw Error(ErrorCode::Unavailable, "backend '" + info.name + "' is not available: " + info.reason);
        if (!supports_codec(info, config.codec))
            throw Error(ErrorCode::Unsupported, "backend '" + info.name + "' cannot encode " +
                                                    std::string(to_string(config.codec)) + " (it encodes " +
                                                    codec_list(info) + ")");
        return {b->create(config), "backend " + info.name + " (requested)"};
    }
    throw Error(ErrorCode::InvalidArgument,
                "unknown backend '" + std::string(name) + "' (this build has: " + known_backends() + ")");
}

}  // namespace nvcast

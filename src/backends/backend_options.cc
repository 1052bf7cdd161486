#include "backends/backend_options.h"

#include "core/text.h"


#include "nvcast/backend.h"
#include "nvcast/error.h"

namespace nvcast {
namespace {

std::string key_of(std::string_view backend, std::string_view option) {
    return std::string(backend) + "." + std::string(option);
}

[[noreturn]] void bad_value(std::string_view backend, std::string_view option, const std::string& value,
                            std::string_view allowed) {
    throw Error(ErrorCode::InvalidArgument, "backend option " + key_of(backend, option) + "='" + value +
                                                "' is invalid (allowed: " + std::string(allowed) + ")");
}

}  // namespace

std::optional<std::string> backend_option(const EncoderConfig& config, std::string_view backend,
                                          std::string_view option) {
    const auto it = config.backend_options.find(key_of(backend, option));
    if (it == config.backend_options.end()) return std::nullopt;
    return it->second;
}

int backend_option_int(const EncoderConfig& config, std::string_view backend, std::string_view option, int fallback,
                       int lo, int hi) {
    const auto value = backend_option(config, backend, option);
    if (!value) return fallback;
    const auto n = parse_int<int>(*value);
    if (!n || *n < lo || *n > hi) bad_value(backend, option, *value, std::to_string(lo) + ".." + std::to_string(hi));
    return *n;
}

bool backend_option_bool(const EncoderConfig& config, std::string_view backend, std::string_view option,
                         bool fallback) {
    const auto value = backend_option(config, backend, option);
    if (!value) return fallback;
    if (*value == "on" || *value == "true" || *value == "1") return true;
    if (*value == "off" || *value == "false" || *value == "0") return false;
    bad_value(backend, option, *value, "on, off");
}

std::string backend_option_choice(const EncoderConfig& config, std::string_view backend, std::string_view option,
                                  std::string_view allowed, std::string_view fallback) {
    const auto value = backend_option(config, backend, option);
    if (!value) return std::string(fallback);
    size_t start = 0;
    while (start <= allowed.size()) {
        const size_t comma = std::min(allowed.find(',', start), allowed.size());
        std::string_view choice = allowed.substr(start, comma - start);
        while (!choice.empty() && choice.front() == ' ') choice.remove_prefix(1);
        if (choice == *value) return *value;
        start = comma + 1;
    }
    bad_value(backend, option, *value, allowed);
}

void check_backend_options(const EncoderConfig& config) {
    for (const auto& [key, value] : config.backend_options) {
        const size_t dot = key.find('.');
        const std::string backend = key.substr(0, dot), option = dot == std::string::npos ? "" : key.substr(dot + 1);
        const Backend* owner = nullptr;
        std::string names;
        for (const Backend* b : registered_backends()) {
            names += (names.empty() ? "" : ", ") + std::string(b->name());
            if (b->name() == backend) owner = b;
        }
        if (dot == std::string::npos || option.empty())
            throw Error(ErrorCode::InvalidArgument,
                        "backend option '" + key + "' is not BACKEND.OPTION (e.g. nvenc.output_delay)");
        if (!owner)
            throw Error(ErrorCode::InvalidArgument, "backend option '" + key + "': this build has no backend '" +
                                                        backend + "' (it has: " + names + ")");
        std::string known;
        bool found = false;
        for (const BackendOptionInfo& o : owner->options()) {
            known += (known.empty() ? "" : ", ") + o.name;
            found = found || o.name == option;
        }
        if (!found)
            throw Error(ErrorCode::InvalidArgument, "backend option '" + key + "': " + backend + " has no option '" +
                                                        option + "' (" +
                                                        (known.empty() ? "it has none" : "it has: " + known) + ")");
    }
}

}  // namespace nvcast

// Reading a backend's own options from EncoderConfig::backend_options ("backend.option" keys),
// with one error format for every backend: the key, the bad value, what is allowed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "nvcast/config.h"

namespace nvcast {

// The value of "<backend>.<option>", if set.
std::optional<std::string> backend_option(const EncoderConfig& config, std::string_view backend,
                                          std::string_view option);
// An integer option in lo..hi, or `fallback` when unset; throws Error(InvalidArgument) otherwise.
int backend_option_int(const EncoderConfig& config, std::string_view backend, std::string_view option, int fallback,
                       int lo, int hi);
// A boolean option ("on"/"off", "true"/"false", "1"/"0"), or `fallback` when unset.
bool backend_option_bool(const EncoderConfig& config, std::string_view backend, std::string_view option,
                         bool fallback);
// A choice among `allowed` (comma-separated list), or `fallback` when unset.
std::string backend_option_choice(const EncoderConfig& config, std::string_view backend, std::string_view option,
                                  std::string_view allowed, std::string_view fallback);

}  // namespace nvcast

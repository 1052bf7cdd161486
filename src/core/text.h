// Small string helpers shared by parsers (internal).
#pragma once

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

namespace nvcast {

inline std::string to_lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

// Parses the whole of `s` as an integer; nullopt on any junk.
template <typename T>
std::optional<T> parse_int(std::string_view s) {
    T value{};
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) return std::nullopt;
    return value;
}

// The whole content of a (small) file; nullopt when it cannot be opened.
inline std::optional<std::string> read_text_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

inline bool ends_with_ci(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && to_lower(s.substr(s.size() - suffix.size())) == to_lower(suffix);
}

}  // namespace nvcast

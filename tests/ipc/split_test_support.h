// What the split-process tests (CLI roles in separate processes) read back: what /dev/shm holds
// (nothing may be left there) and numbers in the processes' summaries.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <regex>
#include <set>
#include <string>

namespace nvcast::test {

inline std::set<std::string> shm_entries() {
    std::set<std::string> names;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator("/dev/shm", ec)) names.insert(e.path().filename().string());
    return names;
}

// The first capture group of `pattern` in `text` as a number; -1 when it is not there.
inline int64_t number(const std::string& text, const std::string& pattern) {
    std::smatch m;
    if (!std::regex_search(text, m, std::regex(pattern))) return -1;
    return std::stoll(m[1]);
}

// A channel name no other test process uses: PREFIX-WHAT-PID.
inline std::string channel_name(const char* prefix, const char* what) {
    return std::string(prefix) + "-" + what + "-" + std::to_string(::getpid());
}

}  // namespace nvcast::test

// One logger for the library and tools (spdlog underneath).
#pragma once

#include <string_view>

namespace nvcast {

enum class LogLevel { Debug, Info, Warn, Error, Off };
void set_log_level(LogLevel level);
void log(LogLevel level, std::string_view message);

}  // namespace nvcast

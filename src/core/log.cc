#include "nvcast/log.h"

#include <atomic>
#include <cstdio>
#include <string>

#ifdef NVCAST_HAVE_SPDLOG
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#endif

namespace nvcast {
namespace {

std::atomic<LogLevel> g_level{LogLevel::Info};

#ifdef NVCAST_HAVE_SPDLOG
spdlog::logger& logger() {
    // Logs go to stderr so that stdout stays clean for --json and piped output.
    static auto instance = [] {
        auto l = spdlog::stderr_color_mt("nvcast");
        l->set_pattern("%^[nvcast %l]%$ %v");
        l->set_level(spdlog::level::trace);
        return l;
    }();
    return *instance;
}
#endif

}  // namespace

void set_log_level(LogLevel level) { g_level = level; }

void log(LogLevel level, std::string_view message) {
    if (level < g_level.load() || level == LogLevel::Off) return;
#ifdef NVCAST_HAVE_SPDLOG
    switch (level) {
        case LogLevel::Debug: logger().debug("{}", message); break;
        case LogLevel::Info: logger().info("{}", message); break;
        case LogLevel::Warn: logger().warn("{}", message); break;
        default: logger().error("{}", message); break;
    }
#else
    static const char* const kNames[] = {"debug", "info", "warning", "error"};
    std::fprintf(stderr, "[nvcast %s] %.*s\n", kNames[static_cast<int>(level)], static_cast<int>(message.size()),
                 message.data());
#endif
}

}  // namespace nvcast

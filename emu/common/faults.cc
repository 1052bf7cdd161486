#include "common/faults.h"

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <sstream>

#include "backends/nvenc/api12.h"

namespace nvcast::emu {
namespace {

std::mutex g_mutex;
std::string g_counted_for;  // fault text the frame counter belongs to
int64_t g_frames = 0;
bool g_lost = false;

std::string trim(std::string s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.erase(s.begin());
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
    return s;
}

}  // namespace

Faults current_faults() {
    Faults f;
    const char* env = std::getenv("NVCAST_EMU_FAULTS");
    if (!env) return f;
    f.raw = env;
    std::stringstream list(f.raw);
    std::string item;
    while (std::getline(list, item, ',')) {
        item = trim(item);
        const auto eq = item.find('=');
        const std::string key = trim(item.substr(0, eq));
        const std::string value = eq == std::string::npos ? "" : trim(item.substr(eq + 1));
        if (key == "session_limit") f.session_limit = std::atoi(value.c_str());
        else if (key == "oom_at_open") f.oom_at_open = true;
        else if (key == "device_lost_at") f.device_lost_at = std::atoll(value.c_str());
        else if (key == "device_lost_sticky") f.device_lost_sticky = true;
        else if (key == "gpu_name") f.gpu_name = value;
        else if (key == "no_encoder") f.no_encoder = true;
        else if (key == "no_encoder_device") f.no_encoder_device = std::atoi(value.c_str());
        else if (key == "oom_at_buffer") f.oom_at_buffer = std::atoi(value.c_str());
        else if (key == "no_av1") f.no_av1 = true;
    }
    return f;
}

bool consume_frame_and_check_device_lost(const Faults& faults) {
    std::lock_guard lock(g_mutex);
    if (g_counted_for != faults.raw) {
        g_counted_for = faults.raw;
        g_frames = 0;
        g_lost = false;
    }
    const int64_t index = g_frames++;
    if (faults.device_lost_at >= 0 && !g_lost && index == faults.device_lost_at) {
        g_lost = true;
        return true;
    }
    return false;
}

bool device_was_lost(const Faults& faults) {
    std::lock_guard lock(g_mutex);
    return g_counted_for == faults.raw && g_lost;
}

std::string gpu_name(int ordinal) {
    const Faults f = current_faults();
    if (!f.gpu_name.empty()) return f.gpu_name;
    return "nvcast emulated NVENC GPU " + std::to_string(ordinal);
}

uint32_t max_api_version() {
    const char* env = std::getenv("NVCAST_EMU_API_VERSION");
    unsigned major = nvenc::kNewestKnownApiMajor, minor = nvenc::kNewestKnownApiMinor;
    if (env) {
        unsigned a = 0, b = 0;
        if (std::sscanf(env, "%u.%u", &a, &b) >= 1) {
            major = a;
            minor = b;
        }
    }
    return (major << 4) | (minor & 0xf);
}

}  // namespace nvcast::emu

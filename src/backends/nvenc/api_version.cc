#include "backends/nvenc/api_version.h"

#include <fstream>
#include <regex>

#include "nvcast/error.h"

namespace nvcast::nvenc {

ApiVersion required_api(Codec codec) { return codec == Codec::AV1 ? ApiVersion{12, 0} : ApiVersion{10, 0}; }

ApiVersion newest_api(Codec codec) { return codec == Codec::AV1 ? ApiVersion{12, 0} : ApiVersion{11, 1}; }

std::string minimum_driver_for(ApiVersion api) {
    // NVIDIA Video Codec SDK release notes: minimum Linux driver per API.
    struct Row { uint32_t ordinal; const char* driver; };
    static constexpr Row kRows[] = {
        {(9u << 4) | 0, "418.30"},  {(9u << 4) | 1, "436.15"},  {(10u << 4) | 0, "450.51"},
        {(11u << 4) | 0, "455.28"}, {(11u << 4) | 1, "470.57"}, {(12u << 4) | 0, "520.56"},
        {(12u << 4) | 1, "530.41"}, {(12u << 4) | 2, "550.54"}, {(13u << 4) | 0, "570.86"},
    };
    for (const Row& r : kRows)
        if (r.ordinal >= api.ordinal()) return r.driver;
    return "a newer release";
}

std::string installed_driver_version() {
    std::ifstream in("/proc/driver/nvidia/version");
    std::string line;
    if (!std::getline(in, line)) return "";
    std::smatch m;
    static const std::regex version(R"((\d{3,}\.\d+(\.\d+)?))");
    return std::regex_search(line, m, version) ? m.str(1) : "";
}

ApiVersion negotiate(Codec codec, ApiVersion driver_max) {
    const ApiVersion need = required_api(codec);
    if (driver_max < need) {
        const std::string installed = installed_driver_version();
        throw Error(ErrorCode::Unavailable,
                    "driver supports API " + driver_max.text() + ", need " + need.text() + " for " +
                        std::string(to_string(codec) == "h264" ? "H.264" : to_string(codec) == "hevc" ? "HEVC" : "AV1") +
                        ": driver >= " + minimum_driver_for(need) +
                        (installed.empty() ? "" : " (installed: " + installed + ")"));
    }
    return need;
}

}  // namespace nvcast::nvenc

// `nvcast probe`: every backend, available or not and why, versions, capabilities.
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "commands.h"
#include "nvcast/nvcast.h"

#ifdef NVCAST_HAVE_JSON
#include <nlohmann/json.hpp>
#endif

namespace nvcast::cli {
namespace {

// The optional parts this build has, for the text and JSON reports alike.
std::vector<std::pair<std::string, bool>> build_features() {
    return {{"libav", NVCAST_HAVE_LIBAV != 0}, {"capture", NVCAST_HAVE_LIBAVDEVICE != 0}, {"nvdec", NVCAST_HAVE_NVDEC != 0},
            {"srtp", NVCAST_HAVE_SRTP != 0},   {"webrtc", NVCAST_HAVE_WEBRTC != 0},       {"cuda", NVCAST_HAVE_CUDA != 0},
            {"toml", NVCAST_HAVE_TOML != 0},   {"ipc", true}};
}

std::string yes_no(bool b) { return b ? "yes" : "no"; }

void print_text(const std::vector<BackendInfo>& infos) {
    std::printf("nvcast %s\n\n", NVCAST_VERSION_STRING);
    for (const BackendInfo& b : infos) {
        std::printf("%-8s %s  %s\n", b.name.c_str(), b.available ? "available  " : "unavailable", b.description.c_str());
        if (!b.version.empty()) std::printf("         version: %s\n", b.version.c_str());
        if (!b.available) std::printf("         why: %s\n", b.reason.c_str());
        for (const BackendOptionInfo& o : b.options)
            std::printf("         option %s.%s: %s\n", b.name.c_str(), o.name.c_str(), o.description.c_str());
        for (const BackendCodecInfo& c : b.codecs) {
            const Capabilities& k = c.caps;
            std::printf("         %-5s max %dx%d, 10-bit %s, 4:4:4 %s, b-frames %s, lossless %s, intra refresh %s,\n"
                        "               cbr/vbr/cq %s/%s/%s, live bitrate %s (without keyframe %s), "
                        "zero latency %s, device frames %s\n",
                        std::string(to_string(c.codec)).c_str(), k.max_width, k.max_height, yes_no(k.bit_depth_10).c_str(),
                        yes_no(k.yuv444).c_str(), yes_no(k.b_frames).c_str(), yes_no(k.lossless).c_str(),
                        yes_no(k.intra_refresh).c_str(), yes_no(k.cbr).c_str(), yes_no(k.vbr).c_str(),
                        yes_no(k.constant_quality).c_str(), yes_no(k.dynamic_bitrate).c_str(),
                        yes_no(k.dynamic_bitrate_no_keyframe).c_str(), yes_no(k.zero_latency).c_str(),
                        yes_no(k.device_frames).c_str());
        }
    }
    std::string line;
    for (const auto& [name, on] : build_features()) line += (line.empty() ? "" : ", ") + name + " " + yes_no(on);
    std::printf("\nbuild features: %s\n", line.c_str());
}

#ifdef NVCAST_HAVE_JSON
void print_json(const std::vector<BackendInfo>& infos) {
    nlohmann::json out;
    out["version"] = NVCAST_VERSION_STRING;
    for (const BackendInfo& b : infos) {
        nlohmann::json j{{"name", b.name}, {"description", b.description}, {"available", b.available},
                         {"reason", b.reason}, {"version", b.version}};
        for (const BackendOptionInfo& o : b.options) j["options"][b.name + "." + o.name] = o.description;
        for (const BackendCodecInfo& c : b.codecs) {
            const Capabilities& k = c.caps;
            j["codecs"][std::string(to_string(c.codec))] = {
                {"max_width", k.max_width}, {"max_height", k.max_height}, {"bit_depth_10", k.bit_depth_10},
                {"yuv444", k.yuv444}, {"b_frames", k.b_frames}, {"lossless", k.lossless},
                {"intra_refresh", k.intra_refresh}, {"cbr", k.cbr}, {"vbr", k.vbr},
                {"constant_quality", k.constant_quality}, {"dynamic_bitrate", k.dynamic_bitrate},
                {"dynamic_bitrate_no_keyframe", k.dynamic_bitrate_no_keyframe}, {"zero_latency", k.zero_latency},
                {"device_frames", k.device_frames}};
        }
        out["backends"].push_back(j);
    }
    out["features"] = nlohmann::json::object();
    for (const auto& [name, on] : build_features()) out["features"][name] = on;
    std::printf("%s\n", out.dump(2).c_str());
}
#endif

}  // namespace

void add_probe_command(CLI::App& app, int& exit_code) {
    auto* cmd = app.add_subcommand("probe", "List every encoder backend: available or not and why, versions, capabilities");
    static bool json = false;
    static bool inputs = false;
    cmd->add_flag("--json", json, "Machine-readable output");
    cmd->add_flag("--inputs", inputs, "List the capture devices this build can open (DEVICE:TARGET) instead");
    cmd->callback([&exit_code] {
        if (inputs) {
            const auto lines = list_capture_inputs();
            if (lines.empty()) std::printf("no capture devices: this build has no libavdevice\n");
            for (const std::string& line : lines) std::printf("%s\n", line.c_str());
            exit_code = 0;
            return;
        }
        const auto infos = probe_backends();
#ifdef NVCAST_HAVE_JSON
        if (json) {
            print_json(infos);
            exit_code = 0;
            return;
        }
#endif
        print_text(infos);
        exit_code = 0;
    });
}

}  // namespace nvcast::cli

// The `nvenc` backend: probe (driver, API, GPU, per-codec capabilities) and create.
#include <cstdlib>
#include <map>
#include <mutex>

#include "backends/backends.h"
#include "backends/nvenc/nvenc_encoder.h"

namespace nvcast {
namespace {

using namespace nvenc;


BackendInfo probe_uncached() {
    BackendInfo info;
    info.name = "nvenc";
    info.description = "NVIDIA NVENC hardware encoder";
    try {
        const Driver& driver = load_driver();
        const ApiVersion max = driver_max_api(driver);
        const std::string installed = installed_driver_version();
        info.version = "NVENC API " + max.text() + (installed.empty() ? "" : ", driver " + installed);
        const int count = device_count(driver);
        if (count == 0) {
            info.reason = "the NVIDIA driver reports no CUDA device";
            return info;
        }
        const ApiVersion base = required_api(Codec::H264);
        if (max < base) {
            info.reason = "driver supports API " + max.text() + ", need " + base.text() +
                          " for H.264/HEVC: driver >= " + minimum_driver_for(base) +
                          (installed.empty() ? "" : " (installed: " + installed + ")");
            return info;
        }
        const ApiVersion api = std::min(max, newest_api(Codec::H264), [](ApiVersion a, ApiVersion b) { return a < b; });
        std::string errors;
        for (int d = 0; d < count; ++d) {
            try {
                auto device = DeviceContext::get(driver, d);
                ContextScope scope(*device);
                SessionHandle session(device, api);
                for (Codec c : {Codec::H264, Codec::HEVC})
                    if (codec_supported(session, c)) info.codecs.push_back({c, query_caps(session, c).caps});
                std::string av1_note;
                if (max < required_api(Codec::AV1)) {
                    av1_note = "AV1: driver supports API " + max.text() + ", need 12.0: driver >= " +
                               minimum_driver_for(required_api(Codec::AV1));
                } else {
                    SessionHandle av1(device, required_api(Codec::AV1));
                    if (codec_supported(av1, Codec::AV1)) info.codecs.push_back({Codec::AV1, query_caps(av1, Codec::AV1).caps});
                    else av1_note = "AV1: not on this GPU";
                }
                info.description += " on '" + device->name() + "' (CUDA device " + std::to_string(d) + ", API " +
                                    api.text() + (av1_note.empty() ? "" : "; " + av1_note) + ")";
                info.available = !info.codecs.empty();
                if (!info.available) info.reason = "the NVENC engine of '" + device->name() + "' lists no H.264/HEVC/AV1 encoder";
                return info;
            } catch (const Error& e) {
                errors += (errors.empty() ? "" : "; ") + std::string(e.what());
            }
        }
        info.reason = errors;
    } catch (const Error& e) {
        info.reason = e.what();
    }
    return info;
}

class NvencBackend final : public Backend {
public:
    std::string_view name() const override { return "nvenc"; }
    std::vector<BackendOptionInfo> options() const override {
        return {{"output_delay", "finished packets held back before waiting on the GPU, 0..16 (default 0)"},
                {"fallback", "on a lost GPU that cannot be reopened, continue on a software backend: on (default), off"}};
    }
    BackendInfo probe() const override {
        // Opening a probe session costs real time on hardware: cache per environment.
        std::string key;
        for (const char* var : {"NVCAST_NVENC_LIBRARY", "NVCAST_CUDA_LIBRARY", "NVCAST_EMU_FAULTS",
                                "NVCAST_EMU_API_VERSION", "NVCAST_EMU_DEVICES"}) {
            const char* v = std::getenv(var);
            key += std::string(v ? v : "") + "\x1f";
        }
        std::lock_guard lock(mutex_);
        auto it = cache_.find(key);
        if (it == cache_.end()) it = cache_.emplace(key, probe_uncached()).first;
        return it->second;
    }

    std::unique_ptr<Encoder> create(const EncoderConfig& config) const override {
        return std::make_unique<NvencEncoder>(config, Options::from_config(config));
    }

private:
    mutable std::mutex mutex_;
    mutable std::map<std::string, BackendInfo> cache_;
};

}  // namespace

const Backend& nvenc_backend() {
    static const NvencBackend backend;
    return backend;
}

}  // namespace nvcast

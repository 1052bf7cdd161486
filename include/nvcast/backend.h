// Backend registry: which encoders exist in this build, which work on this
// machine, and `auto` selection (nvenc -> nvh264 on a GPU -> software) with a reason.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "nvcast/encoder.h"

namespace nvcast {

struct BackendCodecInfo {
    Codec codec;
    Capabilities caps;
};

// One backend-specific option, set as EncoderConfig::backend_options["<backend>.<name>"].
struct BackendOptionInfo {
    std::string name;         // e.g. "output_delay"
    std::string description;  // one line, with the allowed values and the default
};

struct BackendInfo {
    std::string name;          // "x264", "x265", "svtav1", "nvenc", ...
    std::string description;   // one line, e.g. "x264 software H.264 encoder"
    bool available = false;
    std::string reason;        // why not available (empty when available)
    std::string version;       // library/driver version where known
    std::vector<BackendCodecInfo> codecs;
    // Available, but `auto` tries it only after every other backend, saying why (nvh264 without
    // a CUDA device runs its CPU reference, far slower than the software encoders).
    bool auto_last = false;
    std::string auto_last_reason;
    std::vector<BackendOptionInfo> options;  // what EncoderConfig::backend_options may set
};

class Backend {
public:
    virtual ~Backend() = default;
    virtual std::string_view name() const = 0;
    // The options this backend reads from EncoderConfig::backend_options.
    virtual std::vector<BackendOptionInfo> options() const { return {}; }
    virtual BackendInfo probe() const = 0;
    virtual std::unique_ptr<Encoder> create(const EncoderConfig& config) const = 0;
};

// Every backend compiled into this build, in `auto` preference order.
const std::vector<const Backend*>& registered_backends();
std::vector<BackendInfo> probe_backends();

struct OpenedEncoder {
    std::unique_ptr<Encoder> encoder;
    std::string selection;  // e.g. "auto: picked x264 (nvenc: no NVIDIA driver; ...)"
};

// Throws Error(InvalidArgument) for a backend option that names no registered backend, or an
// option its backend does not have.
void check_backend_options(const EncoderConfig& config);

// Opens an encoder by backend name or "auto". Validates the config and its backend options first.
// Throws Error naming the backend and reason when it cannot.
OpenedEncoder open_encoder(std::string_view backend, const EncoderConfig& config);

}  // namespace nvcast

// NVENC emulator internals: the session object behind every NVENC handle, the
// resources it owns, and the checks the real driver applies to each call.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "backends/nvenc/api12.h"

#include "nvcast/config.h"
#include "nvcast/encoder.h"

namespace nvcast::emu {

constexpr uint32_t kInputMagic = 0x494e5055;      // "INPU"
constexpr uint32_t kBitstreamMagic = 0x42495453;  // "BITS"
constexpr uint32_t kRegisteredMagic = 0x52454753; // "REGS"
constexpr uint32_t kMappedMagic = 0x4d415053;     // "MAPS"

class Session;

// API version as used in struct versions: major | minor << 24.
struct ApiVersion {
    uint32_t major = 0, minor = 0;
    uint32_t packed() const { return major | (minor << 24); }
    uint32_t ordinal() const { return (major << 4) | minor; }
    nvenc::StructRevisions revisions() const { return nvenc::struct_revisions(major); }
};
ApiVersion api_from_packed(uint32_t packed);
// True when `version` is NVENCAPI_STRUCT_VERSION(rev) [| 1<<31] for `api`.
bool struct_version_ok(uint32_t version, ApiVersion api, uint32_t rev, bool high_bit);

bool same_guid(const GUID& a, const GUID& b);
// Codec of an encode GUID as a session of `api` sees it; nullopt when the emulated GPU
// doesn't encode it (AV1 needs an API 12.0 session and a GPU without the no_av1 fault).
std::optional<Codec> codec_of(const GUID& guid, ApiVersion api);
// The codec GUIDs a session of `api` lists (nvEncGetEncodeGUIDs).
std::vector<GUID> codec_guids(ApiVersion api);
// 1..7 for P1..P7 (legacy presets map to 4); 0 when unknown.
int preset_index(const GUID& guid);

// Capability table of the emulated GPU.
int caps_value(Codec codec, NV_ENC_CAPS cap);
const std::vector<GUID>& profile_guids(Codec codec);
const std::vector<NV_ENC_BUFFER_FORMAT>& input_formats(Codec codec);
const std::vector<GUID>& preset_guids(ApiVersion api);
// Default NV_ENC_CONFIG of a preset + tuning (NvEncGetEncodePresetConfigEx).
void fill_preset_config(Codec codec, int preset, NV_ENC_TUNING_INFO tuning, ApiVersion api, NV_ENC_CONFIG& out);

// Bytes per sample and plane layout of an NVENC buffer format.
struct BufferLayout {
    bool supported = false;
    int bytes_per_sample = 1;
    bool ten_bit = false;
    bool yuv444 = false;
    // Total bytes of a frame stored with `pitch` bytes per luma row.
    size_t frame_bytes(uint32_t pitch, uint32_t height) const;
};
BufferLayout layout_of(NV_ENC_BUFFER_FORMAT format);

// Translates the client's init params into the wrapped software encoder's config.
// Returns NV_ENC_SUCCESS or the status the real driver gives, with `why` filled.
NVENCSTATUS map_config(const NV_ENC_INITIALIZE_PARAMS& init, const NV_ENC_CONFIG& config, Codec codec,
                       EncoderConfig& out, std::string& why);

struct InputBuffer {
    uint32_t magic = kInputMagic;
    Session* owner = nullptr;
    uint32_t width = 0, height = 0, pitch = 0;
    NV_ENC_BUFFER_FORMAT format = NV_ENC_BUFFER_FORMAT_UNDEFINED;
    std::unique_ptr<uint8_t[]> storage;
    bool locked = false;
};

struct BitstreamBuffer {
    uint32_t magic = kBitstreamMagic;
    Session* owner = nullptr;
    uint32_t capacity = 0;
    std::vector<uint8_t> data;
    enum class State { Free, Pending, Ready, Locked } state = State::Free;
    uint64_t submit_order = 0;
    uint32_t frame_idx = 0;
    uint64_t timestamp = 0, duration = 0;
    NV_ENC_PIC_TYPE picture_type = NV_ENC_PIC_TYPE_UNKNOWN;
    uint32_t avg_qp = 0;
};

struct RegisteredResource {
    uint32_t magic = kRegisteredMagic;
    Session* owner = nullptr;
    uint64_t device_ptr = 0;
    uint32_t width = 0, height = 0, pitch = 0;
    NV_ENC_BUFFER_FORMAT format = NV_ENC_BUFFER_FORMAT_UNDEFINED;
    bool mapped = false;
};

struct MappedResource {
    uint32_t magic = kMappedMagic;
    RegisteredResource* resource = nullptr;
};

// One encode session (the `void* encoder` handle).
class Session {
public:
    Session(int device, ApiVersion api) : device_(device), api_(api) {}
    ~Session();

    std::mutex mutex;
    ApiVersion api() const { return api_; }
    int device() const { return device_; }
    const char* last_error() const { return last_error_.c_str(); }
    NVENCSTATUS fail(NVENCSTATUS status, const std::string& why);

    NVENCSTATUS initialize(const NV_ENC_INITIALIZE_PARAMS* params);
    NVENCSTATUS reconfigure(const NV_ENC_RECONFIGURE_PARAMS* params);
    NVENCSTATUS encode(const NV_ENC_PIC_PARAMS* params);
    NVENCSTATUS lock_bitstream(NV_ENC_LOCK_BITSTREAM* params);
    NVENCSTATUS unlock_bitstream(void* buffer);
    NVENCSTATUS sequence_params(NV_ENC_SEQUENCE_PARAM_PAYLOAD* payload);
    NVENCSTATUS invalidate(uint64_t timestamp);

    NVENCSTATUS create_input(NV_ENC_CREATE_INPUT_BUFFER* params);
    NVENCSTATUS destroy_input(void* buffer);
    NVENCSTATUS lock_input(NV_ENC_LOCK_INPUT_BUFFER* params);
    NVENCSTATUS unlock_input(void* buffer);
    NVENCSTATUS create_bitstream(NV_ENC_CREATE_BITSTREAM_BUFFER* params);
    NVENCSTATUS destroy_bitstream(void* buffer);
    NVENCSTATUS register_resource(NV_ENC_REGISTER_RESOURCE* params);
    NVENCSTATUS unregister_resource(void* resource);
    NVENCSTATUS map_resource(NV_ENC_MAP_INPUT_RESOURCE* params);
    NVENCSTATUS unmap_resource(void* mapped);

    bool initialized() const { return encoder_ != nullptr || initialized_; }
    bool lost() const { return lost_; }

private:
    InputBuffer* find_input(void* p);
    BitstreamBuffer* find_bitstream(void* p);
    RegisteredResource* find_registered(void* p);
    MappedResource* find_mapped(void* p);
    NVENCSTATUS open_software_encoder();
    void drain_packets();
    NVENCSTATUS wait_for_structural_lag();
    NVENCSTATUS flush_encoder();

    int device_;
    ApiVersion api_;
    std::string last_error_;
    bool initialized_ = false;
    bool lost_ = false;
    Codec codec_ = Codec::H264;
    NV_ENC_INITIALIZE_PARAMS init_{};
    NV_ENC_CONFIG config_{};
    EncoderConfig sw_config_;
    std::unique_ptr<Encoder> encoder_;
    bool needs_reopen_ = false;       // after EOS: next frame starts a new stream
    bool force_idr_next_ = false;
    bool force_intra_next_ = false;
    uint64_t submit_counter_ = 0;
    std::deque<BitstreamBuffer*> pending_;  // submitted, waiting for the software encoder's packet
    std::deque<uint64_t> recent_timestamps_;
    Frame scratch_;
    std::vector<std::unique_ptr<InputBuffer>> inputs_;
    std::vector<std::unique_ptr<BitstreamBuffer>> bitstreams_;
    std::vector<std::unique_ptr<RegisteredResource>> registered_;
    std::vector<std::unique_ptr<MappedResource>> mapped_;
};

}  // namespace nvcast::emu

// libnvidia-encode.so.1 stand-in: the two exported entry points and the function
// table they hand out. Each table entry finds the session behind the handle (or
// fails like the driver) and forwards to it under the session's lock.
#include <algorithm>
#include <cstring>
#include <mutex>
#include <set>
#include <string>

#include "common/faults.h"
#include "cuda/cuda_emu.h"
#include "nvenc/emu.h"

#define EXPORT extern "C" __attribute__((visibility("default")))

namespace nvcast::emu {
namespace {

std::mutex g_sessions_mutex;
std::set<Session*> g_sessions;
std::string g_global_error;  // for calls that failed before a session existed

constexpr ApiVersion kMinApi{9, 0};

Session* lookup(void* encoder) {
    std::lock_guard lock(g_sessions_mutex);
    auto* s = static_cast<Session*>(encoder);
    return g_sessions.count(s) ? s : nullptr;
}

NVENCSTATUS global_fail(NVENCSTATUS status, const std::string& why) {
    std::lock_guard lock(g_sessions_mutex);
    g_global_error = why;
    return status;
}

template <typename F>
NVENCSTATUS with_session(void* encoder, F&& f) {
    Session* s = lookup(encoder);
    if (!s) return global_fail(NV_ENC_ERR_INVALID_ENCODERDEVICE, "encoder handle is not an open session");
    std::lock_guard lock(s->mutex);
    return f(*s);
}

NVENCSTATUS open_session_ex(NV_ENC_OPEN_ENCODE_SESSION_EX_PARAMS* p, void** encoder) {
    if (!p || !encoder) return global_fail(NV_ENC_ERR_INVALID_PTR, "NvEncOpenEncodeSessionEx: NULL argument");
    *encoder = nullptr;
    const ApiVersion api = api_from_packed(p->apiVersion);
    const uint32_t max = max_api_version();
    if (api.ordinal() > max || api.ordinal() < kMinApi.ordinal())
        return global_fail(NV_ENC_ERR_INVALID_VERSION,
                           "client API " + std::to_string(api.major) + "." + std::to_string(api.minor) +
                               " is not supported by this driver (max " + std::to_string(max >> 4) + "." +
                               std::to_string(max & 0xf) + ")");
    if (api.ordinal() > ((nvenc::kNewestKnownApiMajor << 4) | nvenc::kNewestKnownApiMinor))
        return global_fail(NV_ENC_ERR_INVALID_VERSION,
                           "client API " + std::to_string(api.major) + "." + std::to_string(api.minor) +
                               " is newer than the struct layouts the emulator knows (up to 12.0)");
    if (!struct_version_ok(p->version, api, 1, false))
        return global_fail(NV_ENC_ERR_INVALID_VERSION, "NV_ENC_OPEN_ENCODE_SESSION_EX_PARAMS.version is wrong");
    if (p->deviceType != NV_ENC_DEVICE_TYPE_CUDA)
        return global_fail(NV_ENC_ERR_UNSUPPORTED_DEVICE, "only CUDA devices are emulated");
    if (!p->device) return global_fail(NV_ENC_ERR_INVALID_PTR, "device is NULL");
    const int device = nvcast_emu_cuda_context_device(p->device);
    if (device < 0) return global_fail(NV_ENC_ERR_INVALID_DEVICE, "device is not a live CUDA context");
    const Faults faults = current_faults();
    if (faults.no_encoder || faults.no_encoder_device == device) return global_fail(NV_ENC_ERR_UNSUPPORTED_DEVICE, "this GPU has no NVENC engine");
    if (faults.device_lost_sticky && device_was_lost(faults))
        return global_fail(NV_ENC_ERR_DEVICE_NOT_EXIST, "the GPU is gone");
    if (faults.oom_at_open) return global_fail(NV_ENC_ERR_OUT_OF_MEMORY, "out of memory (emulated fault oom_at_open)");
    std::lock_guard lock(g_sessions_mutex);
    if (faults.session_limit > 0 && static_cast<int>(g_sessions.size()) >= faults.session_limit) {
        // The driver reports the concurrent-session limit as out of memory.
        g_global_error = "concurrent session limit reached (emulated fault session_limit)";
        return NV_ENC_ERR_OUT_OF_MEMORY;
    }
    auto* s = new Session(device, api);
    g_sessions.insert(s);
    *encoder = s;
    return NV_ENC_SUCCESS;
}

NVENCSTATUS NVENCAPI open_session_legacy(void*, uint32_t, void**) {
    return global_fail(NV_ENC_ERR_UNIMPLEMENTED, "NvEncOpenEncodeSession is deprecated; use NvEncOpenEncodeSessionEx");
}

NVENCSTATUS NVENCAPI get_guid_count(void* e, uint32_t* count) {
    return with_session(e, [&](Session& s) {
        if (!count) return s.fail(NV_ENC_ERR_INVALID_PTR, "count is NULL");
        *count = static_cast<uint32_t>(codec_guids(s.api()).size());
        return NV_ENC_SUCCESS;
    });
}

template <typename T>
NVENCSTATUS copy_list(Session& s, const std::vector<T>& list, T* out, uint32_t size, uint32_t* count) {
    if (!out || !count) return s.fail(NV_ENC_ERR_INVALID_PTR, "NULL argument");
    *count = std::min<uint32_t>(size, static_cast<uint32_t>(list.size()));
    std::copy(list.begin(), list.begin() + *count, out);
    return NV_ENC_SUCCESS;
}

NVENCSTATUS NVENCAPI get_guids(void* e, GUID* guids, uint32_t size, uint32_t* count) {
    return with_session(e, [&](Session& s) {
        return copy_list(s, codec_guids(s.api()), guids, size, count);
    });
}

NVENCSTATUS NVENCAPI get_profile_count(void* e, GUID codec, uint32_t* count) {
    return with_session(e, [&](Session& s) {
        if (!count) return s.fail(NV_ENC_ERR_INVALID_PTR, "count is NULL");
        const auto c = codec_of(codec, s.api());
        if (!c) return s.fail(NV_ENC_ERR_INVALID_PARAM, "unknown encode GUID");
        *count = static_cast<uint32_t>(profile_guids(*c).size());
        return NV_ENC_SUCCESS;
    });
}

NVENCSTATUS NVENCAPI get_profiles(void* e, GUID codec, GUID* out, uint32_t size, uint32_t* count) {
    return with_session(e, [&](Session& s) {
        const auto c = codec_of(codec, s.api());
        if (!c) return s.fail(NV_ENC_ERR_INVALID_PARAM, "unknown encode GUID");
        return copy_list(s, profile_guids(*c), out, size, count);
    });
}

NVENCSTATUS NVENCAPI get_input_format_count(void* e, GUID codec, uint32_t* count) {
    return with_session(e, [&](Session& s) {
        if (!count) return s.fail(NV_ENC_ERR_INVALID_PTR, "count is NULL");
        const auto c = codec_of(codec, s.api());
        if (!c) return s.fail(NV_ENC_ERR_INVALID_PARAM, "unknown encode GUID");
        *count = static_cast<uint32_t>(input_formats(*c).size());
        return NV_ENC_SUCCESS;
    });
}

NVENCSTATUS NVENCAPI get_input_formats(void* e, GUID codec, NV_ENC_BUFFER_FORMAT* out, uint32_t size, uint32_t* count) {
    return with_session(e, [&](Session& s) {
        const auto c = codec_of(codec, s.api());
        if (!c) return s.fail(NV_ENC_ERR_INVALID_PARAM, "unknown encode GUID");
        return copy_list(s, input_formats(*c), out, size, count);
    });
}

NVENCSTATUS NVENCAPI get_caps(void* e, GUID codec, NV_ENC_CAPS_PARAM* param, int* value) {
    return with_session(e, [&](Session& s) {
        if (!param || !value) return s.fail(NV_ENC_ERR_INVALID_PTR, "NULL argument");
        if (!struct_version_ok(param->version, s.api(), 1, false))
            return s.fail(NV_ENC_ERR_INVALID_VERSION, "NV_ENC_CAPS_PARAM.version does not match the session's API");
        const auto c = codec_of(codec, s.api());
        if (!c) return s.fail(NV_ENC_ERR_INVALID_PARAM, "unknown encode GUID");
        uint32_t raw = 0;  // read as an integer: a client may pass a value outside the enum
        std::memcpy(&raw, &param->capsToQuery, sizeof raw);
        if (raw >= NV_ENC_CAPS_EXPOSED_COUNT) return s.fail(NV_ENC_ERR_INVALID_PARAM, "unknown capability " + std::to_string(raw));
        const int v = caps_value(*c, static_cast<NV_ENC_CAPS>(raw));
        if (v < 0) return s.fail(NV_ENC_ERR_INVALID_PARAM, "unknown capability " + std::to_string(raw));
        *value = v;
        return NV_ENC_SUCCESS;
    });
}

NVENCSTATUS NVENCAPI get_preset_count(void* e, GUID codec, uint32_t* count) {
    return with_session(e, [&](Session& s) {
        if (!count) return s.fail(NV_ENC_ERR_INVALID_PTR, "count is NULL");
        if (!codec_of(codec, s.api())) return s.fail(NV_ENC_ERR_INVALID_PARAM, "unknown encode GUID");
        *count = static_cast<uint32_t>(preset_guids(s.api()).size());
        return NV_ENC_SUCCESS;
    });
}

NVENCSTATUS NVENCAPI get_presets(void* e, GUID codec, GUID* out, uint32_t size, uint32_t* count) {
    return with_session(e, [&](Session& s) {
        if (!codec_of(codec, s.api())) return s.fail(NV_ENC_ERR_INVALID_PARAM, "unknown encode GUID");
        return copy_list(s, preset_guids(s.api()), out, size, count);
    });
}

NVENCSTATUS preset_config(Session& s, GUID codec, GUID preset, NV_ENC_TUNING_INFO tuning, NV_ENC_PRESET_CONFIG* out) {
    if (!out) return s.fail(NV_ENC_ERR_INVALID_PTR, "presetConfig is NULL");
    if (!struct_version_ok(out->version, s.api(), 4, true))
        return s.fail(NV_ENC_ERR_INVALID_VERSION, "NV_ENC_PRESET_CONFIG.version does not match the session's API");
    if (!struct_version_ok(out->presetCfg.version, s.api(), s.api().revisions().config, true))
        return s.fail(NV_ENC_ERR_INVALID_VERSION, "NV_ENC_PRESET_CONFIG.presetCfg.version does not match the session's API");
    const auto c = codec_of(codec, s.api());
    if (!c) return s.fail(NV_ENC_ERR_INVALID_PARAM, "unknown encode GUID");
    const int p = preset_index(preset);
    if (!p) return s.fail(NV_ENC_ERR_INVALID_PARAM, "unknown preset GUID");
    if (tuning >= NV_ENC_TUNING_INFO_COUNT) return s.fail(NV_ENC_ERR_INVALID_PARAM, "tuningInfo out of range");
    fill_preset_config(*c, p, tuning, s.api(), out->presetCfg);
    return NV_ENC_SUCCESS;
}

NVENCSTATUS NVENCAPI get_preset_config(void* e, GUID codec, GUID preset, NV_ENC_PRESET_CONFIG* out) {
    return with_session(e, [&](Session& s) { return preset_config(s, codec, preset, NV_ENC_TUNING_INFO_HIGH_QUALITY, out); });
}

NVENCSTATUS NVENCAPI get_preset_config_ex(void* e, GUID codec, GUID preset, NV_ENC_TUNING_INFO tuning,
                                          NV_ENC_PRESET_CONFIG* out) {
    return with_session(e, [&](Session& s) { return preset_config(s, codec, preset, tuning, out); });
}

#define FORWARD(name, method, ParamType)                                                      \
    NVENCSTATUS NVENCAPI name(void* e, ParamType p) {                                         \
        return with_session(e, [&](Session& s) { return s.method(p); });                      \
    }
FORWARD(initialize, initialize, NV_ENC_INITIALIZE_PARAMS*)
FORWARD(create_input, create_input, NV_ENC_CREATE_INPUT_BUFFER*)
FORWARD(destroy_input, destroy_input, NV_ENC_INPUT_PTR)
FORWARD(create_bitstream, create_bitstream, NV_ENC_CREATE_BITSTREAM_BUFFER*)
FORWARD(destroy_bitstream, destroy_bitstream, NV_ENC_OUTPUT_PTR)
FORWARD(encode_picture, encode, NV_ENC_PIC_PARAMS*)
FORWARD(lock_bitstream, lock_bitstream, NV_ENC_LOCK_BITSTREAM*)
FORWARD(unlock_bitstream, unlock_bitstream, NV_ENC_OUTPUT_PTR)
FORWARD(lock_input, lock_input, NV_ENC_LOCK_INPUT_BUFFER*)
FORWARD(unlock_input, unlock_input, NV_ENC_INPUT_PTR)
FORWARD(sequence_params, sequence_params, NV_ENC_SEQUENCE_PARAM_PAYLOAD*)
FORWARD(map_resource, map_resource, NV_ENC_MAP_INPUT_RESOURCE*)
FORWARD(unmap_resource, unmap_resource, NV_ENC_INPUT_PTR)
FORWARD(register_resource, register_resource, NV_ENC_REGISTER_RESOURCE*)
FORWARD(unregister_resource, unregister_resource, NV_ENC_REGISTERED_PTR)
FORWARD(reconfigure, reconfigure, NV_ENC_RECONFIGURE_PARAMS*)
FORWARD(invalidate_refs, invalidate, uint64_t)
#undef FORWARD

NVENCSTATUS NVENCAPI get_stats(void* e, NV_ENC_STAT*) {
    return with_session(e, [&](Session& s) { return s.fail(NV_ENC_ERR_UNIMPLEMENTED, "NvEncGetEncodeStats is not emulated"); });
}

NVENCSTATUS NVENCAPI async_event(void* e, NV_ENC_EVENT_PARAMS*) {
    return with_session(e, [&](Session& s) {
        return s.fail(NV_ENC_ERR_UNIMPLEMENTED, "asynchronous events are Windows-only");
    });
}

NVENCSTATUS NVENCAPI destroy_encoder(void* e) {
    Session* s = nullptr;
    {
        std::lock_guard lock(g_sessions_mutex);
        s = static_cast<Session*>(e);
        if (!g_sessions.erase(s)) {
            g_global_error = "encoder handle is not an open session";
            return NV_ENC_ERR_INVALID_ENCODERDEVICE;
        }
    }
    delete s;
    return NV_ENC_SUCCESS;
}

NVENCSTATUS no_me(void* e) {
    return with_session(e, [&](Session& s) { return s.fail(NV_ENC_ERR_UNIMPLEMENTED, "motion-estimation-only mode is not emulated"); });
}
NVENCSTATUS NVENCAPI create_mv(void* e, NV_ENC_CREATE_MV_BUFFER*) { return no_me(e); }
NVENCSTATUS NVENCAPI destroy_mv(void* e, NV_ENC_OUTPUT_PTR) { return no_me(e); }
NVENCSTATUS NVENCAPI run_me(void* e, NV_ENC_MEONLY_PARAMS*) { return no_me(e); }

NVENCSTATUS NVENCAPI set_io_streams(void* e, NV_ENC_CUSTREAM_PTR, NV_ENC_CUSTREAM_PTR) {
    return with_session(e, [&](Session&) { return NV_ENC_SUCCESS; });  // everything is synchronous
}

NVENCSTATUS NVENCAPI sequence_param_ex(void* e, NV_ENC_INITIALIZE_PARAMS*, NV_ENC_SEQUENCE_PARAM_PAYLOAD* p) {
    return with_session(e, [&](Session& s) { return s.sequence_params(p); });
}

const char* NVENCAPI last_error(void* e) {
    if (Session* s = lookup(e)) return s->last_error();
    std::lock_guard lock(g_sessions_mutex);
    return g_global_error.c_str();
}

NVENCSTATUS NVENCAPI open_session_ex_api(NV_ENC_OPEN_ENCODE_SESSION_EX_PARAMS* p, void** encoder) {
    return open_session_ex(p, encoder);
}

}  // namespace
}  // namespace nvcast::emu

using namespace nvcast::emu;

EXPORT NVENCSTATUS NVENCAPI NvEncodeAPIGetMaxSupportedVersion(uint32_t* version) {
    if (!version) return NV_ENC_ERR_INVALID_PTR;
    *version = max_api_version();
    return NV_ENC_SUCCESS;
}

EXPORT NVENCSTATUS NVENCAPI NvEncodeAPICreateInstance(NV_ENCODE_API_FUNCTION_LIST* list) {
    if (!list) return NV_ENC_ERR_INVALID_PTR;
    const ApiVersion api = api_from_packed(list->version & 0x0f00ffffu);
    if (api.ordinal() > max_api_version() || !struct_version_ok(list->version, api, 2, false))
        return NV_ENC_ERR_INVALID_VERSION;
    const uint32_t version = list->version;
    *list = NV_ENCODE_API_FUNCTION_LIST{};
    list->version = version;
    list->nvEncOpenEncodeSession = open_session_legacy;
    list->nvEncGetEncodeGUIDCount = get_guid_count;
    list->nvEncGetEncodeProfileGUIDCount = get_profile_count;
    list->nvEncGetEncodeProfileGUIDs = get_profiles;
    list->nvEncGetEncodeGUIDs = get_guids;
    list->nvEncGetInputFormatCount = get_input_format_count;
    list->nvEncGetInputFormats = get_input_formats;
    list->nvEncGetEncodeCaps = get_caps;
    list->nvEncGetEncodePresetCount = get_preset_count;
    list->nvEncGetEncodePresetGUIDs = get_presets;
    list->nvEncGetEncodePresetConfig = get_preset_config;
    list->nvEncGetEncodePresetConfigEx = get_preset_config_ex;
    list->nvEncInitializeEncoder = initialize;
    list->nvEncCreateInputBuffer = create_input;
    list->nvEncDestroyInputBuffer = destroy_input;
    list->nvEncCreateBitstreamBuffer = create_bitstream;
    list->nvEncDestroyBitstreamBuffer = destroy_bitstream;
    list->nvEncEncodePicture = encode_picture;
    list->nvEncLockBitstream = lock_bitstream;
    list->nvEncUnlockBitstream = unlock_bitstream;
    list->nvEncLockInputBuffer = lock_input;
    list->nvEncUnlockInputBuffer = unlock_input;
    list->nvEncGetEncodeStats = get_stats;
    list->nvEncGetSequenceParams = sequence_params;
    list->nvEncGetSequenceParamEx = sequence_param_ex;
    list->nvEncRegisterAsyncEvent = async_event;
    list->nvEncUnregisterAsyncEvent = async_event;
    list->nvEncMapInputResource = map_resource;
    list->nvEncUnmapInputResource = unmap_resource;
    list->nvEncDestroyEncoder = destroy_encoder;
    list->nvEncInvalidateRefFrames = invalidate_refs;
    list->nvEncOpenEncodeSessionEx = open_session_ex_api;
    list->nvEncRegisterResource = register_resource;
    list->nvEncUnregisterResource = unregister_resource;
    list->nvEncReconfigureEncoder = reconfigure;
    list->nvEncCreateMVBuffer = create_mv;
    list->nvEncDestroyMVBuffer = destroy_mv;
    list->nvEncRunMotionEstimationOnly = run_me;
    list->nvEncGetLastErrorString = last_error;
    list->nvEncSetIOCudaStreams = set_io_streams;
    return NV_ENC_SUCCESS;
}

// Faults the emulator injects on request, read from NVCAST_EMU_FAULTS, e.g.
//   NVCAST_EMU_FAULTS="session_limit=2,oom_at_open,device_lost_at=30,gpu_name=NVIDIA H200,no_encoder"
// (also: no_encoder_device=N, device_lost_sticky, oom_at_buffer=N)
// The NVDEC emulator (emu/nvdec) reads nvdec_map_fail_at=N and nvdec_decode_fail_at=N from the same variable.
// The variable is read again on every session open (and by cuInit/cuDeviceGetName),
// so a test can change it between sessions. Other knobs:
//   NVCAST_EMU_API_VERSION="11.0"  highest NVENC API the emulated driver reports (default 12.0,
//                                  the newest whose structs the emulator knows)
//   NVCAST_EMU_DEVICES=N           number of emulated CUDA devices (default 1)
#pragma once

#include <cstdint>
#include <string>

namespace nvcast::emu {

struct Faults {
    int session_limit = 0;        // concurrent sessions per process; 0 = unlimited
    bool oom_at_open = false;     // nvEncOpenEncodeSessionEx fails with NV_ENC_ERR_OUT_OF_MEMORY
    int64_t device_lost_at = -1;  // the Nth frame submitted in this process (0-based) loses the device, once
    bool device_lost_sticky = false;  // after the loss, every new session fails too (device gone for good)
    std::string gpu_name;         // reported by cuDeviceGetName; "" = default emulated name
    bool no_encoder = false;      // the GPU has no NVENC engine: opening a session fails
    int no_encoder_device = -1;   // only this CUDA device has no NVENC engine
    int oom_at_buffer = -1;       // the Nth nvEncCreateInputBuffer in a session fails with out of memory
    bool no_av1 = false;          // the NVENC engine has no AV1 encoder (GPUs before Ada)
    std::string raw;              // the variable's text, to notice changes
};

// Current faults (parses the environment variable; cheap).
Faults current_faults();

// Global frame counter for device_lost_at: returns true when this submission is the one that fails.
// Resets when the fault text changes.
bool consume_frame_and_check_device_lost(const Faults& faults);
// True once a device loss was injected under the current fault text.
bool device_was_lost(const Faults& faults);

// Default name of emulated GPU `ordinal`.
std::string gpu_name(int ordinal);

// NVCAST_EMU_API_VERSION parsed as (major << 4) | minor, like NvEncodeAPIGetMaxSupportedVersion.
uint32_t max_api_version();

}  // namespace nvcast::emu

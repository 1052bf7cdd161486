// Private interface between the two emulator libraries: the NVENC emulator asks the
// CUDA emulator whether a context or a device pointer is real, as the driver would.
#pragma once

#include <cstdint>

extern "C" {
// Device ordinal of a live emulated context, or -1 when `ctx` is not one.
int nvcast_emu_cuda_context_device(const void* ctx);
// 1 when [ptr, ptr + bytes) lies inside one live emulated device allocation.
int nvcast_emu_cuda_is_device_range(uint64_t ptr, uint64_t bytes);
}

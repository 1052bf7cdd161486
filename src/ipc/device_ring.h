// A frame ring in CUDA device memory shared by two processes without copies: one virtual-memory
// allocation (cuMemCreate) exported once as a POSIX file descriptor, which the other process
// imports and maps once; and per slot two inter-process CUDA events for ordering on the GPU's
// side: `ready` (recorded by the publisher after the slot's pixels were written) and `released`
// (recorded by the subscriber after its reads). Both sides record on the legacy default stream,
// which orders after all work queued before on the process's blocking streams; sources and
// encoders that use their own non-blocking streams finish with a frame before handing it on (the
// FrameSource and Encoder contracts), so the events also cover them.
//
// Built with CUDA only; without it create() and import() throw Error(Unavailable).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "ipc/frame_channel.h"

namespace nvcast::ipc {

class DeviceRing {
public:
    DeviceRing();
    ~DeviceRing();
    DeviceRing(DeviceRing&&) noexcept;
    DeviceRing& operator=(DeviceRing&&) noexcept;

    // The publisher: `bytes` of device memory on the calling thread's current CUDA device and
    // events for `slots` slots.
    static DeviceRing create(size_t bytes, int slots);
    // The subscriber: maps the allocation `fd` exports (taking the descriptor and closing it) on
    // the device `wire` names, and opens its events. Error(Unavailable) when this process does not
    // see that device (e.g. another CUDA_VISIBLE_DEVICES).
    static DeviceRing import(int fd, const DeviceRingWire& wire, int slots);

    bool valid() const noexcept { return impl_ != nullptr; }
    uint8_t* data() const noexcept;
    int fd() const noexcept;                     // the publisher's exported descriptor
    const DeviceRingWire& wire() const noexcept;  // what the Hello carries

    // The publisher: fresh `released` events (after losing a subscriber whose recordings may
    // never complete), so wire() changes.
    void renew_released_events();

    void mark_ready(int slot);                // publisher, after writing the slot
    void wait_ready(int slot) const;          // subscriber, before handing the frame out
    void mark_released(int slot) noexcept;    // subscriber, when the frame's last copy is gone
    void wait_released(int slot) const;       // publisher, before the slot is written again

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace nvcast::ipc

// A frame ring in CUDA device memory shared by two processes without copies: one virtual-memory
// allocation (cuMemCreate) exported once as a POSIX file descriptor, which the other process
// imports and maps once. Ordering on the GPU's side uses two 64-bit flags per slot inside the same
// allocation, written in stream order (cuStreamWriteValue64): `ready` (the publisher's writes of a
// frame are done) and `released` (the subscriber's reads are done). Each frame sent through a slot
// has a token larger than any before it, so "flag >= token" means done, whoever wrote last, and a
// peer that died leaves nothing to clean up: no event, semaphore or /dev/shm object exists.
//
// Both sides write the flags on the legacy default stream, which orders after all work queued
// before on the process's blocking streams; sources and encoders that use non-blocking streams
// finish with a frame before handing it on (the FrameSource and Encoder contracts), so the flags
// also cover them.
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

    // The publisher: `bytes` of frame slots (and the flags after them) on the calling thread's
    // current CUDA device.
    static DeviceRing create(size_t bytes);
    // The subscriber: maps the allocation `fd` exports (taking the descriptor and closing it) on
    // the device `wire` names. Error(Unavailable) when this process does not see that device
    // (e.g. another CUDA_VISIBLE_DEVICES).
    static DeviceRing import(int fd, const DeviceRingWire& wire);

    bool valid() const noexcept { return impl_ != nullptr; }
    uint8_t* data() const noexcept;
    int fd() const noexcept;                      // the publisher's exported descriptor
    const DeviceRingWire& wire() const noexcept;  // what the Hello carries

    // Queue "set the slot's flag to `token`" after the work queued so far, and read a flag now.
    void mark_ready(int slot, uint64_t token);               // publisher, after writing the slot
    void mark_released(int slot, uint64_t token) noexcept;   // subscriber, when the frame's last copy is gone
    uint64_t ready_token(int slot) const;
    uint64_t released_token(int slot) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace nvcast::ipc

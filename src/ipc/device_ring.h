// A frame ring in CUDA device memory shared by two processes without copies: one virtual-memory
// allocation (cuMemCreate) exported once as a POSIX file descriptor, which the other process
// imports and maps once. Each slot has a 64-bit `released` flag that the subscriber's GPU writes
// in stream order (cuStreamWriteValue64) once its reads of the slot's frame are done; the
// publisher does not overwrite the slot before. The flags live in a small shared host page (a
// memfd, passed beside the allocation, which the subscriber registers with CUDA), so the
// publisher reads them with a plain load: no CUDA call, copy or synchronisation per frame. Each
// frame sent through a slot has a token larger than any before it, so "flag >= token" means done,
// whoever wrote last, and a peer that died leaves nothing to clean up: no event, semaphore or
// /dev/shm object exists.
//
// The other direction needs no flag: a published frame is complete (FramePublisher::publish()),
// so the message that announces it is all the subscriber waits for.
//
// The subscriber writes the flags on the legacy default stream, which orders after all work
// queued before on the process's blocking streams; encoders that use non-blocking streams finish
// with a frame before dropping it (the Encoder contract), so the flags also cover them.
//
// Built with CUDA only; without it create() and import() throw Error(Unavailable).
#pragma once

#include <array>
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

    // The publisher: `bytes` of frame slots on the calling thread's current CUDA device, and the
    // flags page.
    static DeviceRing create(size_t bytes);
    // The subscriber: maps the allocation `ring_fd` exports and the flags page `flags_fd` (taking
    // both descriptors) on the device `wire` names. Error(Unavailable) when this process does not
    // see that device (e.g. another CUDA_VISIBLE_DEVICES).
    static DeviceRing import(int ring_fd, int flags_fd, const DeviceRingWire& wire);

    bool valid() const noexcept { return impl_ != nullptr; }
    uint8_t* data() const noexcept;
    std::array<int, 2> fds() const noexcept;      // the publisher's exports: allocation, flags page
    const DeviceRingWire& wire() const noexcept;  // what the Hello carries

    // The subscriber, when the frame's last copy is gone: queues "set the slot's flag to `token`"
    // after the GPU work queued so far.
    void mark_released(int slot, uint64_t token) noexcept;
    // The publisher: the slot's flag now (a load from shared host memory).
    uint64_t released_token(int slot) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace nvcast::ipc

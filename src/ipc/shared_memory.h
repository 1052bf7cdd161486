// Anonymous shared memory (memfd): created by one process, mapped by another from the descriptor
// it receives. Unmapped and closed by the destructor; nothing is ever named in /dev/shm.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nvcast::ipc {

class SharedMemory {
public:
    SharedMemory() = default;
    ~SharedMemory();
    SharedMemory(SharedMemory&& other) noexcept;
    SharedMemory& operator=(SharedMemory&& other) noexcept;
    SharedMemory(const SharedMemory&) = delete;
    SharedMemory& operator=(const SharedMemory&) = delete;

    // New zero-filled memory of `bytes`; keeps its descriptor to pass on. Error(ResourceExhausted) on failure.
    static SharedMemory create(size_t bytes, const char* debug_name);
    // Maps `fd` (taking ownership of it and closing it once mapped); Error(InvalidData) when the
    // descriptor holds fewer than `bytes`.
    static SharedMemory map(int fd, size_t bytes);

    uint8_t* data() const noexcept { return data_; }
    size_t size() const noexcept { return size_; }
    int fd() const noexcept { return fd_; }  // -1 for a mapping received from another process

private:
    uint8_t* data_ = nullptr;
    size_t size_ = 0;
    int fd_ = -1;
};

}  // namespace nvcast::ipc

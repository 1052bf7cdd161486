#include "ipc/shared_memory.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "nvcast/error.h"

namespace nvcast::ipc {

SharedMemory::~SharedMemory() {
    if (data_) ::munmap(data_, size_);
    if (fd_ >= 0) ::close(fd_);
}

SharedMemory::SharedMemory(SharedMemory&& other) noexcept : data_(other.data_), size_(other.size_), fd_(other.fd_) {
    other.data_ = nullptr;
    other.fd_ = -1;
}

SharedMemory& SharedMemory::operator=(SharedMemory&& other) noexcept {
    std::swap(data_, other.data_);  // other's destructor releases what this held
    std::swap(size_, other.size_);
    std::swap(fd_, other.fd_);
    return *this;
}

SharedMemory SharedMemory::create(size_t bytes, const char* debug_name) {
    SharedMemory m;
    m.fd_ = ::memfd_create(debug_name, MFD_CLOEXEC);
    if (m.fd_ < 0) throw Error(ErrorCode::ResourceExhausted, std::string("ipc: memfd_create failed: ") + std::strerror(errno));
    if (::ftruncate(m.fd_, static_cast<off_t>(bytes)) != 0)
        throw Error(ErrorCode::ResourceExhausted,
                    "ipc: cannot size shared memory to " + std::to_string(bytes) + " bytes: " + std::strerror(errno));
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, m.fd_, 0);
    if (p == MAP_FAILED) throw Error(ErrorCode::ResourceExhausted, std::string("ipc: mmap failed: ") + std::strerror(errno));
    m.data_ = static_cast<uint8_t*>(p);
    m.size_ = bytes;
    return m;
}

SharedMemory SharedMemory::map(int fd, size_t bytes) {
    SharedMemory m;
    m.fd_ = fd;  // closed by the destructor on any error below
    struct stat st {};
    if (::fstat(fd, &st) != 0 || static_cast<size_t>(st.st_size) < bytes)
        throw Error(ErrorCode::InvalidData, "ipc: the shared frame ring is smaller than announced");
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) throw Error(ErrorCode::ResourceExhausted, std::string("ipc: mmap failed: ") + std::strerror(errno));
    m.data_ = static_cast<uint8_t*>(p);
    m.size_ = bytes;
    ::close(m.fd_);
    m.fd_ = -1;
    return m;
}

}  // namespace nvcast::ipc

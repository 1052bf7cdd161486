// MD5 (RFC 1321), for comparing decoded frames with reference hashes made by `ffmpeg -f framemd5`.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace nvcast::test {

class Md5 {
public:
    Md5();
    void update(const uint8_t* data, size_t size);
    std::string hex();  // finishes; the object is spent

private:
    void block(const uint8_t* p);
    std::array<uint32_t, 4> state_;
    uint8_t buffer_[64] = {};
    size_t buffered_ = 0;
    uint64_t length_ = 0;
};

}  // namespace nvcast::test

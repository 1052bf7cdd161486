// Buffered binary file reading that tells "clean end" from "truncated" (internal).
#pragma once

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <cstdint>
#include <string>

#include "nvcast/error.h"

namespace nvcast {

class FileReader {
public:
    explicit FileReader(const std::string& path) : path_(path) {
        file_ = std::fopen(path.c_str(), "rb");
        if (!file_) throw Error(ErrorCode::Io, "cannot open input '" + path + "': " + std::strerror(errno));
        std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
    }
    ~FileReader() { std::fclose(file_); }
    FileReader(const FileReader&) = delete;
    FileReader& operator=(const FileReader&) = delete;

    // Reads up to n bytes; returns how many were read (short only at end of file).
    size_t read(void* dst, size_t n) { return std::fread(dst, 1, n, file_); }
    int getc() { return std::fgetc(file_); }
    int64_t size() const {
        const long pos = std::ftell(file_);
        std::fseek(file_, 0, SEEK_END);
        const long end = std::ftell(file_);
        std::fseek(file_, pos, SEEK_SET);
        return end;
    }
    const std::string& path() const { return path_; }

private:
    std::string path_;
    std::FILE* file_ = nullptr;
};

// Reads one frame's planes (rows tightly packed in the file) into `frame`.
// Returns bytes read; fewer than a whole frame means truncation (0 = clean end).
size_t read_planes(FileReader& reader, class Frame& frame);

}  // namespace nvcast

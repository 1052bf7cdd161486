// A binary output file that reports open/write failures by path (internal).
#pragma once

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "nvcast/error.h"

namespace nvcast {

class OutputFile {
public:
    explicit OutputFile(const std::string& path) : path_(path) {
        file_ = std::fopen(path.c_str(), "wb");
        if (!file_) throw Error(ErrorCode::Io, "cannot write output '" + path + "': " + std::strerror(errno));
    }
    ~OutputFile() {
        if (file_) std::fclose(file_);
    }
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;

    void write(const void* data, size_t n) {
        if (n && std::fwrite(data, 1, n, file_) != n)
            throw Error(ErrorCode::Io, "writing '" + path_ + "' failed: " + std::strerror(errno));
    }
    void seek(long offset) { std::fseek(file_, offset, SEEK_SET); }
    void close() {
        if (!file_) return;
        const bool ok = std::fflush(file_) == 0;
        std::fclose(file_);
        file_ = nullptr;
        if (!ok) throw Error(ErrorCode::Io, "finishing '" + path_ + "' failed: " + std::strerror(errno));
    }
    bool is_open() const { return file_ != nullptr; }

private:
    std::string path_;
    std::FILE* file_ = nullptr;
};

}  // namespace nvcast

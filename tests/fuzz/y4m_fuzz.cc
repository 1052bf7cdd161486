// libFuzzer target for the Y4M reader: header tags, frame markers and truncation. The input is
// written to an in-memory file; the reader may refuse it (nvcast::Error) but never crash.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "nvcast/error.h"
#include "nvcast/source.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const int fd = memfd_create("y4m", 0);
    if (fd < 0) return 0;
    if (write(fd, data, size) != static_cast<ssize_t>(size)) {
        close(fd);
        return 0;
    }
    try {
        auto source = nvcast::open_y4m("/proc/self/fd/" + std::to_string(fd));
        nvcast::Frame frame;
        for (int i = 0; i < 8 && source->read(frame); ++i) {
        }
    } catch (const nvcast::Error&) {
    }
    close(fd);
    return 0;
}

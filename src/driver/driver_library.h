// Run-time loading of NVIDIA driver libraries (libcuda, libnvidia-encode, libnvcuvid): never
// linked, so one binary runs with or without the driver. One place for the path rule (a test
// hook variable, else the soname), the errors, and loading each path once.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace nvcast::driver {

// `env` when set (tests point it at the emulator in emu/), else the default soname.
std::string library_path(const char* env, const char* soname);
// dlopen(RTLD_NOW, plus RTLD_GLOBAL when `global`); throws Error(Unavailable):
// "<missing>: cannot load <what> (<path>): <loader's reason> — <remedy>".
void* open_library(const std::string& path, bool global, const std::string& missing, const std::string& what,
                   const std::string& remedy);
// A symbol of `lib`; throws Error(Unavailable) "<what> <path> lacks <name> (<too_old>)".
void* library_symbol(void* lib, const char* name, const std::string& what, const std::string& path,
                     const char* too_old);

template <typename Fn>
void bind_symbol(void* lib, Fn*& fn, const char* name, const std::string& what, const std::string& path,
                 const char* too_old) {
    fn = reinterpret_cast<Fn*>(library_symbol(lib, name, what, path, too_old));
}

// The table `load` makes for `path`, made once per path and kept for the process (callers hold
// pointers into it).
template <typename Api>
const Api& load_once(const std::string& path, std::unique_ptr<Api> (*load)(const std::string&)) {
    static std::mutex mutex;
    static std::map<std::string, std::unique_ptr<Api>> loaded;
    std::lock_guard lock(mutex);
    auto& slot = loaded[path];
    if (!slot) slot = load(path);
    return *slot;
}

}  // namespace nvcast::driver

#include "driver/driver_library.h"

#include <dlfcn.h>

#include <cstdlib>

#include "nvcast/error.h"

namespace nvcast::driver {

std::string library_path(const char* env, const char* soname) {
    const char* v = std::getenv(env);
    return v && *v ? v : soname;
}

void* open_library(const std::string& path, bool global, const std::string& missing, const std::string& what,
                   const std::string& remedy) {
    void* lib = ::dlopen(path.c_str(), RTLD_NOW | (global ? RTLD_GLOBAL : 0));
    if (!lib) {
        const char* why = ::dlerror();
        throw Error(ErrorCode::Unavailable,
                    missing + ": cannot load " + what + " (" + path + "): " + (why ? why : "unknown error") + " — " +
                        remedy);
    }
    return lib;
}

void* library_symbol(void* lib, const char* name, const std::string& what, const std::string& path,
                     const char* too_old) {
    void* fn = ::dlsym(lib, name);
    if (!fn) throw Error(ErrorCode::Unavailable, what + " " + path + " lacks " + name + " (" + too_old + ")");
    return fn;
}

}  // namespace nvcast::driver

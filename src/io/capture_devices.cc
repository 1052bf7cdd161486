#include "io/capture_devices.h"

#include <dlfcn.h>

#include <mutex>
#include <string>
#include <vector>

#include "nvcast/features.h"
#include "nvcast/source.h"

#if NVCAST_HAVE_LIBAVDEVICE
extern "C" {
#include <libavdevice/avdevice.h>
#include <libavdevice/version.h>
#include <libavformat/avformat.h>
}
#endif

namespace nvcast {
namespace {

#if NVCAST_HAVE_LIBAVDEVICE
// The entry points used, from the library of the version nvcast was built against.
struct AvDevice {
    decltype(&avdevice_register_all) register_all = nullptr;
    decltype(&av_input_video_device_next) next_video_input = nullptr;
    decltype(&avdevice_list_input_sources) list_sources = nullptr;
    decltype(&avdevice_free_list_devices) free_list = nullptr;
};

AvDevice& avdevice() {
    static AvDevice api;
    return api;
}
#endif

}  // namespace

const std::string& load_capture_devices() {
    static std::once_flag once;
    static std::string why;
    std::call_once(once, [] {
#if NVCAST_HAVE_LIBAVDEVICE
        const std::string soname = "libavdevice.so." + std::to_string(LIBAVDEVICE_VERSION_MAJOR);
        void* lib = ::dlopen(soname.c_str(), RTLD_NOW);  // kept for the process: devices stay registered
        AvDevice& api = avdevice();
        if (lib) {
            api.register_all = reinterpret_cast<decltype(api.register_all)>(::dlsym(lib, "avdevice_register_all"));
            api.next_video_input =
                reinterpret_cast<decltype(api.next_video_input)>(::dlsym(lib, "av_input_video_device_next"));
            api.list_sources = reinterpret_cast<decltype(api.list_sources)>(::dlsym(lib, "avdevice_list_input_sources"));
            api.free_list = reinterpret_cast<decltype(api.free_list)>(::dlsym(lib, "avdevice_free_list_devices"));
        }
        if (!lib) {
            const char* error = ::dlerror();
            why = "cannot load " + soname + ": " + (error ? error : "unknown error") + " (install libavdevice" +
                  std::to_string(LIBAVDEVICE_VERSION_MAJOR) + ")";
        } else if (!api.register_all || !api.next_video_input || !api.list_sources || !api.free_list) {
            why = soname + " lacks the device API nvcast was built against";
        } else {
            api.register_all();
        }
#else
        why = "this build of nvcast has no capture support (built without libavdevice's headers)";
#endif
    });
    return why;
}

std::vector<std::string> list_capture_inputs() {
    std::vector<std::string> lines;
    if (const std::string& why = load_capture_devices(); !why.empty()) return {"no capture devices: " + why};
#if NVCAST_HAVE_LIBAVDEVICE
    const AvDevice& api = avdevice();
    for (const AVInputFormat* f = api.next_video_input(nullptr); f; f = api.next_video_input(f)) {
        const std::string device = f->name;
        AVDeviceInfoList* list = nullptr;
        // Devices that can enumerate their sources (V4L2 lists /dev/video*); others take a target by name.
        if (api.list_sources(f, nullptr, nullptr, &list) >= 0 && list) {
            for (int i = 0; i < list->nb_devices; ++i)
                lines.push_back(device + ":" + list->devices[i]->device_name + " — " +
                                list->devices[i]->device_description);
            if (list->nb_devices == 0)
                lines.push_back(device + ": — " + (f->long_name ? f->long_name : "") + " (none found)");
            api.free_list(&list);
        } else {
            const std::string hint = device == "x11grab" ? "x11grab::0.0 (the X display, e.g. :0.0+0,0)"
                                     : device == "lavfi" ? "lavfi:testsrc2=size=1280x720:rate=30 (a filter graph)"
                                                         : device + ":TARGET";
            lines.push_back(hint + " — " + (f->long_name ? f->long_name : ""));
        }
    }
#endif
    return lines;
}

}  // namespace nvcast

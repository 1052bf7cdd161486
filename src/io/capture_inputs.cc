// The capture devices this build can open (libavdevice), for `nvcast probe --inputs`.
#include <string>
#include <vector>

#include "nvcast/features.h"
#include "nvcast/source.h"

#if NVCAST_HAVE_LIBAVDEVICE
extern "C" {
#include <libavdevice/avdevice.h>
#include <libavformat/avformat.h>
}
#endif

namespace nvcast {

std::vector<std::string> list_capture_inputs() {
    std::vector<std::string> lines;
#if NVCAST_HAVE_LIBAVDEVICE
    avdevice_register_all();
    for (const AVInputFormat* f = av_input_video_device_next(nullptr); f; f = av_input_video_device_next(f)) {
        const std::string device = f->name;
        AVDeviceInfoList* list = nullptr;
        // Devices that can enumerate their sources (V4L2 lists /dev/video*); others take a target by name.
        if (avdevice_list_input_sources(f, nullptr, nullptr, &list) >= 0 && list) {
            for (int i = 0; i < list->nb_devices; ++i)
                lines.push_back(device + ":" + list->devices[i]->device_name + " — " +
                                list->devices[i]->device_description);
            if (list->nb_devices == 0) lines.push_back(device + ": — " + (f->long_name ? f->long_name : "") + " (none found)");
            avdevice_free_list_devices(&list);
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

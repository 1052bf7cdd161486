// libavdevice (V4L2 cameras, the X11 screen, filter graphs), loaded at run time on first use: its
// devices drag in audio and display libraries (ALSA, PulseAudio, OpenAL, SDL, X11, VA-API) that
// a process reading files or encoding has no use for, so libnvcast does not link it.
#pragma once

#include <string>

namespace nvcast {

// Registers libavdevice's inputs with libavformat (once); "" when they are there, else why not.
const std::string& load_capture_devices();

}  // namespace nvcast

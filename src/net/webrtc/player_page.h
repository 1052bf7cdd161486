// The page nvcast serves at "/" of its WHEP endpoint: it plays the stream in a <video>.
#pragma once

namespace nvcast::webrtc {
extern const char kPlayerPage[];
}

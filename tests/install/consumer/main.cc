// A user's program: encodes a few synthetic frames with the best backend and checks the result.
#include <cstdio>

#include <nvcast/nvcast.h>

int main() {
    nvcast::EncoderConfig config;
    config.width = 64;
    config.height = 48;
    auto opened = nvcast::open_encoder("auto", config);
    auto source = nvcast::open_synthetic(64, 48, 30, 1, 5);
    nvcast::Frame frame;
    int packets = 0;
    while (source->read(frame)) {
        opened.encoder->send_frame(frame);
        while (opened.encoder->receive_packet()) ++packets;
    }
    opened.encoder->flush();
    while (opened.encoder->receive_packet()) ++packets;
    std::printf("nvcast %s: %d packets from 5 frames (%s)\n", NVCAST_VERSION_STRING, packets, opened.selection.c_str());
    return packets == 5 ? 0 : 1;
}

// libFuzzer target for the WHEP endpoint's offer parser (text from any HTTP client): it returns
// an offer or throws nvcast::Error, and an answer can be made for whatever format it chooses.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "net/webrtc/webrtc_sdp.h"
#include "nvcast/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const auto offer = nvcast::webrtc::parse_webrtc_offer(text);
        for (const auto codec : {nvcast::Codec::H264, nvcast::Codec::HEVC, nvcast::Codec::AV1}) {
            const auto chosen = nvcast::webrtc::choose_format(offer, codec, {0, 0, 0, 1, 0x67, 100, 0, 31});
            if (!chosen) continue;
            if (chosen->media_index >= offer.media.size()) std::abort();
            nvcast::webrtc::AnswerParams params;
            params.address = "127.0.0.1";
            params.port = 9;
            if (nvcast::webrtc::make_webrtc_answer(offer, *chosen, params).find("a=ice-lite") == std::string::npos)
                std::abort();
        }
    } catch (const nvcast::Error&) {
    }
    return 0;
}

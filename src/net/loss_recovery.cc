#include <algorithm>

#include "nvcast/stream.h"

namespace nvcast::rtp {

std::vector<uint16_t> LossRecovery::due(const std::vector<uint16_t>& missing, Clock::time_point now) {
    std::map<uint16_t, Wait> still;  // what arrived (or was given up by the depayloader) is forgotten
    std::vector<uint16_t> ask;
    for (uint16_t seq : missing) {
        auto it = waiting_.find(seq);
        Wait w = it != waiting_.end() ? it->second : Wait{now, {}, 0};
        if (w.attempts < config_.attempts && (w.attempts == 0 || now - w.last >= config_.retry)) {
            ask.push_back(seq);
            w.last = now;
            ++w.attempts;
        }
        still.emplace(seq, w);
    }
    waiting_ = std::move(still);
    nacks_ += ask.size();
    return ask;
}

bool LossRecovery::should_give_up(Clock::time_point now) const {
    if (waiting_.empty()) return true;
    const auto oldest = std::min_element(waiting_.begin(), waiting_.end(), [](const auto& a, const auto& b) {
        return a.second.first < b.second.first;
    });
    return now - oldest->second.first >= config_.give_up;
}

}  // namespace nvcast::rtp

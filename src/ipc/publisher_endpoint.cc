#include "ipc/publisher_endpoint.h"

#include <poll.h>

#include "ipc/frame_channel.h"
#include "nvcast/log.h"

namespace nvcast::ipc {

PublisherEndpoint::PublisherEndpoint(const std::string& address, std::string label, Handlers handlers)
    : label_(std::move(label)), handlers_(std::move(handlers)), listener_(SeqPacketSocket::listen(address, label_)) {}

void PublisherEndpoint::lose() {
    subscriber_.close();
    current().went_away = true;
    handlers_.lost();
}

bool PublisherEndpoint::send(const void* data, size_t size) {
    if (subscriber_.valid() && subscriber_.send(data, size)) return true;
    if (subscriber_.valid()) lose();
    return false;
}

void PublisherEndpoint::pump(int timeout_ms) {
    if (subscriber_.valid()) {
        char buf[kMaxMessageBytes];
        size_t n = 0;
        for (int wait = timeout_ms;; wait = 0) {
            const auto r = subscriber_.receive(buf, sizeof buf, n, wait);
            if (r == SeqPacketSocket::Received::Timeout) break;
            if (r == SeqPacketSocket::Received::Closed) {
                lose();
                break;
            }
            handlers_.message(buf, n);
        }
    } else {
        pollfd p{listener_.fd(), POLLIN, 0};
        ::poll(&p, 1, timeout_ms);
    }
    for (SeqPacketSocket s = listener_.accept(); s.valid(); s = listener_.accept()) {
        if (subscriber_.valid()) {
            const BusyMessage busy;
            s.send(&busy, sizeof busy);
            log(LogLevel::Warn, label_ + ": refused a second subscriber (one at a time)");
            continue;
        }
        if (!handlers_.greet(s)) continue;
        subscriber_ = std::move(s);
        subscribers_.push_back({});
        log(LogLevel::Info, label_ + ": subscriber " + std::to_string(subscribers_.size()) + " connected");
    }
}

}  // namespace nvcast::ipc

// The publishing side of a channel, whatever it carries (frames, packets): the listening socket,
// the one subscriber at a time (a second is told Busy), its messages, and noticing it is gone.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ipc/seqpacket_socket.h"
#include "nvcast/ipc.h"

namespace nvcast::ipc {

class PublisherEndpoint {
public:
    struct Handlers {
        // Sends the Hello (and what rides along) to a new subscriber; false when that failed.
        std::function<bool(const SeqPacketSocket&)> greet;
        std::function<void(const char* data, size_t size)> message;  // one message from the subscriber
        std::function<void()> lost;                                    // the subscriber hung up
    };

    PublisherEndpoint(const std::string& address, std::string label, Handlers handlers);

    // Takes the subscriber's messages and a new subscriber's connection, waiting up to timeout_ms
    // for the first of them.
    void pump(int timeout_ms);
    bool connected() const noexcept { return subscriber_.valid(); }
    // Sends to the subscriber; on failure the subscriber counts as lost (handlers.lost runs).
    bool send(const void* data, size_t size);

    const std::string& label() const noexcept { return label_; }
    std::vector<SubscriberStats>& subscribers() noexcept { return subscribers_; }
    SubscriberStats& current() { return subscribers_.back(); }

private:
    void lose();

    std::string label_;
    Handlers handlers_;
    SeqPacketSocket listener_;
    SeqPacketSocket subscriber_;
    std::vector<SubscriberStats> subscribers_;
};

}  // namespace nvcast::ipc

// The control socket's descriptor passing: a device ring's Hello carries two descriptors (the
// allocation and its flags page), in order; descriptors nobody takes are closed, not leaked.
#include <gtest/gtest.h>
#include <dirent.h>
#include <unistd.h>

#include <array>
#include <string>
#include <vector>

#include "ipc/seqpacket_socket.h"
#include "ipc/shared_memory.h"

namespace nvcast::ipc {
namespace {

int open_descriptors() {
    int n = 0;
    if (DIR* d = ::opendir("/proc/self/fd")) {
        while (::readdir(d)) ++n;
        ::closedir(d);
    }
    return n;
}

struct Pair {
    SeqPacketSocket listener, client, server;
};

Pair connected_pair() {
    Pair p;
    const std::string address = "nvcast-test-fds-" + std::to_string(::getpid());
    p.listener = SeqPacketSocket::listen(address, "the test socket");
    auto c = SeqPacketSocket::connect(address);
    EXPECT_TRUE(c.has_value());
    if (c) p.client = std::move(*c);
    for (int i = 0; i < 1000 && !p.server.valid(); ++i) {
        p.server = p.listener.accept();
        if (!p.server.valid()) ::usleep(1000);
    }
    EXPECT_TRUE(p.server.valid());
    return p;
}

TEST(SeqPacketSocket, TwoDescriptorsArriveInOrder) {
    Pair p = connected_pair();
    SharedMemory a = SharedMemory::create(4096, "test-a"), b = SharedMemory::create(4096, "test-b");
    a.data()[0] = 'a';
    b.data()[0] = 'b';
    const std::array<int, 2> fds{a.fd(), b.fd()};
    const char message[] = "hello";
    ASSERT_TRUE(p.client.send(message, sizeof message, fds));
    char got[16];
    size_t n = 0;
    std::vector<OwnedFd> received;
    ASSERT_EQ(p.server.receive(got, sizeof got, n, 1000, &received), SeqPacketSocket::Received::Message);
    EXPECT_EQ(n, sizeof message);
    ASSERT_EQ(received.size(), 2u);
    SharedMemory first = SharedMemory::map(received[0].release(), 4096);
    SharedMemory second = SharedMemory::map(received[1].release(), 4096);
    EXPECT_EQ(first.data()[0], 'a');
    EXPECT_EQ(second.data()[0], 'b');
}

TEST(SeqPacketSocket, DescriptorsNobodyTakesAreClosed) {
    Pair p = connected_pair();
    SharedMemory a = SharedMemory::create(4096, "test-a"), b = SharedMemory::create(4096, "test-b");
    const std::array<int, 2> fds{a.fd(), b.fd()};
    const int before = open_descriptors();
    char byte = 0, got[16];
    size_t n = 0;
    ASSERT_TRUE(p.client.send(&byte, 1, fds));
    ASSERT_EQ(p.server.receive(got, sizeof got, n, 1000), SeqPacketSocket::Received::Message);
    EXPECT_EQ(open_descriptors(), before);
    {
        std::vector<OwnedFd> received;
        ASSERT_TRUE(p.client.send(&byte, 1, fds));
        ASSERT_EQ(p.server.receive(got, sizeof got, n, 1000, &received), SeqPacketSocket::Received::Message);
        EXPECT_EQ(open_descriptors(), before + 2);
    }
    EXPECT_EQ(open_descriptors(), before);
}

TEST(SeqPacketSocket, MoreDescriptorsThanAMessageCarriesAreRefused) {
    Pair p = connected_pair();
    const std::array<int, kMaxPassedFds + 1> fds{};
    char byte = 0;
    EXPECT_FALSE(p.client.send(&byte, 1, fds));
}

// A publisher that sends End and exits while the subscriber's last Release messages sit unread in
// its queue: Linux reports ECONNRESET to the subscriber ahead of the End still queued for it. The
// End must arrive all the same (CI saw an encoder wait 10 s for a publisher that had ended cleanly).
TEST(SeqPacketSocket, MessagesSentBeforeAHangUpWithUnreadDataAreStillDelivered) {
    Pair p = connected_pair();
    const char release[] = "release", end[] = "end";
    ASSERT_TRUE(p.client.send(release, sizeof release));  // never read by the server
    ASSERT_TRUE(p.server.send(end, sizeof end));
    p.server.close();
    char got[16];
    size_t n = 0;
    ASSERT_EQ(p.client.receive(got, sizeof got, n, 1000), SeqPacketSocket::Received::Message);
    EXPECT_EQ(std::string(got, n), std::string(end, sizeof end));
    EXPECT_EQ(p.client.receive(got, sizeof got, n, 1000), SeqPacketSocket::Received::Closed);
}

}  // namespace
}  // namespace nvcast::ipc

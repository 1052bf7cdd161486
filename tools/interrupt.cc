#include "interrupt.h"

#include <chrono>

#include <csignal>

namespace nvcast::cli {
namespace {

volatile std::sig_atomic_t g_signal = 0;
struct sigaction g_old_int, g_old_term;

extern "C" void on_signal(int sig) {
    if (g_signal) {  // second signal: give up at once
        std::signal(sig, SIG_DFL);
        std::raise(sig);
        return;
    }
    g_signal = sig;
}

}  // namespace

InterruptGuard::InterruptGuard() {
    g_signal = 0;
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &g_old_int);
    sigaction(SIGTERM, &sa, &g_old_term);
}

InterruptGuard::~InterruptGuard() {
    sigaction(SIGINT, &g_old_int, nullptr);
    sigaction(SIGTERM, &g_old_term, nullptr);
}

bool interrupted() { return g_signal != 0; }
const char* interrupt_name() { return g_signal == SIGTERM ? "SIGTERM" : "SIGINT"; }
int interrupt_exit_code() { return 128 + (g_signal ? static_cast<int>(g_signal) : SIGINT); }

InterruptForwarder::InterruptForwarder(std::function<void()> stop)
    : thread_([this, stop = std::move(stop)] {
          while (!done_) {
              if (interrupted()) {
                  stop();
                  return;
              }
              std::this_thread::sleep_for(std::chrono::milliseconds(50));
          }
      }) {}

InterruptForwarder::~InterruptForwarder() {
    done_ = true;
    thread_.join();
}

}  // namespace nvcast::cli

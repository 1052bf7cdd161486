#include "split_pipeline.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

#include "interrupt.h"
#include "nvcast/error.h"
#include "nvcast/log.h"
#include "nvcast/pipeline.h"
#include "nvcast/rtp.h"
#include "nvcast/webrtc.h"
#include "pipeline_view.h"

extern char** environ;

namespace nvcast::cli {
namespace {

// A capture or relay process of one stream, restarted when it dies.
class ChildProcess {
public:
    ChildProcess(std::string role, std::vector<std::string> argv) : role_(std::move(role)), argv_(std::move(argv)) {}

    void start() {
        std::vector<char*> args;
        for (std::string& a : argv_) args.push_back(a.data());
        args.push_back(nullptr);
        const int e = ::posix_spawn(&pid_, argv_[0].c_str(), nullptr, nullptr, args.data(), environ);
        if (e != 0) throw Error(ErrorCode::Io, "split: cannot start the " + role_ + ": " + std::strerror(e));
        log(LogLevel::Info, "split: " + role_ + " started (pid " + std::to_string(pid_) + ")");
    }

    // Reaps the process if it ended; one that died (a signal, a failure) is started again while
    // restarts remain. Returns whether it is still running.
    bool check(int max_restarts) {
        if (pid_ < 0) return false;
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) != pid_) return true;
        pid_ = -1;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return false;
        const std::string how = WIFSIGNALED(status) ? std::string("was killed by signal ") + std::to_string(WTERMSIG(status))
                                                    : "failed with status " + std::to_string(WEXITSTATUS(status));
        if (restarts_ >= max_restarts) {
            log(LogLevel::Error, "split: the " + role_ + " " + how + "; not restarted again (" +
                                     std::to_string(restarts_) + " restarts)");
            return false;
        }
        ++restarts_;
        log(LogLevel::Warn, "split: the " + role_ + " " + how + "; starting it again (restart " +
                                std::to_string(restarts_) + " of " + std::to_string(max_restarts) + ")");
        start();
        return true;
    }

    // Waits up to `seconds` for the process to end by itself, then ends it with SIGTERM.
    void finish(double seconds) {
        const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
        while (pid_ > 0 && std::chrono::steady_clock::now() < until) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) pid_ = -1;
            else std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            ::waitpid(pid_, nullptr, 0);
            pid_ = -1;
        }
    }

    int restarts() const noexcept { return restarts_; }
    const std::string& role() const noexcept { return role_; }

private:
    std::string role_;
    std::vector<std::string> argv_;
    pid_t pid_ = -1;
    int restarts_ = 0;
};

std::string self_executable() {
    char path[4096];
    const ssize_t n = ::readlink("/proc/self/exe", path, sizeof path - 1);
    if (n <= 0) throw Error(ErrorCode::Io, "split: cannot find the nvcast executable (/proc/self/exe)");
    return std::string(path, static_cast<size_t>(n));
}

// `nvcast capture` arguments reading `in` and publishing on `channel`.
std::vector<std::string> capture_args(const std::string& exe, const StreamSettings& s, const std::string& channel) {
    const InputSettings& in = s.input;
    std::vector<std::string> a = {exe, "capture", in.input, "--publish", channel};
    if (!in.size.empty()) a.insert(a.end(), {"--size", in.size});
    if (!in.input_format.empty()) a.insert(a.end(), {"--input-format", in.input_format});
    if (!in.fps.empty()) a.insert(a.end(), {"--fps", in.fps});
    if (in.frames > 0) a.insert(a.end(), {"-n", std::to_string(in.frames)});
    if (!in.demuxer.empty()) a.insert(a.end(), {"-f", in.demuxer});
    for (const std::string& o : in.demuxer_options) a.insert(a.end(), {"--input-option", o});
    if (in.stream >= 0) a.insert(a.end(), {"--stream", std::to_string(in.stream)});
    a.insert(a.end(), {"--decoder", in.decoder, "--timeout", std::to_string(in.timeout)});
    if (s.realtime) a.push_back("--realtime");
    return a;
}

// `nvcast relay` arguments for the stream's network outputs (at most one rtp:// and one whep://).
std::vector<std::string> relay_args(const std::string& exe, const std::vector<OutputSettings>& outputs,
                                    const std::string& channel, const std::string& where) {
    std::vector<std::string> a = {exe, "relay", "ipc:" + channel};
    bool rtp_seen = false, whep_seen = false;
    for (const OutputSettings& o : outputs) {
        if (webrtc::is_whep_url(o.target)) {
            if (whep_seen) throw Error(ErrorCode::Unsupported, where + ": --split takes one whep:// output per stream");
            whep_seen = true;
            a.insert(a.end(), {"--whep", o.target});
            continue;
        }
        if (rtp_seen) throw Error(ErrorCode::Unsupported, where + ": --split takes one rtp:// output per stream");
        rtp_seen = true;
        a.insert(a.end(), {"--to", o.target, "--pt", std::to_string(o.pt), "--pacing", o.pacing});
        if (!o.sdp.empty()) a.insert(a.end(), {"--sdp", o.sdp});
        if (o.srtp == "generate") a.push_back("--srtp-generate");
        else if (!o.srtp.empty()) a.insert(a.end(), {"--srtp", o.srtp});
        if (o.mtu > 0) a.insert(a.end(), {"--mtu", std::to_string(o.mtu)});
        if (o.loss > 0) a.insert(a.end(), {"--loss", std::to_string(o.loss), "--loss-seed", std::to_string(o.loss_seed)});
    }
    return a;
}

}  // namespace

int run_split_pipeline(PipelineSettings settings, const std::string& origin, const SplitOptions& options) {
    const std::string exe = self_executable();
    const std::string prefix = "split-" + std::to_string(::getpid()) + "-";
    std::vector<ChildProcess> captures, relays;
    for (size_t i = 0; i < settings.streams.size(); ++i) {
        StreamSettings& s = settings.streams[i];
        const std::string where = origin + ": stream '" + s.name + "'";
        const std::string frames = prefix + std::to_string(i + 1) + "-frames";
        const std::string packets = prefix + std::to_string(i + 1) + "-packets";
        captures.emplace_back("capture process of stream '" + s.name + "'", capture_args(exe, s, frames));
        std::vector<OutputSettings> kept, network;
        for (const OutputSettings& o : s.outputs)
            (rtp::is_network_url(o.target) || webrtc::is_whep_url(o.target) ? network : kept).push_back(o);
        if (!network.empty()) {
            relays.emplace_back("relay process of stream '" + s.name + "'", relay_args(exe, network, packets, where));
            kept.push_back(output_to("ipc:" + packets));
        }
        s.outputs = kept;
        const double timeout = s.input.timeout;
        s.input = InputSettings{};
        s.input.input = "ipc:" + frames;
        s.input.timeout = timeout;
        s.realtime = false;  // the capture process keeps the pace
    }
    for (ChildProcess& c : relays) c.start();  // they wait for the encoders
    for (ChildProcess& c : captures) c.start();
    int status = 0;
    try {
        Pipeline pipeline(make_pipeline_config(settings, origin));
        StreamTable table(!options.quiet);
        const Snapshot end = run_to_end(pipeline, [&](const Snapshot& now) {
            for (ChildProcess& c : captures) c.check(options.max_restarts);
            for (ChildProcess& c : relays) c.check(options.max_restarts);
            table.draw(now);
        });
        table.draw(end);
        table.finish();
        bool failed = false;
        for (const StreamStats& s : end) {
            failed = failed || s.state == StreamState::Failed;
            std::printf("%s\n", summary_line(s).c_str());
        }
        status = interrupted() ? interrupt_exit_code() : (failed ? 1 : 0);
    } catch (...) {
        for (ChildProcess& c : captures) c.finish(0);
        for (ChildProcess& c : relays) c.finish(0);
        throw;
    }
    for (ChildProcess& c : relays) c.finish(10);  // they end once they have sent the last packet
    for (ChildProcess& c : captures) c.finish(2);
    int restarts = 0;
    for (const ChildProcess& c : captures) restarts += c.restarts();
    for (const ChildProcess& c : relays) restarts += c.restarts();
    std::printf("split: %zu capture and %zu relay processes, %d restarts\n", captures.size(), relays.size(), restarts);
    return status;
}

}  // namespace nvcast::cli

// nvcast: GPU video encoding and low-latency streaming from the command line.
#include <cstdio>

#include "commands.h"
#include "nvcast/nvcast.h"

int main(int argc, char** argv) {
    CLI::App app{"nvcast " NVCAST_VERSION_STRING
                 " - encode video to H.264, HEVC and AV1 on NVENC, nvcast's GPU engine or software encoders",
                 "nvcast"};
    app.require_subcommand(1);
    bool verbose = false, quiet = false;
    app.add_flag("-v,--verbose", verbose, "Log more (debug messages)");
    app.add_flag("-q,--quiet", quiet, "Log only errors; no progress bar");
    app.set_version_flag("--version", NVCAST_VERSION_STRING);
    app.parse_complete_callback([&] {
        nvcast::set_log_level(verbose ? nvcast::LogLevel::Debug : quiet ? nvcast::LogLevel::Error : nvcast::LogLevel::Info);
    });

    int exit_code = 0;
    nvcast::cli::add_encode_command(app, exit_code);
    nvcast::cli::add_probe_command(app, exit_code);
    nvcast::cli::add_stream_command(app, exit_code);
    nvcast::cli::add_receive_command(app, exit_code);
    nvcast::cli::add_pipeline_command(app, exit_code);
    nvcast::cli::add_capture_command(app, exit_code);
    nvcast::cli::add_relay_command(app, exit_code);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const nvcast::Error& e) {
        std::fprintf(stderr, "nvcast: error: %s\n", e.what());
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "nvcast: unexpected error: %s\n", e.what());
        return 1;
    }
    return exit_code;
}

// Subcommands of the `nvcast` CLI; each lives in its own file.
#pragma once

#include <CLI/CLI.hpp>

namespace nvcast::cli {

// Each adds its subcommand to `app`; the callback runs it and sets `exit_code`.
void add_encode_command(CLI::App& app, int& exit_code);
void add_probe_command(CLI::App& app, int& exit_code);
void add_stream_command(CLI::App& app, int& exit_code);   // stream_command.cc (net)
void add_receive_command(CLI::App& app, int& exit_code);  // receive_command.cc (net)
void add_pipeline_command(CLI::App& app, int& exit_code);
void add_capture_command(CLI::App& app, int& exit_code);   // capture_command.cc (ipc)
void add_relay_command(CLI::App& app, int& exit_code);     // relay_command.cc (ipc)

}  // namespace nvcast::cli

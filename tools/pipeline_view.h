// Running a pipeline from the CLI: Ctrl-C / SIGTERM stop it cleanly, a live table of every stream
// on a terminal, one summary per stream at the end, and the same as JSON.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "nvcast/pipeline.h"

#ifdef NVCAST_HAVE_JSON
#include <nlohmann/json.hpp>
#endif

namespace nvcast::cli {

using Snapshot = std::vector<StreamStats>;

// Starts the pipeline and waits for every stream to end; the first SIGINT/SIGTERM stops them
// (what was read is still encoded and written). `tick` sees a snapshot about 4 times a second.
// Returns the final snapshot.
Snapshot run_to_end(Pipeline& pipeline, const std::function<void(const Snapshot&)>& tick);

// The live table on stderr: per stream fps, encode latency, bitrate, queue depth, drops.
class StreamTable {
public:
    explicit StreamTable(bool enabled);
    void draw(const Snapshot& streams);
    void finish();

private:
    bool enabled_;
    int lines_ = 0;
};

// "cam1: finished, 300 frames in -> 300 encoded + 0 dropped, 59.8 fps, 4012 kbit/s, ..."
std::string summary_line(const StreamStats& s);

#ifdef NVCAST_HAVE_JSON
nlohmann::json to_json(const StreamStats& s);
#endif

}  // namespace nvcast::cli

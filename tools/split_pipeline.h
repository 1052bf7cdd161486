// `nvcast pipeline FILE --split`: the same pipeline file with each stream's roles in processes of
// their own — its input in an `nvcast capture --publish` process, its encoder here, its network
// outputs (rtp://, whep://) in an `nvcast relay` process — connected by the ipc channels
// (include/nvcast/ipc.h). A capture or relay process that dies is started again.
#pragma once

#include <string>

#include "nvcast/settings.h"

namespace nvcast::cli {

struct SplitOptions {
    int max_restarts = 5;  // per child process
    bool quiet = false;
};

// Runs `settings` split; returns the exit status like `nvcast pipeline` (0, 1 on a failed stream,
// 128 + signal when interrupted). `origin` names the file in messages.
int run_split_pipeline(PipelineSettings settings, const std::string& origin, const SplitOptions& options);

}  // namespace nvcast::cli

// nvh264 CUDA engine: a fixed sequence of launches, recorded once as a CUDA graph and replayed,
// so the GPU starts each kernel without the host's per-launch cost. For launch sequences whose
// arguments never change for an engine (the finishing wavefront: hundreds of small launches that
// read the frame's state through one device pointer).
#pragma once

#include <cuda_runtime_api.h>

#include <utility>

#include "gpu/cuda_check.h"

namespace nvcast::nvh264::cuda {

class RecordedLaunches {
public:
    RecordedLaunches() = default;
    RecordedLaunches(const RecordedLaunches&) = delete;
    RecordedLaunches& operator=(const RecordedLaunches&) = delete;
    ~RecordedLaunches() {
        if (exec_) cudaGraphExecDestroy(exec_);
    }

    // Queues the launches on `stream`: the first call records what `launch` queues, every call replays it.
    template <class Launch>
    void run(cudaStream_t stream, Launch&& launch, const char* what) {
        if (!exec_) record(stream, std::forward<Launch>(launch), what);
        gpu::cuda_check(cudaGraphLaunch(exec_, stream), what);
    }

private:
    template <class Launch>
    void record(cudaStream_t stream, Launch&& launch, const char* what) {
        gpu::cuda_check(cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal), what);
        cudaGraph_t graph = nullptr;
        try {
            launch();
        } catch (...) {
            cudaStreamEndCapture(stream, &graph);  // leaves the stream usable
            if (graph) cudaGraphDestroy(graph);
            throw;
        }
        gpu::cuda_check(cudaStreamEndCapture(stream, &graph), what);
        const cudaError_t status = cudaGraphInstantiate(&exec_, graph, 0);
        cudaGraphDestroy(graph);
        gpu::cuda_check(status, what);
    }

    cudaGraphExec_t exec_ = nullptr;
};

}  // namespace nvcast::nvh264::cuda

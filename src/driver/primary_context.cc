#include "driver/primary_context.h"

#include "nvcast/error.h"

namespace nvcast::driver {

PrimaryContext::PrimaryContext(const CudaApi& cuda, int ordinal) : cuda_(cuda), ordinal_(ordinal) {
    initialize_cuda(cuda);
    const int count = device_count(cuda);
    if (ordinal < 0 || ordinal >= count)
        throw Error(ErrorCode::InvalidArgument, "CUDA device " + std::to_string(ordinal) + " does not exist (" +
                                                    std::to_string(count) + " device(s) found)");
    name_ = device_name(cuda, ordinal);
    CUresult r = cuda.device_get(&device_, ordinal);
    if (r == CUDA_SUCCESS) r = cuda.primary_ctx_retain(&context_, device_);
    if (r != CUDA_SUCCESS)
        throw Error(ErrorCode::Unavailable, "cannot retain the primary CUDA context of '" + name_ + "': " +
                                                cuda_error_text(cuda, r));
}

PrimaryContext::~PrimaryContext() {
    if (context_) cuda_.primary_ctx_release(device_);
}

ContextScope::ContextScope(const CudaApi& cuda, CUcontext context) : cuda_(cuda) {
    const CUresult r = cuda.ctx_push(context);
    if (r != CUDA_SUCCESS)
        throw Error(ErrorCode::DeviceLost, "cannot make a CUDA context current: " + cuda_error_text(cuda, r));
}

ContextScope::~ContextScope() {
    CUcontext popped = nullptr;
    cuda_.ctx_pop(&popped);
}

}  // namespace nvcast::driver

// The pixel formats the conversion kernels read and write, as one list: the source dispatch
// (kernels.cu), the destination dispatch (convert_kernel.cuh) and the per-source translation units
// (convert_<format>.cu) cover this same set.
#pragma once

#define NVCAST_CONVERT_FORMATS(X) \
    X(NV12)                       \
    X(I420)                       \
    X(I444)                       \
    X(P010)                       \
    X(I420_10)                    \
    X(I444_10)                    \
    X(BGRA)                       \
    X(RGBA)                       \
    X(RGB24)                      \
    X(X2RGB10)

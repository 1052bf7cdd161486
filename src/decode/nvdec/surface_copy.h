// Copies a mapped NVDEC output surface (Y rows, then interleaved UV rows at `chroma_offset`
// bytes) into a semi-planar CUDA frame, and waits for the copy: the surface is unmapped right
// after, and the caller may hand the frame to another stream.
#pragma once

#include "driver/cuda_driver.h"
#include "nvcast/frame.h"

namespace nvcast::nvdec {

// Returns the first failing CUresult (CUDA_SUCCESS when done). A current context is needed.
CUresult copy_surface(const driver::CudaApi& cuda, CUdeviceptr src, size_t src_pitch, size_t chroma_offset,
                      const Frame& dst);

// Device-to-device copy between two CUDA frames of one format and size.
CUresult copy_device_frame(const driver::CudaApi& cuda, const Frame& src, const Frame& dst);

}  // namespace nvcast::nvdec

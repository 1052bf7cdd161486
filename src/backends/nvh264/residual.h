// nvh264: residual coding of one macroblock — transform, quantisation and the
// exact reconstruction a decoder performs (8.5), for luma and chroma.
#pragma once

#include "backends/nvh264/frame_context.h"

namespace nvcast::nvh264 {

// Transforms and quantises the luma residual src - pred (16x16, stride 16 for pred) as
// sixteen 4x4 blocks into mb.luma / mb.nnz; sets the luma bits of mb.cbp. Inter blocks get
// coefficient decimation. Does not reconstruct.
void code_luma_inter(const uint8_t* src, int src_stride, const uint8_t* pred, int qp, MbInfo& mb);
// Intra16x16: DC through the Hadamard path, AC per block; cbp luma 0 or 15.
void code_luma_i16(const uint8_t* src, int src_stride, const uint8_t* pred, int qp, MbInfo& mb);
// Reconstructs luma from mb's levels: dst = clip(pred + residual); i16 selects the DC path.
void recon_luma(const MbInfo& mb, const uint8_t* pred, int qp, bool i16, uint8_t* dst, int dst_stride);

// One 4x4 intra block (coding index blk): quantise, store levels, reconstruct into dst. Returns nnz.
int code_recon_luma4x4(const uint8_t* src, int src_stride, const uint8_t* pred, int qp, int blk, MbInfo& mb,
                       uint8_t* dst, int dst_stride);

// Both chroma planes: residual src - pred (8x8 each, pred stride 8); sets mb.chroma_dc/ac, nnz_c and
// cbp bits 4-5, then reconstructs into dst planes.
void code_recon_chroma(const uint8_t* const src[2], int src_stride, const uint8_t* const pred[2], int qp_c,
                       bool intra, MbInfo& mb, uint8_t* const dst[2], int dst_stride);

}  // namespace nvcast::nvh264

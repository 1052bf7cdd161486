// Builds the kernel parameters for a conversion from public colour descriptions (host only).
#pragma once

#include "gpu/convert_tile.h"
#include "nvcast/convert.h"

namespace nvcast::gpu {

// Kr, Kb of a matrix (BT.601, BT.709, BT.2020 non-constant luminance); throws for RGB/unknown.
void luma_coefficients(MatrixCoefficients m, double& kr, double& kb);

// Row-major 3x3 matrices between normalised R'G'B' and Y'CbCr (Y in [0,1], Cb/Cr in [-0.5,0.5]).
void rgb_to_yuv_matrix(MatrixCoefficients m, double (&out)[9]);
void yuv_to_rgb_matrix(MatrixCoefficients m, double (&out)[9]);

// Linear-light RGB(BT.2020) -> RGB(BT.709) matrix derived from the primaries and D65 (BT.2087).
void bt2020_to_bt709_matrix(double (&out)[9]);

// Normalisation of code values: normalised = (code - offset) * scale, for component k (0=Y/R).
void code_range(PixelFormat format, ColorRange range, int component, double& offset, double& scale);

// Fills the parameters; `src_color` and `dst_color` must be resolved (no Unspecified matrix for YUV).
ConvertParams make_convert_params(PixelFormat src, const ColorDescription& src_color, PixelFormat dst,
                                  const ColorDescription& dst_color, const ToneMapOptions& tonemap);

// Tone-curve parameters for the given options (shared with tests).
ToneParams make_tone_params(const ToneMapOptions& tonemap);

// The colour the input is taken to have: unspecified YUV matrices default to BT.709 (BT.2020 for
// PQ/HLG or BT.2020 primaries); packed RGB is full range.
ColorDescription resolve_input_color(PixelFormat format, ColorDescription c);

bool is_yuv(PixelFormat f);

}  // namespace nvcast::gpu

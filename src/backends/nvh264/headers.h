// nvh264: parameter sets and slice headers (7.3.2.1, 7.3.2.2, 7.3.3, Annex E VUI)
// for Constrained Baseline with CAVLC.
#pragma once

#include <cstdint>
#include <vector>

#include "nvcast/frame.h"

namespace nvcast::nvh264 {

constexpr int kLog2MaxFrameNum = 16;

struct SequenceParams {
    int width = 0, height = 0;  // display size
    int mb_w = 0, mb_h = 0;
    int level_idc = 40;
    int fps_num = 30, fps_den = 1;
    ColorDescription color;
};

struct SliceParams {
    bool idr = false;
    bool p_slice = false;
    int first_mb = 0;
    int frame_num = 0;
    int idr_pic_id = 0;
    int qp = 26;
    bool deblock = true;
};

std::vector<uint8_t> sps_rbsp(const SequenceParams& s);
std::vector<uint8_t> pps_rbsp();
class BitWriter;
void write_slice_header(BitWriter& bw, const SliceParams& p);

// SEI RBSP with one recovery point message (D.1.8): exact output after recovery_frame_cnt more frames.
std::vector<uint8_t> recovery_point_sei_rbsp(int recovery_frame_cnt);

// Smallest level_idc whose frame size, macroblock rate and bitrate limits hold; 0 when beyond 5.2.
int choose_level(int mb_w, int mb_h, double fps, int64_t bitrate);

}  // namespace nvcast::nvh264

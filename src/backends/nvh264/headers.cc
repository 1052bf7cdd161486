#include "backends/nvh264/headers.h"

#include "backends/nvh264/bit_writer.h"

namespace nvcast::nvh264 {

std::vector<uint8_t> sps_rbsp(const SequenceParams& s) {
    BitWriter bw;
    bw.put(66, 8);          // profile_idc: Baseline
    bw.put(0xC0, 8);        // constraint_set0 + constraint_set1 (Constrained Baseline), reserved zeros
    bw.put(static_cast<uint32_t>(s.level_idc), 8);
    bw.ue(0);               // seq_parameter_set_id
    bw.ue(kLog2MaxFrameNum - 4);
    bw.ue(2);               // pic_order_cnt_type 2: output order = decoding order
    bw.ue(1);               // max_num_ref_frames
    bw.put_bit(0);          // gaps_in_frame_num_value_allowed_flag
    bw.ue(static_cast<uint32_t>(s.mb_w - 1));
    bw.ue(static_cast<uint32_t>(s.mb_h - 1));
    bw.put_bit(1);          // frame_mbs_only_flag
    bw.put_bit(1);          // direct_8x8_inference_flag
    const int crop_r = (s.mb_w * 16 - s.width) / 2, crop_b = (s.mb_h * 16 - s.height) / 2;
    const bool crop = crop_r || crop_b;
    bw.put_bit(crop);
    if (crop) {
        bw.ue(0);
        bw.ue(static_cast<uint32_t>(crop_r));
        bw.ue(0);
        bw.ue(static_cast<uint32_t>(crop_b));
    }
    bw.put_bit(1);  // vui_parameters_present_flag
    bw.put_bit(0);  // aspect_ratio_info_present_flag
    bw.put_bit(0);  // overscan_info_present_flag
    const bool signal = s.color.specified();
    bw.put_bit(signal);  // video_signal_type_present_flag
    if (signal) {
        bw.put(5, 3);  // video_format: unspecified
        bw.put_bit(s.color.range == ColorRange::Full);
        bw.put_bit(1);  // colour_description_present_flag
        bw.put(static_cast<uint32_t>(s.color.primaries), 8);
        bw.put(static_cast<uint32_t>(s.color.transfer), 8);
        bw.put(static_cast<uint32_t>(s.color.matrix), 8);
    }
    bw.put_bit(0);  // chroma_loc_info_present_flag
    bw.put_bit(1);  // timing_info_present_flag
    bw.put(static_cast<uint32_t>(s.fps_den), 32);      // num_units_in_tick
    bw.put(static_cast<uint32_t>(2 * s.fps_num), 32);  // time_scale (two ticks per frame)
    bw.put_bit(1);  // fixed_frame_rate_flag
    bw.put_bit(0);  // nal_hrd_parameters_present_flag
    bw.put_bit(0);  // vcl_hrd_parameters_present_flag
    bw.put_bit(0);  // pic_struct_present_flag
    bw.put_bit(1);  // bitstream_restriction_flag
    bw.put_bit(1);  // motion_vectors_over_pic_boundaries_flag
    bw.ue(0);       // max_bytes_per_pic_denom
    bw.ue(0);       // max_bits_per_mb_denom
    bw.ue(16);      // log2_max_mv_length_horizontal
    bw.ue(16);      // log2_max_mv_length_vertical
    bw.ue(0);       // max_num_reorder_frames: no output delay
    bw.ue(1);       // max_dec_frame_buffering
    bw.rbsp_trailing_bits();
    return bw.bytes();
}

std::vector<uint8_t> pps_rbsp() {
    BitWriter bw;
    bw.ue(0);       // pic_parameter_set_id
    bw.ue(0);       // seq_parameter_set_id
    bw.put_bit(0);  // entropy_coding_mode_flag: CAVLC
    bw.put_bit(0);  // bottom_field_pic_order_in_frame_present_flag
    bw.ue(0);       // num_slice_groups_minus1
    bw.ue(0);       // num_ref_idx_l0_default_active_minus1
    bw.ue(0);       // num_ref_idx_l1_default_active_minus1
    bw.put_bit(0);  // weighted_pred_flag
    bw.put(0, 2);   // weighted_bipred_idc
    bw.se(0);       // pic_init_qp_minus26
    bw.se(0);       // pic_init_qs_minus26
    bw.se(0);       // chroma_qp_index_offset
    bw.put_bit(1);  // deblocking_filter_control_present_flag
    bw.put_bit(0);  // constrained_intra_pred_flag
    bw.put_bit(0);  // redundant_pic_cnt_present_flag
    bw.rbsp_trailing_bits();
    return bw.bytes();
}

void write_slice_header(BitWriter& bw, const SliceParams& p) {
    bw.ue(static_cast<uint32_t>(p.first_mb));
    bw.ue(p.p_slice ? 0 : 2);  // slice_type P / I
    bw.ue(0);                  // pic_parameter_set_id
    bw.put(static_cast<uint32_t>(p.frame_num), kLog2MaxFrameNum);
    if (p.idr) bw.ue(static_cast<uint32_t>(p.idr_pic_id));
    if (p.p_slice) {
        bw.put_bit(0);  // num_ref_idx_active_override_flag
        bw.put_bit(0);  // ref_pic_list_modification_flag_l0
    }
    // dec_ref_pic_marking (every picture is a reference)
    if (p.idr) {
        bw.put_bit(0);  // no_output_of_prior_pics_flag
        bw.put_bit(0);  // long_term_reference_flag
    } else {
        bw.put_bit(0);  // adaptive_ref_pic_marking_mode_flag
    }
    bw.se(p.qp - 26);  // slice_qp_delta
    bw.ue(p.deblock ? 0 : 1);  // disable_deblocking_filter_idc
    if (p.deblock) {
        bw.se(0);  // slice_alpha_c0_offset_div2
        bw.se(0);  // slice_beta_offset_div2
    }
}

std::vector<uint8_t> recovery_point_sei_rbsp(int recovery_frame_cnt) {
    BitWriter payload;
    payload.ue(static_cast<uint32_t>(recovery_frame_cnt));
    payload.put_bit(1);  // exact_match_flag
    payload.put_bit(0);  // broken_link_flag
    payload.put(0, 2);   // changing_slice_group_idc
    if (!payload.byte_aligned()) {
        payload.put_bit(1);  // bit_equal_to_one, then zeros to the byte boundary
        while (!payload.byte_aligned()) payload.put_bit(0);
    }
    BitWriter bw;
    bw.put(6, 8);  // payloadType: recovery point
    bw.put(static_cast<uint32_t>(payload.bytes().size()), 8);
    bw.append(payload);
    bw.rbsp_trailing_bits();
    return bw.bytes();
}

int choose_level(int mb_w, int mb_h, double fps, int64_t bitrate) {
    struct Level {
        int idc;
        int64_t max_mbps, max_fs, max_br_kbps;
    };
    static constexpr Level kLevels[] = {
        {10, 1485, 99, 64},         {11, 3000, 396, 192},        {12, 6000, 396, 384},
        {13, 11880, 396, 768},      {20, 11880, 396, 2000},      {21, 19800, 792, 4000},
        {22, 20250, 1620, 4000},    {30, 40500, 1620, 10000},    {31, 108000, 3600, 14000},
        {32, 216000, 5120, 20000},  {40, 245760, 8192, 20000},   {41, 245760, 8192, 50000},
        {42, 522240, 8704, 50000},  {50, 589824, 22080, 135000}, {51, 983040, 36864, 240000},
        {52, 2073600, 36864, 240000},
    };
    const int64_t fs = static_cast<int64_t>(mb_w) * mb_h;
    const double mbps = static_cast<double>(fs) * fps;
    for (const Level& l : kLevels) {
        const int64_t max_dim = static_cast<int64_t>(8 * l.max_fs);
        if (fs > l.max_fs || static_cast<int64_t>(mb_w) * mb_w > max_dim || static_cast<int64_t>(mb_h) * mb_h > max_dim)
            continue;
        if (mbps > static_cast<double>(l.max_mbps) || bitrate > l.max_br_kbps * 1000) continue;
        return l.idc;
    }
    // Frame fits 5.2 but rate / bitrate exceed it: signal 5.2 anyway; frame size beyond 5.2 is an error.
    if (fs <= 36864 && static_cast<int64_t>(mb_w) * mb_w <= 8 * 36864 && static_cast<int64_t>(mb_h) * mb_h <= 8 * 36864)
        return 52;
    return 0;
}

}  // namespace nvcast::nvh264

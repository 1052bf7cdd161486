"""The Python module on the host: NumPy arrays through every software backend, decoded by
FFmpeg (an independent decoder) and compared with what was sent; the streaming Encoder; errors;
and the GIL released while encoding (two encoders in threads overlap)."""
import os
import subprocess
import tempfile
import threading
import time
import unittest

import numpy as np

import nvcast

FFMPEG = os.environ.get("NVCAST_FFMPEG", "ffmpeg")
W, H, T = 320, 240, 24


def clip(t=T, w=W, h=H):
    """Smooth moving colour ramps: easy to encode well, so PSNR tells a broken path from a lossy one."""
    y, x = np.mgrid[0:h, 0:w]
    frames = np.empty((t, h, w, 3), np.uint8)
    for i in range(t):
        frames[i, :, :, 0] = (x + 3 * i) * 255 // (w + 3 * t)
        frames[i, :, :, 1] = (y + 2 * i) * 255 // (h + 2 * t)
        frames[i, :, :, 2] = 128 + 64 * np.sin((x + y + 4 * i) / 40.0)
    return frames


def decode_rgb(path, w=W, h=H):
    raw = subprocess.run([FFMPEG, "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         check=True, capture_output=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, h, w, 3)


def psnr(a, b):
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return 99.0 if mse == 0 else 10 * np.log10(255.0 ** 2 / mse)


def available(backend):
    return any(b["name"] == backend and b["available"] for b in nvcast.probe()["backends"])


class EncodeFiles(unittest.TestCase):
    def test_every_software_backend_writes_a_file_ffmpeg_decodes(self):
        frames = clip()
        for backend, codec, ext in [("x264", "h264", ".mp4"), ("x265", "hevc", ".mkv"), ("svtav1", "av1", ".mkv")]:
            if not available(backend):
                self.fail(f"{backend} is not available in this build")
            with self.subTest(backend=backend), tempfile.TemporaryDirectory() as d:
                path = os.path.join(d, "out" + ext)
                stats = nvcast.encode(frames, path, codec=codec, fps=30, backend=backend, qp=22)
                self.assertEqual(stats["backend"], backend)
                self.assertEqual(stats["frames"], T)
                self.assertEqual(stats["host_copies"], 0)
                got = decode_rgb(path)
                self.assertEqual(len(got), T)
                # 4:2:0 chroma and a BT.709 round trip cost some dB on their own.
                self.assertGreater(psnr(got, frames), 30.0)

    def test_sequences_rgba_and_planar_yuv_are_taken(self):
        frames = clip(t=8)
        rgba = np.concatenate([frames, np.full(frames.shape[:3] + (1,), 255, np.uint8)], axis=3)
        with tempfile.TemporaryDirectory() as d:
            stats = nvcast.encode(list(rgba), os.path.join(d, "a.h264"), backend="x264")
            self.assertEqual(stats["frames"], 8)
            # I420 goes to the encoder as it lies: no conversion, no copy.
            i420 = np.zeros((8, H * 3 // 2, W), np.uint8)
            i420[:, :H] = 100
            i420[:, H:] = 128
            stats = nvcast.encode(i420, os.path.join(d, "b.h264"), backend="x264", format="i420")
            self.assertEqual(stats["conversions"], 0)
            luma = decode_rgb(os.path.join(d, "b.h264"))
            self.assertEqual(len(luma), 8)
            self.assertLess(abs(int(luma.mean()) - 100), 8)  # grey 100 limited-range, back as ~ (100-16)*255/219


class DlpackOnly:
    """An array that offers nothing but DLPack (as JAX arrays do)."""

    def __init__(self, array):
        self.array = array

    def __dlpack__(self, stream=None):
        return self.array.__dlpack__()

    def __dlpack_device__(self):
        return self.array.__dlpack_device__()


class Dlpack(unittest.TestCase):
    def test_dlpack_frames_give_the_same_stream_as_the_arrays_themselves(self):
        frames = clip(t=6)
        with tempfile.TemporaryDirectory() as d:
            nvcast.encode(frames, os.path.join(d, "a.h264"), backend="x264", threads=1)
            nvcast.encode([DlpackOnly(f) for f in frames], os.path.join(d, "b.h264"), backend="x264", threads=1)
            with open(os.path.join(d, "a.h264"), "rb") as a, open(os.path.join(d, "b.h264"), "rb") as b:
                self.assertEqual(a.read(), b.read())
        with self.assertRaises(ValueError) as cm:
            nvcast.Encoder(W, H).send(DlpackOnly(np.zeros((H, W, 3), np.float32)))
        self.assertIn("uint8", str(cm.exception))


class StreamingEncoder(unittest.TestCase):
    def test_packets_come_out_in_order_with_a_forced_keyframe(self):
        frames = clip(t=20)
        packets = []
        with nvcast.Encoder(W, H, codec="h264", fps=30, backend="x264", tune="ll", gop=1000, bitrate="1M") as enc:
            for i, f in enumerate(frames):
                enc.send(f, keyframe=(i == 10))
                packets.extend(enc)
            packets.extend(enc.flush())
            self.assertEqual(enc.stats["frames"], 20)
            self.assertTrue(enc.codec_headers.startswith(b"\x00\x00\x00\x01"))
            enc.set_bitrate(500_000)
        self.assertEqual(len(packets), 20)
        self.assertEqual([p.pts for p in packets], list(range(20)))
        self.assertEqual([i for i, p in enumerate(packets) if p.keyframe], [0, 10])
        self.assertTrue(all(isinstance(p.data, bytes) and len(p) > 0 for p in packets))

    def test_padded_rows_are_read_without_a_copy(self):
        wide = np.zeros((H, W + 32, 3), np.uint8)
        view = wide[:, :W]  # rows padded by 32 pixels
        enc = nvcast.Encoder(W, H, backend="x264")
        enc.send(view)
        self.assertEqual(len(enc.flush()), 1)


class Outputs(unittest.TestCase):
    def test_a_writer_streams_rtp_as_the_pipeline_does(self):
        import socket
        rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        rx.bind(("127.0.0.1", 0))
        rx.settimeout(2)
        port = rx.getsockname()[1]
        with nvcast.Writer(f"rtp://127.0.0.1:{port}", W, H, backend="x264", tune="ll") as w:
            for f in clip(t=10):
                w.write(f)
        packets = []
        try:
            while True:
                packets.append(rx.recv(2048))
        except socket.timeout:
            pass
        self.assertEqual(w.stats["frames"], 10)
        self.assertGreaterEqual(len(packets), 10)
        self.assertTrue(all(p[0] >> 6 == 2 and p[1] & 0x7F == 96 for p in packets))  # RTP v2, PT 96

    def test_a_writer_serves_webrtc_viewers(self):
        with nvcast.Writer("whep://127.0.0.1:0", W, H, backend="x264", tune="ll") as w:
            w.write(clip(t=1)[0])
        self.assertEqual(w.stats["frames"], 1)


class Errors(unittest.TestCase):
    def test_bad_frames_are_value_errors_naming_the_problem(self):
        enc = nvcast.Encoder(W, H, backend="x264")
        cases = [
            (np.zeros((H, W, 3), np.float32), "uint8"),
            (np.zeros((H, W + 2, 3), np.uint8), "takes 320x240"),
            (np.zeros((H, 2 * W, 3), np.uint8)[:, ::2], "contiguous"),
            (np.zeros((H, W, 5), np.uint8), "(H, W, 3)"),
            (np.zeros((7,), np.uint8), "shape (7,)"),
            ("not a frame", "NumPy array"),
        ]
        for frame, words in cases:
            with self.subTest(words=words), self.assertRaises(ValueError) as cm:
                enc.send(frame)
            self.assertIn(words, str(cm.exception))

    def test_bad_options_and_misuse_raise_nvcast_errors(self):
        with self.assertRaises(nvcast.InvalidArgumentError) as cm:
            nvcast.Encoder(W, H, preset="p9")
        self.assertIsInstance(cm.exception, ValueError)
        self.assertIn("p9", str(cm.exception))
        with self.assertRaises(nvcast.Error):
            nvcast.Encoder(W, H, codec="vp8")
        with self.assertRaises(TypeError):
            nvcast.Encoder(W, H, colour="blue")
        with self.assertRaises(ValueError):
            nvcast.Encoder(0, H)
        with self.assertRaises(ValueError):
            nvcast.Encoder(W, H, format="yuyv")
        enc = nvcast.Encoder(W, H, backend="x264")
        enc.flush()
        with self.assertRaises(nvcast.Error) as cm:
            enc.send(clip(t=1)[0])
        self.assertIn("flush", str(cm.exception))
        with tempfile.TemporaryDirectory() as d:
            with self.assertRaises(nvcast.Error):
                nvcast.encode(clip(t=2), os.path.join(d, "out.unknown"))
            with self.assertRaises(nvcast.Error):
                nvcast.encode(clip(t=2), os.path.join(d, "missing", "dir", "out.mp4"))
        with self.assertRaises(ValueError):
            nvcast.encode([], "x.mp4")


class Threads(unittest.TestCase):
    def test_two_encoders_in_threads_overlap(self):
        """With the GIL held during send(), no two send() calls could overlap in time."""
        frames = clip(t=16, w=640, h=480)
        spans = {0: [], 1: []}

        def work(k):
            enc = nvcast.Encoder(640, 480, backend="x264", preset="p7", threads=1)
            for f in frames:
                t0 = time.perf_counter()
                enc.send(f)
                list(enc)
                spans[k].append((t0, time.perf_counter()))
            enc.flush()

        threads = [threading.Thread(target=work, args=(k,)) for k in (0, 1)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        overlap = sum(max(0.0, min(a1, b1) - max(a0, b0)) for a0, a1 in spans[0] for b0, b1 in spans[1])
        self.assertGreater(overlap, 0.0)


if __name__ == "__main__":
    unittest.main()

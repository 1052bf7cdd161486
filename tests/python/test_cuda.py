"""The Python module on a GPU (label gpu; bench/python/run_on_gpu.sh): PyTorch CUDA tensors encoded
by nvh264 without a host copy, byte-identical to the same frames sent from host memory (GPU
preparation and nvh264's CUDA engine both equal their CPU references), and the time from tensor
to file against the common practice (copy to the host, encode with x264) on the same machine."""
import os
import sys
import tempfile
import time
import unittest

import torch

import nvcast

W, H = 1920, 1080


def clip(t):
    """Moving colour ramps made on the GPU, as a model's output would be: (T, H, W, 3) uint8."""
    y = torch.arange(H, device="cuda").view(1, H, 1)
    x = torch.arange(W, device="cuda").view(1, 1, W)
    i = torch.arange(t, device="cuda").view(t, 1, 1)
    r = (x + 4 * i) % 256
    g = (y + 2 * i) % 256
    b = ((x + y + 8 * i) // 4) % 256
    return torch.stack([r.expand(t, H, W), g.expand(t, H, W), b.expand(t, H, W)], dim=3).to(torch.uint8).contiguous()


class CudaTensors(unittest.TestCase):
    def test_tensors_encode_on_the_gpu_without_a_copy_and_equal_the_host_path(self):
        frames = clip(30)
        with tempfile.TemporaryDirectory() as d:
            gpu = nvcast.encode(frames, os.path.join(d, "gpu.h264"), backend="nvh264", fps=30)
            host = nvcast.encode(frames.cpu().numpy(), os.path.join(d, "host.h264"), backend="nvh264", fps=30)
            self.assertEqual(gpu["frames"], 30)
            self.assertEqual(gpu["host_copies"], 0, gpu)
            self.assertEqual(gpu["conversions"], 30)
            with open(os.path.join(d, "gpu.h264"), "rb") as f:
                a = f.read()
            with open(os.path.join(d, "host.h264"), "rb") as f:
                b = f.read()
            self.assertGreater(len(a), 1000)
            self.assertEqual(a, b, "CUDA tensor path and host path must give the same bytes")
            print(f"\nnvh264 selection: {gpu['selection']}", file=sys.stderr)

    def test_a_tensor_with_a_software_backend_is_copied_once_and_counted(self):
        frames = clip(4)
        with tempfile.TemporaryDirectory() as d:
            stats = nvcast.encode(frames, os.path.join(d, "x.h264"), backend="x264")
            self.assertEqual(stats["host_copies"], 4)

    def test_wrong_tensors_are_value_errors(self):
        enc = nvcast.Encoder(W, H, backend="nvh264")
        for bad, words in [(torch.zeros(H, W, 3, device="cuda"), "uint8"),
                           (torch.zeros(H, 2 * W, 3, dtype=torch.uint8, device="cuda")[:, ::2], "contiguous")]:
            with self.subTest(words=words), self.assertRaises(ValueError) as cm:
                enc.send(bad)
            self.assertIn(words, str(cm.exception))


def benchmark(seconds=5, fps=30):
    """Tensor -> file for a 5 s 1080p clip: nvh264 from the tensor vs copy to host + x264."""
    frames = clip(seconds * fps)
    torch.cuda.synchronize()
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for name, run in [
            ("nvh264 from the CUDA tensor (nvcast.encode)",
             lambda: nvcast.encode(frames, os.path.join(d, "a.h264"), backend="nvh264", fps=fps)),
            ("copy to host, then x264 p1 (nvcast.encode)",
             lambda: nvcast.encode(frames.cpu().numpy(), os.path.join(d, "b.h264"), backend="x264", fps=fps, preset="p1")),
            ("copy to host, then x264 p4 (nvcast.encode)",
             lambda: nvcast.encode(frames.cpu().numpy(), os.path.join(d, "c.h264"), backend="x264", fps=fps)),
        ]:
            t0 = time.perf_counter()
            stats = run()
            rows.append((name, time.perf_counter() - t0, stats["bytes"]))
    print(f"| path ({seconds} s of 1080p{fps}, {seconds * fps} frames) | seconds | frames/s | bytes |")
    print("| --- | ---: | ---: | ---: |")
    for name, s, size in rows:
        print(f"| {name} | {s:.2f} | {seconds * fps / s:.1f} | {size} |")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "bench":
        benchmark()
    else:
        unittest.main()

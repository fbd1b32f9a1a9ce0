#!/usr/bin/env python3
"""Writes a generated data set in CIFAR-10's binary format (cifar-10-batches-bin), for a
machine that has no copy of CIFAR-10 (a lent GPU: only the working tree travels there).

    python3 make_cifar_like.py OUT_DIR [--train-batches K] [--per-batch N] [--test N] [--seed S]

OUT_DIR receives data_batch_1.bin .. data_batch_K.bin (N records each; K < 5 makes the partial
set the reader accepts and says so), test_batch.bin and batches.meta.txt. A record is one label
byte and the 32x32 red, green and blue planes. The images are not CIFAR-10: each of the 10
classes is a stripe pattern of its own orientation and frequency, each image with its own
phase, colour, contrast, a little orientation jitter and strong noise. Raw pixels classify about
as well as CIFAR-10's do (10-NN on 2 000 images: 34 %, chance 10 %), so the kNN monitor has
room to rise. Throughput is the same as on real images of that size.
Needs numpy, or torch when numpy is missing.
"""
import argparse
import math
import os
import sys


def generate(count, seed, first_label=0):
    """uint8 records [count, 3073] (label, then R, G, B planes)."""
    try:
        import numpy as np
    except ImportError:
        np = None
    if np is not None:
        rng = np.random.default_rng(seed)
        labels = (np.arange(count) + first_label) % 10
        y, x = np.mgrid[0:32, 0:32].astype(np.float32)
        theta = labels * math.pi / 10 + rng.normal(0, 0.2, count)
        freq = 2 * math.pi * (1.5 + (labels % 3)) / 32
        phase = rng.uniform(0, 2 * math.pi, count)
        along = x[None] * np.cos(theta)[:, None, None] + y[None] * np.sin(theta)[:, None, None]
        wave = np.sin(freq[:, None, None] * along + phase[:, None, None])  # [n, 32, 32]
        colour = rng.uniform(60, 195, (count, 3))
        contrast = rng.uniform(10, 35, count)[:, None, None, None]
        images = colour[:, :, None, None] + contrast * wave[:, None] + rng.normal(0, 60, (count, 3, 32, 32))
        records = np.empty((count, 3073), dtype=np.uint8)
        records[:, 0] = labels
        records[:, 1:] = np.clip(np.rint(images), 0, 255).astype(np.uint8).reshape(count, 3072)
        return records.tobytes()
    import torch  # the same images without numpy
    gen = torch.Generator().manual_seed(seed)
    labels = (torch.arange(count) + first_label) % 10
    y, x = torch.meshgrid(torch.arange(32.0), torch.arange(32.0), indexing="ij")
    theta = labels.double() * math.pi / 10 + 0.2 * torch.randn(count, generator=gen, dtype=torch.double)
    freq = 2 * math.pi * (1.5 + (labels % 3).double()) / 32
    phase = torch.rand(count, generator=gen, dtype=torch.double) * 2 * math.pi
    along = x[None] * torch.cos(theta)[:, None, None] + y[None] * torch.sin(theta)[:, None, None]
    wave = torch.sin(freq[:, None, None] * along + phase[:, None, None])
    colour = torch.rand(count, 3, generator=gen, dtype=torch.double) * 135 + 60
    contrast = (torch.rand(count, generator=gen, dtype=torch.double) * 25 + 10)[:, None, None, None]
    noise = 60 * torch.randn(count, 3, 32, 32, generator=gen, dtype=torch.double)
    images = colour[:, :, None, None] + contrast * wave[:, None] + noise
    pixels = images.round().clamp(0, 255).to(torch.uint8).reshape(count, 3072)
    records = torch.cat([labels.to(torch.uint8)[:, None], pixels], dim=1).contiguous()
    return bytes(records.view(-1).tolist())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--train-batches", type=int, default=1, help="1..5 (default 1: a partial set)")
    parser.add_argument("--per-batch", type=int, default=10000)
    parser.add_argument("--test", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    if not 1 <= args.train_batches <= 5 or args.per_batch < 1 or args.test < 1:
        sys.exit("--train-batches must be 1..5, --per-batch and --test >= 1")
    os.makedirs(args.out, exist_ok=True)
    for i in range(1, args.train_batches + 1):
        with open(os.path.join(args.out, f"data_batch_{i}.bin"), "wb") as f:
            f.write(generate(args.per_batch, args.seed + i))
    for i in range(args.train_batches + 1, 6):  # a stale batch of an earlier, larger set
        path = os.path.join(args.out, f"data_batch_{i}.bin")
        if os.path.exists(path):
            os.remove(path)
    with open(os.path.join(args.out, "test_batch.bin"), "wb") as f:
        f.write(generate(args.test, args.seed + 100))
    with open(os.path.join(args.out, "batches.meta.txt"), "w") as f:
        f.write("\n".join(f"pattern_{c}" for c in range(10)) + "\n")
    print(f"generated CIFAR-format set in {args.out}: {args.train_batches} training batch(es) of "
          f"{args.per_batch} images, test_batch of {args.test} (not CIFAR-10: noisy stripe patterns)")


if __name__ == "__main__":
    main()

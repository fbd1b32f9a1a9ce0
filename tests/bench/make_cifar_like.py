#!/usr/bin/env python3
"""Writes a generated data set in CIFAR-10's binary format (cifar-10-batches-bin), for a
machine that has no copy of CIFAR-10 (a lent GPU: only the working tree travels there).

    python3 make_cifar_like.py OUT_DIR [--train-batches K] [--per-batch N] [--test N] [--seed S]

OUT_DIR receives data_batch_1.bin .. data_batch_K.bin (N records each; K < 5 makes the partial
set the reader accepts and says so), test_batch.bin and batches.meta.txt. A record is one label
byte and the 32x32 red, green and blue planes. The images are not CIFAR-10: each of the 10
classes is a shape (disk, ring, square, diamond, plus, cross, triangle, horizontal bar,
vertical bar, two dots) at a random place and size, in a random colour on a random background,
with noise. SimCLR's augmentations (crops, flips, colour jitter, greyscale) keep a shape's
identity, so contrastive training has something to learn and the kNN monitor can rise above
chance (10 %); throughput is the same as on real images of that size. Needs only torch.
"""
import argparse
import os
import sys


def shape_masks(label, dx, dy):
    """bool [n, 32, 32]: the pixels of shape `label` in coordinates centred on it, radius 1."""
    ax, ay, r2 = dx.abs(), dy.abs(), dx * dx + dy * dy
    return [
        r2 <= 1,                                                          # disk
        (r2 <= 1) & (r2 >= 0.45),                                         # ring
        (ax <= 0.8) & (ay <= 0.8),                                        # square
        ax + ay <= 1,                                                     # diamond
        ((ax <= 0.25) & (ay <= 1)) | ((ay <= 0.25) & (ax <= 1)),          # plus
        ((ax - ay).abs() <= 0.25) & (ax <= 0.9) & (ay <= 0.9),            # cross
        (dy <= 0.8) & (ax <= (dy + 0.9) * 0.55),                          # triangle, apex up
        (ay <= 0.3) & (ax <= 1),                                          # horizontal bar
        (ax <= 0.3) & (ay <= 1),                                          # vertical bar
        ((dx - 0.5) ** 2 + dy * dy <= 0.16) | ((dx + 0.5) ** 2 + dy * dy <= 0.16),  # two dots
    ][label]


def generate(count, seed, first_label=0):
    """The records as bytes: count x (label, then the R, G, B planes), label i % 10."""
    import ctypes

    import torch

    gen = torch.Generator().manual_seed(seed)
    uniform = lambda lo, hi, *shape: torch.rand(*shape, generator=gen) * (hi - lo) + lo
    labels = (torch.arange(count) + first_label) % 10
    yy, xx = torch.meshgrid(torch.arange(32.0), torch.arange(32.0), indexing="ij")
    cx, cy, radius = uniform(11, 21, count), uniform(11, 21, count), uniform(6, 11, count)
    dx = (xx[None] - cx[:, None, None]) / radius[:, None, None]
    dy = (yy[None] - cy[:, None, None]) / radius[:, None, None]
    mask = torch.zeros(count, 32, 32, dtype=torch.bool)
    for c in range(10):
        idx = (labels == c).nonzero().flatten()
        mask[idx] = shape_masks(c, dx[idx], dy[idx])
    background = uniform(0, 255, count, 3)
    foreground = (background + uniform(70, 185, count, 3)) % 256  # always far from the background
    colours = torch.where(mask[:, None], foreground[:, :, None, None], background[:, :, None, None])
    images = colours + 28 * torch.randn(count, 3, 32, 32, generator=gen)
    records = torch.empty(count, 3073, dtype=torch.uint8)
    records[:, 0] = labels.to(torch.uint8)
    records[:, 1:] = images.round().clamp(0, 255).to(torch.uint8).reshape(count, 3072)
    return ctypes.string_at(records.data_ptr(), records.numel())


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
        f.write("disk\nring\nsquare\ndiamond\nplus\ncross\ntriangle\nhbar\nvbar\ntwo-dots\n")
    print(f"generated CIFAR-format set in {args.out}: {args.train_batches} training batch(es) of "
          f"{args.per_batch} images, test_batch of {args.test} (not CIFAR-10: shapes on noise)")


if __name__ == "__main__":
    main()

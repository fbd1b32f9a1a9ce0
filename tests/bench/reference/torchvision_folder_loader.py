#!/usr/bin/env python3
"""The reference for bench_streaming_loader: torchvision's ImageFolder and a DataLoader
with N worker processes, as public training scripts read a folder of JPEGs: every image
once per epoch in a shuffled order, decoded by PIL, resized and centre-cropped to the same
size, as uint8 tensors (PILToTensor: no float conversion, as ours gives uint8).

    /usr/bin/python3 tests/bench/reference/torchvision_folder_loader.py --folder DIR \
        [--image-size 64] [--batch 256] [--workers 2] [--epochs 1] [--json FILE]

Run it under tests/bench/peak_rss.py for the peak RSS of the process and its workers.
"""
import argparse
import json
import time

import torch
from torch.utils.data import DataLoader
from torchvision import datasets, transforms


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--folder", required=True)
    p.add_argument("--image-size", type=int, default=64)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--json")
    a = p.parse_args()
    torch.set_num_threads(1)
    transform = transforms.Compose(
        [transforms.Resize(a.image_size), transforms.CenterCrop(a.image_size), transforms.PILToTensor()])
    folder = datasets.ImageFolder(a.folder, transform=transform)
    generator = torch.Generator().manual_seed(1)
    loader = DataLoader(folder, batch_size=a.batch, shuffle=True, num_workers=a.workers, generator=generator,
                        persistent_workers=a.workers > 0)
    epoch_s = []
    checksum = 0
    for epoch in range(a.epochs):
        start = time.perf_counter()
        for images, _ in loader:
            checksum += int(images[:, 0, 0, 0].sum())
        epoch_s.append(time.perf_counter() - start)
        print(f"epoch {epoch + 1}: {len(folder)} images in {epoch_s[-1]:.1f} s, {len(folder) / epoch_s[-1]:.0f} images/s",
              flush=True)
    best = min(epoch_s)
    print(f"reference: {len(folder) / best:.0f} images/s (best epoch), torch {torch.__version__}, "
          f"{a.workers} DataLoader workers (checksum {checksum})")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"benchmark": "torchvision_folder_loader", "torch": torch.__version__, "images": len(folder),
                       "image_size": a.image_size, "batch": a.batch, "workers": a.workers, "epoch_s": epoch_s,
                       "images_per_s": len(folder) / best}, f, indent=1)


if __name__ == "__main__":
    main()

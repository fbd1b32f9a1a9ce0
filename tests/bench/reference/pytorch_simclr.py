#!/usr/bin/env python3
"""The reference the benchmarks compare against: SimCLR as a typical public PyTorch script
writes it, run with Debian's python3-torch and python3-torchvision on the same data, batch
size, model shapes and thread count as ours.

    python3 pytorch_simclr.py --mode MODE --json OUT.json [--data DIR] [--threads 2]
        [--workers N] [--batch 256] [--model quickstart|resnet18] [--preset NAME]
        [--size 32|224] [--warmup N] [--repeats N] [--images N]
        [--device cpu|cuda|cuda:N] [--setting public|fast] [--epoch-images 50000]

MODE:
  augmentation  images/s of one view through torchvision transforms applied per PIL image
                in a DataLoader (as torchvision.datasets.CIFAR10 + transforms does), for the
                preset-equivalent pipeline at --size, ToTensor and Normalize included
  model_step    ms per forward + NT-Xent + backward + SGD step on fixed noise, 2 x batch views
  train         end-to-end views/s: DataLoader making two views per image, model, loss, SGD
  features      images/s of feature extraction (eval mode, no_grad) through a DataLoader
  knn           ms of the usual weighted kNN monitor (Wu et al. 2018, k = 200, T = 0.1) over
                10 000 queries against a 50 000-row bank of 512-d features, 512 queries a batch

Device and setting (modes train and model_step): --device cuda moves the model and each
batch there (the DataLoader pins memory on CUDA, as public scripts do). --setting public is
how public scripts run it: float32, contiguous (NCHW) tensors. --setting fast is the same
with channels_last tensors and bf16 autocast (torch.autocast). train reports seconds per
--epoch-images epoch (images/s from the timed steps, DataLoader waits included) and, on
CUDA, the peak memory of PyTorch's caching allocator and the GPU's name.

The model: torchvision's resnet18 with the CIFAR stem (3x3 stride-1 conv1, no max-pool,
fc = Identity) and a projection head 512 -> 512 (no bias) -> BN -> ReLU -> 128, like ours.
"quickstart" is the same network at width 16 (stages 16, 32, 64, 128), made by scaling
torchvision's own ResNet, since resnet18() has only width 64.

Threads: torch.set_num_threads(--threads) in the main process. DataLoader workers (each
single-threaded, as PyTorch makes them) default to --threads as well: on a 2-core machine a
typical script's num_workers=2 is the sensible choice (more workers only time-slice the same
cores; 0 puts the per-image work on the training thread). Peak memory: this process's
ru_maxrss (the figure compared) and, separately, the largest worker's.

CIFAR-10 is read from the binary batches (cifar-10-batches-bin) with numpy: no download. A
partial set (data_batch_1.bin .. data_batch_k.bin, e.g. a generated one from
make_cifar_like.py) is used as it is; train then cycles through its images so that a step
costs what it costs on the whole set.
Without --data (or $SIMCLR_DATA_DIR) the modes that need images use seeded random pixels.
"""
import argparse
import json
import os
import resource
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from PIL import Image
from torchvision import transforms as T
from torchvision.models.resnet import BasicBlock, ResNet

MEAN = (0.4914, 0.4822, 0.4465)
STD = (0.2470, 0.2435, 0.2616)


# ---- data ---------------------------------------------------------------------------------

def find_cifar(data_dir):
    for root in [data_dir, os.environ.get("SIMCLR_DATA_DIR")]:
        if not root:
            continue
        for d in [root, os.path.join(root, "cifar-10-batches-bin")]:
            if os.path.exists(os.path.join(d, "test_batch.bin")):
                return d
    return None


def read_batches(directory, names):
    """uint8 [N, 32, 32, 3] (HWC, as torchvision.datasets.CIFAR10 keeps it) and labels [N]."""
    records = np.concatenate([np.fromfile(os.path.join(directory, n), dtype=np.uint8).reshape(-1, 3073)
                              for n in names])
    return records[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1).copy(), records[:, 0].astype(np.int64)


def load_split(data_dir, train, count=None):
    directory = find_cifar(data_dir)
    if directory is None:
        n = count or (50000 if train else 10000)
        rng = np.random.default_rng(3)
        return rng.integers(0, 256, (n, 32, 32, 3), dtype=np.uint8), np.arange(n) % 10, "random pixels"
    names = ([f"data_batch_{i}.bin" for i in range(1, 6) if os.path.exists(os.path.join(directory, f"data_batch_{i}.bin"))]
             if train else ["test_batch.bin"])
    images, labels = read_batches(directory, names)
    if count:
        images, labels = images[:count], labels[:count]
    return images, labels, "cifar10"


class ImageArray(torch.utils.data.Dataset):
    """torchvision.datasets.CIFAR10's __getitem__: a PIL image through the transform."""

    def __init__(self, images, labels, transform, length=None):
        self.images, self.labels, self.transform = images, labels, transform
        self.length = length or len(images)  # longer than the images: they are cycled

    def __len__(self):
        return self.length

    def __getitem__(self, i):
        i %= len(self.images)
        return self.transform(Image.fromarray(self.images[i])), int(self.labels[i])


class TwoViews:
    def __init__(self, transform):
        self.transform = transform

    def __call__(self, image):
        return self.transform(image), self.transform(image)


# ---- augmentations: the torchvision equivalents of engine/augment's presets ---------------

def preset_transform(preset, size):
    tail = [T.ToTensor(), T.Normalize(MEAN, STD)]
    resize = [] if size == 32 else [T.Resize(size)]
    if preset == "none":
        return T.Compose(resize + tail)
    if preset == "paper":  # the seed paper's Algorithm 1
        crop = T.Compose([T.RandomResizedCrop(size, scale=(0.7, 1.0), ratio=(0.8, 1.2)), T.RandomHorizontalFlip(0.3)])
        jitter = T.Compose(resize + [T.RandomHorizontalFlip(0.3), T.ColorJitter(0.1, 0.1, 0.1, 0.05)])
        return T.Compose([T.RandomChoice([crop, jitter])] + tail)
    if preset == "simclr-cifar":
        return T.Compose([T.RandomResizedCrop(size, scale=(0.2, 1.0)), T.RandomHorizontalFlip(),
                          T.RandomApply([T.ColorJitter(0.4, 0.4, 0.4, 0.1)], p=0.8), T.RandomGrayscale(0.1)] + tail)
    if preset == "simclr-imagenet":
        kernel = max(3, int(0.1 * size) // 2 * 2 + 1)
        return T.Compose([T.RandomResizedCrop(size, scale=(0.08, 1.0)), T.RandomHorizontalFlip(),
                          T.RandomApply([T.ColorJitter(0.8, 0.8, 0.8, 0.2)], p=0.8), T.RandomGrayscale(0.2),
                          T.RandomApply([T.GaussianBlur(kernel, (0.1, 2.0))], p=0.5)] + tail)
    raise SystemExit(f"unknown preset {preset}")


# ---- model and loss -----------------------------------------------------------------------

class NarrowResNet18(ResNet):
    """torchvision's ResNet-18 with every stage scaled to `width` channels (64 = resnet18())."""

    def __init__(self, width):
        self.scaled_width, self.first_layer = width, True
        super().__init__(BasicBlock, [2, 2, 2, 2])

    def _make_layer(self, block, planes, blocks, stride=1, dilate=False):
        if self.first_layer:
            self.inplanes, self.first_layer = self.scaled_width, False
        return super()._make_layer(block, planes * self.scaled_width // 64, blocks, stride, dilate)


def make_model(name):
    width = 16 if name == "quickstart" else 64
    encoder = torchvision.models.resnet18() if width == 64 else NarrowResNet18(width)
    encoder.conv1 = nn.Conv2d(3, width, 3, 1, 1, bias=False)
    encoder.bn1 = nn.BatchNorm2d(width)
    encoder.maxpool = nn.Identity()
    encoder.fc = nn.Identity()
    features = 8 * width
    head = nn.Sequential(nn.Linear(features, 512, bias=False), nn.BatchNorm1d(512), nn.ReLU(inplace=True),
                         nn.Linear(512, 128))
    return nn.Sequential(encoder, head)


def nt_xent(z1, z2, temperature):
    z = F.normalize(torch.cat([z1, z2]), dim=1)
    n = z1.shape[0]
    sim = (z @ z.t()) / temperature
    sim = sim.masked_fill(torch.eye(2 * n, dtype=torch.bool, device=z.device), float("-inf"))
    targets = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)]).to(z.device)
    return F.cross_entropy(sim, targets)


def make_optimizer(model):
    return torch.optim.SGD(model.parameters(), lr=0.06, momentum=0.9, weight_decay=5e-4)


# ---- measurements -------------------------------------------------------------------------

def summary(samples):
    s = np.sort(np.asarray(samples, dtype=np.float64))
    if len(s) == 0:
        return {"median": 0, "min": 0, "max": 0, "q1": 0, "q3": 0, "repeats": 0}
    return {"median": float(np.quantile(s, 0.5)), "min": float(s[0]), "max": float(s[-1]),
            "q1": float(np.quantile(s, 0.25)), "q3": float(np.quantile(s, 0.75)), "repeats": int(len(s))}


def per_second(ms, units):
    rate = lambda v: 1000.0 * units / v if v > 0 else 0.0
    return {"median": rate(ms["median"]), "min": rate(ms["max"]), "max": rate(ms["min"]), "q1": rate(ms["q3"]),
            "q3": rate(ms["q1"]), "repeats": ms["repeats"]}


def timed_loader_groups(loader, warmup, repeats, group, work=None):
    """ms per group of `group` batches after `warmup` batches. With W workers each building a
    whole batch, batches arrive W at a time: one sample per W batches is the steady rate."""
    samples, it = [], iter(loader)
    for _ in range(warmup):
        batch = next(it)
        if work:
            work(batch)
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(group):
            batch = next(it)
            if work:
                work(batch)
        samples.append(1000 * (time.perf_counter() - start) / group)
    del it  # joins the workers, so their peak memory is counted
    return summary(samples)


def loader(dataset, args, shuffle=False, batch=None):
    return torch.utils.data.DataLoader(dataset, batch_size=batch or args.batch, shuffle=shuffle, drop_last=True,
                                       num_workers=args.workers, persistent_workers=False,
                                       pin_memory=args.device.startswith("cuda"))


def on_device(model, args):
    """The model on --device, channels_last in the fast setting."""
    model = model.to(args.device)
    return model.to(memory_format=torch.channels_last) if args.setting == "fast" else model


def views_to_device(x, args):
    x = x.to(args.device, non_blocking=True)
    return x.contiguous(memory_format=torch.channels_last) if args.setting == "fast" else x


def autocast(args):
    """bf16 autocast in the fast setting, nothing in the public one."""
    return torch.autocast(device_type=torch.device(args.device).type, dtype=torch.bfloat16,
                          enabled=args.setting == "fast")


def run_augmentation(args, report):
    count = args.batch * (args.warmup + args.repeats * max(1, args.workers) + 2)
    images, labels, report["data"] = load_split(args.data, True, count)
    dataset = ImageArray(images, labels, preset_transform(args.preset, args.size))
    ms = timed_loader_groups(loader(dataset, args), args.warmup, args.repeats, max(1, args.workers))
    report.update(name=f"{args.preset} {args.size}px", ms_per_batch=ms, images_per_s=per_second(ms, args.batch))


def run_model_step(args, report):
    torch.manual_seed(5)
    model = on_device(make_model(args.model).train(), args)
    optimizer = make_optimizer(model)
    x = views_to_device(torch.randn(2 * args.batch, 3, 32, 32, generator=torch.Generator().manual_seed(9)), args)
    losses, samples = [], []
    for i in range(args.warmup + args.repeats):
        start = time.perf_counter()
        with autocast(args):
            z = model(x)
        z = z.float()
        loss = nt_xent(z[:args.batch], z[args.batch:], 0.2)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if i >= args.warmup:
            samples.append(1000 * (time.perf_counter() - start))
    ms = summary(samples)
    report.update(name=args.model, step_ms=ms, views_per_s=per_second(ms, 2 * args.batch), losses=losses)


def run_train(args, report):
    images, labels, report["data"] = load_split(args.data, True)
    report["data_images"] = len(images)
    needed = args.batch * (args.warmup + args.repeats + 2)
    dataset = ImageArray(images, labels, TwoViews(preset_transform("simclr-cifar", 32)), max(len(images), needed))
    torch.manual_seed(5)
    model = on_device(make_model(args.model).train(), args)
    optimizer = make_optimizer(model)
    losses = []

    def step(batch):
        (v1, v2), _ = batch
        x = views_to_device(torch.cat([v1, v2]), args)
        with autocast(args):
            z = model(x)
        z = z.float()
        loss = nt_xent(z[:args.batch], z[args.batch:], 0.2)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())

    ms = timed_loader_groups(loader(dataset, args, shuffle=True), args.warmup, args.repeats, 1, step)
    images_per_s = 1000.0 * args.batch / ms["median"] if ms["median"] > 0 else 0.0
    report.update(name=args.model, step_ms=ms, views_per_s=per_second(ms, 2 * args.batch), losses=losses,
                  seconds_per_epoch=args.epoch_images / images_per_s if images_per_s > 0 else None,
                  epoch_images=args.epoch_images)


def run_features(args, report):
    images, labels, report["data"] = load_split(args.data, False, args.images)
    dataset = ImageArray(images, labels, preset_transform("none", 32))
    torch.manual_seed(5)
    model = make_model(args.model).eval()
    samples = []
    with torch.no_grad():
        for i in range(args.warmup + args.repeats):
            start = time.perf_counter()
            for x, _ in torch.utils.data.DataLoader(dataset, batch_size=args.batch, num_workers=args.workers):
                model[1](model[0](x))
            if i >= args.warmup:
                samples.append(1000 * (time.perf_counter() - start))
    ms = summary(samples)
    report.update(name=args.model, images=len(dataset), ms=ms, images_per_s=per_second(ms, len(dataset)))


def run_knn(args, report, k=200, temperature=0.1, dim=512, classes=10):
    _, bank_labels, report["data"] = load_split(args.data, True)
    _, query_labels, _ = load_split(args.data, False)
    gen = torch.Generator().manual_seed(21)
    centres = torch.randn(classes, dim, generator=gen)
    bank_y, query_y = torch.from_numpy(bank_labels), torch.from_numpy(query_labels)
    bank = (centres[bank_y] + torch.randn(len(bank_y), dim, generator=gen)).relu()
    queries = (centres[query_y] + torch.randn(len(query_y), dim, generator=gen)).relu()
    samples, top1 = [], 0.0
    with torch.no_grad():
        for _ in range(args.repeats):
            start = time.perf_counter()
            feature_bank = F.normalize(bank, dim=1).t().contiguous()  # [D, M]
            correct = 0
            for b in range(0, len(queries), 512):
                feature, target = F.normalize(queries[b:b + 512], dim=1), query_y[b:b + 512]
                sim_matrix = torch.mm(feature, feature_bank)
                sim_weight, sim_indices = sim_matrix.topk(k=k, dim=-1)
                sim_labels = torch.gather(bank_y.expand(feature.size(0), -1), dim=-1, index=sim_indices)
                sim_weight = (sim_weight / temperature).exp()
                one_hot = torch.zeros(feature.size(0) * k, classes).scatter(-1, sim_labels.view(-1, 1), 1.0)
                scores = torch.sum(one_hot.view(feature.size(0), -1, classes) * sim_weight.unsqueeze(-1), dim=1)
                correct += (scores.argsort(dim=-1, descending=True)[:, 0] == target).sum().item()
            samples.append(1000 * (time.perf_counter() - start))
            top1 = correct / len(queries)
    report.update(name="knn", queries=len(queries), bank=len(bank), dim=dim, k=k, top1=top1, ms=summary(samples))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", required=True, choices=["augmentation", "model_step", "train", "features", "knn"])
    parser.add_argument("--json", required=True)
    parser.add_argument("--data")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=None, help="DataLoader workers (default: --threads)")
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--model", choices=["quickstart", "resnet18"], default="resnet18")
    parser.add_argument("--preset", default="simclr-cifar")
    parser.add_argument("--size", type=int, default=32)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--images", type=int, default=2048)
    parser.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N (modes train and model_step)")
    parser.add_argument("--setting", choices=["public", "fast"], default="public",
                        help="public: fp32 NCHW as public scripts run it; fast: channels_last + bf16 autocast")
    parser.add_argument("--epoch-images", type=int, default=50000, help="images of an epoch for seconds_per_epoch")
    args = parser.parse_args()
    if args.workers is None:
        args.workers = args.threads
    torch.set_num_threads(args.threads)
    cuda = args.device.startswith("cuda")
    if args.device != "cpu" and args.mode not in ("train", "model_step"):
        raise SystemExit(f"--device {args.device}: only the modes train and model_step run on a device")
    if args.setting == "fast" and args.mode not in ("train", "model_step"):
        raise SystemExit("--setting fast: only the modes train and model_step")
    if cuda and not torch.cuda.is_available():
        raise SystemExit(f"--device {args.device}: this PyTorch ({torch.__version__}) sees no CUDA device")
    if cuda:
        torch.cuda.reset_peak_memory_stats(args.device)

    report = {"benchmark": f"reference_{args.mode}", "mode": args.mode, "threads": args.threads,
              "workers": args.workers, "batch_size": args.batch, "model": args.model,
              "device": args.device, "setting": args.setting,
              "torch": torch.__version__, "torchvision": torchvision.__version__}
    {"augmentation": run_augmentation, "model_step": run_model_step, "train": run_train,
     "features": run_features, "knn": run_knn}[args.mode](args, report)
    report["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    report["largest_worker_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
    if cuda:
        report["gpu"] = torch.cuda.get_device_name(args.device)
        report["cuda"] = torch.version.cuda
        report["peak_cuda_allocated_mib"] = torch.cuda.max_memory_allocated(args.device) / 2 ** 20
        report["peak_cuda_reserved_mib"] = torch.cuda.max_memory_reserved(args.device) / 2 ** 20
    with open(args.json, "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    print(json.dumps({k: report[k] for k in report if k not in ("losses",)}))


if __name__ == "__main__":
    main()

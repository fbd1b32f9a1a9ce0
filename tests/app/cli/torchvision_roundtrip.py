"""The PyTorch side of test_export_weights_command.

torchvision_roundtrip.py load WEIGHTS REFERENCE TOLERANCE
    Loads an encoder written by `simclr-cli export weights` into torchvision's resnet18 the
    way the README tells users to, with strict=True, and compares its features with the ones
    the C++ encoder computed. REFERENCE: a torch.load-able dict {"x": [B, 3, H, W],
    "h": [B, 512]} written by the C++ test. Prints the largest difference; exit 0 when it is
    within TOLERANCE, 1 otherwise.

torchvision_roundtrip.py save OUT_DIR
    The reverse: a randomly initialised torchvision resnet18 (ImageNet stem, BN statistics
    moved by a few training-mode forwards) saved as OUT_DIR/resnet18.pt (a plain dict),
    OUT_DIR/resnet18-ordered.pt (the OrderedDict model.state_dict() returns) and
    OUT_DIR/reference.pt {"x", "h"} with its features in eval mode.
"""
import sys

import torch
import torchvision


def load(weights, reference, tolerance):
    # The README's three lines.
    m = torchvision.models.resnet18(); m.fc = torch.nn.Identity(); m.maxpool = torch.nn.Identity(); m.conv1 = torch.nn.Conv2d(3, 64, 3, 1, 1, bias=False)
    m.load_state_dict(torch.load(weights)); m.eval()   # strict: every name and shape matches

    # The unmodified torchvision stem must not accept it: the file really has the CIFAR stem.
    plain = torchvision.models.resnet18(); plain.fc = torch.nn.Identity()
    try:
        plain.load_state_dict(torch.load(weights), strict=True)
        print("error: torchvision's ImageNet stem accepted a CIFAR-stem conv1")
        return 1
    except RuntimeError:
        pass

    ref = torch.load(reference)
    with torch.no_grad():
        h = m(ref["x"].float())
    diff = (h - ref["h"]).abs().max().item()
    print(f"features {tuple(h.shape)}, max |h| {ref['h'].abs().max().item():.4g}, "
          f"max abs diff {diff:.3g} (tolerance {tolerance:g})")
    return 0 if h.shape == ref["h"].shape and diff <= tolerance else 1


def save(out_dir):
    torch.manual_seed(11)
    m = torchvision.models.resnet18(); m.fc = torch.nn.Identity()
    m.train()
    with torch.no_grad():
        for _ in range(3):
            m(torch.randn(8, 3, 64, 64))  # running statistics away from 0 and 1
    m.eval()
    x = torch.randn(4, 3, 64, 64)
    with torch.no_grad():
        h = m(x)
    torch.save(dict(m.state_dict()), f"{out_dir}/resnet18.pt")
    torch.save(m.state_dict(), f"{out_dir}/resnet18-ordered.pt")
    torch.save({"x": x, "h": h}, f"{out_dir}/reference.pt")
    print(f"saved resnet18, features {tuple(h.shape)}")
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "load":
        sys.exit(load(sys.argv[2], sys.argv[3], float(sys.argv[4])))
    sys.exit(save(sys.argv[2]))

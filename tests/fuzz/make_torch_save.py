#!/usr/bin/env python3
# python3 tests/fuzz/make_torch_save.py tests/fuzz/corpus/torchvision_weights/python-pickler.pth
# Writes what torch.save(dict_of_tensors) writes, without torch: a zip of archive/data.pkl
# (protocol 2, persistent ids for storages, torch._utils._rebuild_tensor_v2) and the raw
# storages, so the workbench's guards are checked against Python's own pickler.
import collections, io, pickle, struct, sys, types, zipfile

torch = types.ModuleType("torch"); utils = types.ModuleType("torch._utils")
class FloatStorage: pass
class LongStorage: pass
FloatStorage.__module__ = LongStorage.__module__ = "torch"
torch.FloatStorage, torch.LongStorage = FloatStorage, LongStorage
def _rebuild_tensor_v2(*a): pass
_rebuild_tensor_v2.__module__ = "torch._utils"
utils._rebuild_tensor_v2 = _rebuild_tensor_v2
torch._utils = utils
sys.modules["torch"], sys.modules["torch._utils"] = torch, utils

class Storage:
    def __init__(self, kind, key, values): self.kind, self.key, self.values = kind, key, values
class Tensor:
    def __init__(self, storage, size): self.storage, self.size = storage, size
    def __reduce_ex__(self, proto):
        stride = tuple(int(__import__("math").prod(self.size[i + 1:])) for i in range(len(self.size)))
        return (_rebuild_tensor_v2, (self.storage, 0, self.size, stride, False, collections.OrderedDict()))

class P(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            return ("storage", obj.kind, obj.key, "cpu", len(obj.values))
        return None

storages = [Storage(FloatStorage, "0", [0.0] * (4 * 3 * 3 * 3)), Storage(FloatStorage, "1", [0.5] * 4),
            Storage(LongStorage, "2", [3])]
state = {"conv1.weight": Tensor(storages[0], (4, 3, 3, 3)), "bn1.running_mean": Tensor(storages[1], (4,)),
         "bn1.num_batches_tracked": Tensor(storages[2], ())}
buf = io.BytesIO(); P(buf, protocol=2).dump(state)
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_STORED) as z:
    z.writestr("archive/data.pkl", buf.getvalue())
    for s in storages:
        fmt = "<%dq" % len(s.values) if s.kind is LongStorage else "<%df" % len(s.values)
        z.writestr("archive/data/" + s.key, struct.pack(fmt, *s.values))
    z.writestr("archive/version", "3\n")

#pragma once
// A check of a pickle (protocol 2: what torch.save and LibTorch's pickler write) before
// LibTorch's unpickler runs it. Debian's LibTorch 1.13 unpickler pops its stack and its
// marks without looking and trusts memo indexes and lengths (pytorch/pytorch#77573, #94300,
// #103667, #185443), and parses the names of GLOBALs it does not know and the type tags of
// restore_type_tag as TorchScript types (its parser throws std::runtime_error, not
// c10::Error, on what it cannot parse). So a damaged data.pkl can crash the process. This walks
// the opcodes as the unpickler does, keeping the stack, the marks and the memo (strings and
// globals by their text, short tuples by their items), and rejects what would pop an empty
// stack, read past the end, grow the memo out of order, or hand the type parser anything but
// a Python name or a plain type ("Dict[str, Tensor]"). A well-formed pickle of the wrong
// things is still for the unpickler (and the caller) to refuse.
#include <string>

namespace simclr {

// Why `bytes` is not a pickle LibTorch's unpickler may run ("byte 17: SETITEMS without a
// MARK above a dict, or with an odd number of values"), or "".
std::string pickle_damage(const std::string& bytes);

}  // namespace simclr

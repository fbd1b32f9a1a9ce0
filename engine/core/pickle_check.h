#pragma once
// A check of a pickle (protocol 2 to 4, what torch.save and LibTorch's pickler write) before
// LibTorch's unpickler runs it. Debian's LibTorch 1.13 unpickler pops its stack and its
// marks without looking and trusts memo indexes and lengths (pytorch/pytorch#77573, #94300,
// #103667, #185443), so a damaged data.pkl crashes the process instead of failing. This
// walks the opcodes as the unpickler would, counting the stack, the marks and the memo,
// and rejects what would pop an empty stack, read past the end, or ask for a huge memo.
// It does not know what the values are: a well-formed pickle of the wrong things is still
// for the unpickler (and the caller) to refuse.
#include <string>

namespace simclr {

// Why `bytes` is not a pickle LibTorch's unpickler may run ("byte 17: SETITEMS with an odd
// number of items"), or "".
std::string pickle_damage(const std::string& bytes);

}  // namespace simclr

#include "engine/core/pickle_check.h"

#include <cstdint>
#include <vector>

namespace simclr {

namespace {

uint64_t le(const std::string& b, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(b[at + i]);
  return v;
}

constexpr uint64_t kMaxMemo = 1u << 24;

}  // namespace

std::string pickle_damage(const std::string& b) {
  size_t depth = 0;           // values on the stack
  std::vector<size_t> marks;  // stack depths at each MARK
  std::vector<bool> memo;     // which memo slots hold a value
  size_t at = 0;
  auto where = [&](size_t op_at, const std::string& why) { return "byte " + std::to_string(op_at) + ": " + why; };
  while (at < b.size()) {
    const size_t op_at = at;
    const unsigned char op = static_cast<unsigned char>(b[at++]);
    // Reads an argument of n bytes; false when the pickle ends first.
    auto arg = [&](uint64_t n, uint64_t& v) {
      if (n > b.size() - at) return false;
      v = n <= 8 ? le(b, at, static_cast<int>(n)) : 0;
      at += static_cast<size_t>(n);
      return true;
    };
    auto skip = [&](uint64_t n) {
      if (n > b.size() - at) return false;
      at += static_cast<size_t>(n);
      return true;
    };
    auto line = [&] {  // a newline-terminated argument (GLOBAL's module and name)
      const size_t end = b.find('\n', at);
      if (end == std::string::npos) return false;
      at = end + 1;
      return true;
    };
    auto need = [&](size_t n) { return depth >= n && (marks.empty() || depth - marks.back() >= n); };
    auto to_mark = [&](size_t below) -> bool {  // pops to the last mark; `below` values must lie under it
      if (marks.empty() || marks.back() > depth || marks.back() < below) return false;
      return true;
    };
    uint64_t v = 0;
    switch (op) {
      case 0x80:  // PROTO
        if (!arg(1, v)) return where(op_at, "cut short");
        break;
      case 0x95:  // FRAME
        if (!arg(8, v)) return where(op_at, "cut short");
        break;
      case '.':  // STOP
        if (depth != 1 || !marks.empty()) return where(op_at, "STOP with " + std::to_string(depth) + " values left");
        return {};  // the unpickler ignores what follows STOP
      case '(':     // MARK
        marks.push_back(depth);
        break;
      case '0':  // POP
        if (!need(1)) return where(op_at, "POP of an empty stack");
        --depth;
        break;
      case '1':  // POP_MARK
        if (!to_mark(0)) return where(op_at, "POP_MARK without a MARK");
        depth = marks.back();
        marks.pop_back();
        break;
      case '2':  // DUP
        if (!need(1)) return where(op_at, "DUP of an empty stack");
        ++depth;
        break;
      case 'N':
      case 0x88:
      case 0x89:
      case ')':
      case ']':
      case '}':
      case 0x8f:  // NONE, TRUE, FALSE, empties
        ++depth;
        break;
      case 'K':  // BININT1
        if (!arg(1, v)) return where(op_at, "cut short");
        ++depth;
        break;
      case 'M':  // BININT2
        if (!arg(2, v)) return where(op_at, "cut short");
        ++depth;
        break;
      case 'J':  // BININT
        if (!arg(4, v)) return where(op_at, "cut short");
        ++depth;
        break;
      case 'G':  // BINFLOAT
        if (!arg(8, v)) return where(op_at, "cut short");
        ++depth;
        break;
      case 0x8a:  // LONG1
        if (!arg(1, v) || v > 8 || !skip(v)) return where(op_at, "LONG1 of " + std::to_string(v) + " bytes");
        ++depth;
        break;
      case 'X':
      case 'B':  // BINUNICODE, BINBYTES: 4-byte length
        if (!arg(4, v) || !skip(v)) return where(op_at, "a string longer than the pickle");
        ++depth;
        break;
      case 0x8c:
      case 'C':
      case 'U':  // SHORT_BINUNICODE, SHORT_BINBYTES, SHORT_BINSTRING
        if (!arg(1, v) || !skip(v)) return where(op_at, "a string longer than the pickle");
        ++depth;
        break;
      case 0x8d:
      case 0x8e:  // BINUNICODE8, BINBYTES8
        if (!arg(8, v) || !skip(v)) return where(op_at, "a string longer than the pickle");
        ++depth;
        break;
      case 'c':  // GLOBAL module\nname\n
        if (!line() || !line()) return where(op_at, "GLOBAL cut short");
        ++depth;
        break;
      case 0x93:  // STACK_GLOBAL
        if (!need(2)) return where(op_at, "STACK_GLOBAL of fewer than 2 values");
        --depth;
        break;
      case 'q':
      case 'r':
      case 0x94: {  // BINPUT, LONG_BINPUT, MEMOIZE
        uint64_t index = memo.size();
        if (op == 'q' && !arg(1, index)) return where(op_at, "cut short");
        if (op == 'r' && !arg(4, index)) return where(op_at, "cut short");
        if (!need(1)) return where(op_at, "memo of an empty stack");
        if (index > memo.size() || index >= kMaxMemo)
          return where(op_at, "memo index " + std::to_string(index) + " out of order");
        if (index == memo.size()) memo.push_back(true);
        break;
      }
      case 'h':
      case 'j': {  // BINGET, LONG_BINGET
        uint64_t index = 0;
        if (!arg(op == 'h' ? 1 : 4, index)) return where(op_at, "cut short");
        if (index >= memo.size()) return where(op_at, "memo index " + std::to_string(index) + " never set");
        ++depth;
        break;
      }
      case 'Q':  // BINPERSID: pid -> object
        if (!need(1)) return where(op_at, "BINPERSID of an empty stack");
        break;
      case 't':
      case 'l':  // TUPLE, LIST: the values above the mark become one
        if (!to_mark(0)) return where(op_at, "TUPLE/LIST without a MARK");
        depth = marks.back() + 1;
        marks.pop_back();
        break;
      case 'd':  // DICT
        if (!to_mark(0) || (depth - marks.back()) % 2) return where(op_at, "DICT without a MARK or with an odd count");
        depth = marks.back() + 1;
        marks.pop_back();
        break;
      case 0x85:
      case 0x86:
      case 0x87: {  // TUPLE1..3
        const size_t n = op - 0x84;
        if (!need(n)) return where(op_at, "TUPLE" + std::to_string(n) + " of fewer values");
        depth = depth - n + 1;
        break;
      }
      case 'a':  // APPEND
        if (!need(2)) return where(op_at, "APPEND without a list and a value");
        --depth;
        break;
      case 'e':  // APPENDS
        if (!to_mark(1)) return where(op_at, "APPENDS without a MARK above a list");
        depth = marks.back();
        marks.pop_back();
        break;
      case 's':  // SETITEM
        if (!need(3)) return where(op_at, "SETITEM without a dict, a key and a value");
        depth -= 2;
        break;
      case 'u':  // SETITEMS
        if (!to_mark(1) || (depth - marks.back()) % 2)
          return where(op_at, "SETITEMS without a MARK above a dict, or with an odd number of values");
        depth = marks.back();
        marks.pop_back();
        break;
      case 'R':
      case 'b':
      case 0x81:  // REDUCE, BUILD, NEWOBJ: two values become one
        if (!need(2)) return where(op_at, "REDUCE/BUILD/NEWOBJ of fewer than 2 values");
        --depth;
        break;
      default:
        return where(op_at, "opcode " + std::to_string(op) + ", which LibTorch's unpickler does not take");
    }
  }
  return "no STOP at its end (cut short)";
}

}  // namespace simclr

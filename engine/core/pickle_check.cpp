#include "engine/core/pickle_check.h"

#include <cctype>
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

// What the check knows of a value: strings and globals by their text, short tuples by their
// items (enough to see the arguments of a REDUCE), everything else as "a value".
struct Value {
  enum Kind { Other, String, Global, Tuple } kind = Other;
  std::string text;
  std::vector<Value> items;
};

// "a.b_c": GLOBAL's module and name, as Python writes them. LibTorch parses names it does
// not know as TorchScript types (a parser with crash sites of its own, pytorch/pytorch#179581).
bool dotted_identifier(const std::string& s) {
  bool start = true;
  for (const char c : s) {
    if (c == '.' && !start) {
      start = true;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_' ||
               (!start && std::isdigit(static_cast<unsigned char>(c)))) {
      start = false;
    } else {
      return false;
    }
  }
  return !start;
}

// A TorchScript type a state dict's type tag holds: "Dict[str, Tensor]", "List[int]", ...
// LibTorch 1.13 throws std::runtime_error (not c10::Error) on a type it cannot parse.
bool type_tag(const std::string& s, size_t& at, int depth) {
  static const char* const names[] = {"Tensor", "int", "float", "bool", "str", "NoneType", "Any"};
  static const char* const containers[] = {"Dict", "List", "Tuple", "Optional"};
  if (depth > 16) return false;
  size_t end = at;
  while (end < s.size() && std::isalpha(static_cast<unsigned char>(s[end]))) ++end;
  const std::string name = s.substr(at, end - at);
  at = end;
  for (const char* n : names)
    if (name == n) return true;
  bool container = false;
  for (const char* c : containers) container = container || name == c;
  if (!container || at >= s.size() || s[at] != '[') return false;
  ++at;
  for (;;) {
    if (!type_tag(s, at, depth + 1)) return false;
    if (at < s.size() && s[at] == ']') {
      ++at;
      return true;
    }
    if (s.compare(at, 2, ", ") != 0) return false;
    at += 2;
  }
}

bool type_tag(const std::string& s) {
  size_t at = 0;
  return type_tag(s, at, 0) && at == s.size();
}

}  // namespace

std::string pickle_damage(const std::string& b) {
  std::vector<Value> stack;
  std::vector<size_t> marks;  // stack depths at each MARK
  std::vector<Value> memo;
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
    auto text = [&](uint64_t n, std::string& out) {
      if (n > b.size() - at) return false;
      out = b.substr(at, static_cast<size_t>(n));
      at += static_cast<size_t>(n);
      return true;
    };
    auto line = [&](std::string& out) {  // a newline-terminated argument (GLOBAL's module and name)
      const size_t end = b.find('\n', at);
      if (end == std::string::npos) return false;
      out = b.substr(at, end - at);
      at = end + 1;
      return true;
    };
    // n values above the last mark (the unpickler pops without looking).
    auto need = [&](size_t n) { return stack.size() >= n && (marks.empty() || stack.size() - marks.back() >= n); };
    // The last mark, with `below` values under it (APPENDS' list, SETITEMS' dict).
    auto mark_over = [&](size_t below) {
      return !marks.empty() && marks.back() <= stack.size() && marks.back() >= below;
    };
    auto push = [&](Value v = {}) { stack.push_back(std::move(v)); };
    auto pop = [&](size_t n) { stack.resize(stack.size() - n); };
    uint64_t v = 0;
    std::string s;
    switch (op) {
      case 0x80:  // PROTO
        if (!arg(1, v)) return where(op_at, "cut short");
        break;
      case '.':  // STOP
        if (stack.size() != 1 || !marks.empty())
          return where(op_at, "STOP with " + std::to_string(stack.size()) + " values left");
        return {};  // the unpickler ignores what follows STOP
      case '(':     // MARK
        marks.push_back(stack.size());
        break;
      case '0':  // POP
        if (!need(1)) return where(op_at, "POP of an empty stack");
        pop(1);
        break;
      case '1':  // POP_MARK
        if (!mark_over(0)) return where(op_at, "POP_MARK without a MARK");
        stack.resize(marks.back());
        marks.pop_back();
        break;
      case '2':  // DUP
        if (!need(1)) return where(op_at, "DUP of an empty stack");
        push(stack.back());
        break;
      case 'N':
      case 0x88:
      case 0x89:
      case ']':
      case '}':  // NONE, NEWTRUE, NEWFALSE, EMPTY_LIST, EMPTY_DICT
        push();
        break;
      case ')':  // EMPTY_TUPLE
        push({Value::Tuple, {}, {}});
        break;
      case 'K':  // BININT1
      case 'M':  // BININT2
      case 'J':  // BININT
      case 'G':  // BINFLOAT
        if (!arg(op == 'K' ? 1 : op == 'M' ? 2 : op == 'J' ? 4 : 8, v)) return where(op_at, "cut short");
        push();
        break;
      case 0x8a:  // LONG1
        if (!arg(1, v) || v > 8 || !text(v, s)) return where(op_at, "LONG1 of " + std::to_string(v) + " bytes");
        push();
        break;
      case 'X':  // BINUNICODE: 4-byte length
      case 'B':  // BINBYTES
        if (!arg(4, v) || !text(v, s)) return where(op_at, "a string longer than the pickle");
        push({op == 'X' ? Value::String : Value::Other, s, {}});
        break;
      case 0x8c:  // SHORT_BINUNICODE
      case 'C':   // SHORT_BINBYTES
        if (!arg(1, v) || !text(v, s)) return where(op_at, "a string longer than the pickle");
        push({op == 0x8c ? Value::String : Value::Other, s, {}});
        break;
      case 'c': {  // GLOBAL module\nname\n
        std::string module, name;
        if (!line(module) || !line(name)) return where(op_at, "GLOBAL cut short");
        if (!dotted_identifier(module) || !dotted_identifier(name))
          return where(op_at,
                       "GLOBAL '" + module.substr(0, 80) + "' '" + name.substr(0, 80) + "' is not a Python name");
        push({Value::Global, module + " " + name, {}});
        break;
      }
      case 'q':
      case 'r': {  // BINPUT, LONG_BINPUT
        uint64_t index = 0;
        if (!arg(op == 'q' ? 1 : 4, index)) return where(op_at, "cut short");
        if (!need(1)) return where(op_at, "memo of an empty stack");
        // Picklers number their memo 0, 1, 2, ...; LibTorch's unpickler resizes its memo to
        // the index it reads.
        if (index > memo.size() || index >= kMaxMemo)
          return where(op_at, "memo index " + std::to_string(index) + " out of order");
        if (index == memo.size())
          memo.push_back(stack.back());
        else
          memo[index] = stack.back();
        break;
      }
      case 'h':
      case 'j': {  // BINGET, LONG_BINGET
        uint64_t index = 0;
        if (!arg(op == 'h' ? 1 : 4, index)) return where(op_at, "cut short");
        if (index >= memo.size()) return where(op_at, "memo index " + std::to_string(index) + " never set");
        push(memo[index]);
        break;
      }
      case 'Q':  // BINPERSID: pid -> object
        if (!need(1)) return where(op_at, "BINPERSID of an empty stack");
        stack.back() = Value{};
        break;
      case 't': {  // TUPLE: the values above the mark
        if (!mark_over(0)) return where(op_at, "TUPLE without a MARK");
        Value tuple{Value::Tuple, {}, {}};
        if (stack.size() - marks.back() <= 3)
          tuple.items.assign(stack.begin() + marks.back(), stack.end());
        else
          tuple.kind = Value::Other;
        stack.resize(marks.back());
        marks.pop_back();
        push(std::move(tuple));
        break;
      }
      case 0x85:
      case 0x86:
      case 0x87: {  // TUPLE1..3
        const size_t n = op - 0x84;
        if (!need(n)) return where(op_at, "TUPLE" + std::to_string(n) + " of fewer values");
        Value tuple{Value::Tuple, {}, {stack.end() - n, stack.end()}};
        pop(n);
        push(std::move(tuple));
        break;
      }
      case 'a':  // APPEND
        if (!need(2)) return where(op_at, "APPEND without a list and a value");
        pop(1);
        break;
      case 'e':  // APPENDS
        if (!mark_over(1)) return where(op_at, "APPENDS without a MARK above a list");
        stack.resize(marks.back());
        marks.pop_back();
        break;
      case 's':  // SETITEM
        if (!need(3)) return where(op_at, "SETITEM without a dict, a key and a value");
        pop(2);
        break;
      case 'u':  // SETITEMS
        if (!mark_over(1) || (stack.size() - marks.back()) % 2)
          return where(op_at, "SETITEMS without a MARK above a dict, or with an odd number of values");
        stack.resize(marks.back());
        marks.pop_back();
        break;
      case 'R': {  // REDUCE: callable(*args)
        if (!need(2)) return where(op_at, "REDUCE of fewer than 2 values");
        const Value& callable = stack[stack.size() - 2];
        const Value& args = stack.back();
        if (callable.kind == Value::Global && callable.text == "torch.jit._pickle restore_type_tag") {
          if (args.kind != Value::Tuple || args.items.size() != 2 || args.items[1].kind != Value::String)
            return where(op_at, "a type tag without its type");
          if (!type_tag(args.items[1].text))
            return where(op_at, "type tag '" + args.items[1].text.substr(0, 80) + "', not a type a state dict holds");
        }
        pop(2);
        push();
        break;
      }
      case 'b':   // BUILD: object, state -> object
      case 0x81:  // NEWOBJ: class, args -> object (TorchScript modules)
        if (!need(2)) return where(op_at, "BUILD/NEWOBJ of fewer than 2 values");
        pop(1);
        stack.back() = Value{};
        break;
      default:
        // Protocol 2 is what torch.save and LibTorch write; LibTorch reads a little more,
        // but nothing a state dict or a checkpoint needs.
        return where(op_at, "opcode " + std::to_string(op) + ", which torch.save does not write");
    }
  }
  return "no STOP at its end (cut short)";
}

}  // namespace simclr

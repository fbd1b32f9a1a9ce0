#include "engine/eval/npy_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"

namespace simclr {

namespace fs = std::filesystem;

namespace {

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "npy_file.cpp writes the tensor's bytes as they are: it assumes a little-endian machine"
#endif

constexpr char kMagic[] = "\x93NUMPY";  // 6 bytes, then major and minor version
constexpr size_t kMagicSize = 6;

struct Dtype {
  const char* descr;
  torch::ScalarType type;
};
// Written: the first four. Read: all.
constexpr Dtype kDtypes[] = {{"<f4", torch::kFloat}, {"<f8", torch::kDouble}, {"<i8", torch::kLong},
                             {"|u1", torch::kByte},  {"<u1", torch::kByte},   {"<i4", torch::kInt},
                             {"|b1", torch::kBool}};

const char* descr_of(torch::ScalarType type) {
  for (size_t i = 0; i < 4; ++i)
    if (kDtypes[i].type == type) return kDtypes[i].descr;
  throw ConfigError(std::string(".npy export: unsupported dtype ") + c10::toString(type) +
                    " (float32, float64, int64 or uint8)");
}

// The value after 'key': in the header dictionary, up to the next top-level comma.
std::string dict_value(const std::string& dict, const std::string& key, const fs::path& path) {
  size_t at = dict.find("'" + key + "'");
  if (at == std::string::npos) at = dict.find("\"" + key + "\"");
  if (at == std::string::npos) throw DataError(path.string() + ": .npy header has no '" + key + "'");
  at = dict.find(':', at);
  if (at == std::string::npos) throw DataError(path.string() + ": malformed .npy header");
  size_t begin = dict.find_first_not_of(' ', at + 1);
  if (begin == std::string::npos) throw DataError(path.string() + ": malformed .npy header");
  size_t end = begin;
  if (dict[begin] == '(')
    end = dict.find(')', begin) + 1;  // the shape tuple holds commas
  else
    end = dict.find_first_of(",}", begin);
  if (end == std::string::npos || end == 0) throw DataError(path.string() + ": malformed .npy header");
  std::string value = dict.substr(begin, end - begin);
  while (!value.empty() && value.back() == ' ') value.pop_back();
  return value;
}

std::vector<int64_t> parse_shape(const std::string& tuple, const fs::path& path) {
  if (tuple.size() < 2 || tuple.front() != '(' || tuple.back() != ')')
    throw DataError(path.string() + ": malformed .npy shape " + tuple);
  std::vector<int64_t> shape;
  size_t pos = 1;
  while (pos < tuple.size() - 1) {
    pos = tuple.find_first_not_of(", ", pos);
    if (pos >= tuple.size() - 1) break;
    size_t used = 0;
    try {
      shape.push_back(std::stoll(tuple.substr(pos), &used));
    } catch (const std::exception&) {
      throw DataError(path.string() + ": malformed .npy shape " + tuple);
    }
    if (shape.back() < 0) throw DataError(path.string() + ": negative .npy dimension in " + tuple);
    pos += used;
  }
  return shape;
}

}  // namespace

std::string npy_header_dict(const torch::Tensor& tensor) {
  std::string shape = "(";
  for (int64_t i = 0; i < tensor.dim(); ++i) shape += std::to_string(tensor.size(i)) + ", ";
  if (tensor.dim() > 1)
    shape.resize(shape.size() - 2);  // numpy: (3, 4) but (3,) and ()
  else if (tensor.dim() == 1)
    shape.resize(shape.size() - 1);
  shape += ")";
  return std::string("{'descr': '") + descr_of(tensor.scalar_type()) + "', 'fortran_order': False, 'shape': " + shape +
         ", }";
}

void write_npy(const fs::path& path, const torch::Tensor& tensor) {
  if (!tensor.defined()) throw ConfigError(".npy export: " + path.string() + ": no data");
  std::string dict = npy_header_dict(tensor);
  // Magic (6) + version (2) + header length (2) + dictionary + padding + '\n' is a multiple
  // of 64, so the data that follows is aligned for memory mapping.
  const size_t unpadded = kMagicSize + 4 + dict.size() + 1;
  dict.append((64 - unpadded % 64) % 64, ' ');
  dict += '\n';
  if (dict.size() > 65535) throw ConfigError(".npy export: " + path.string() + ": too many dimensions");
  std::string header(kMagic, kMagicSize);
  header += '\x01';
  header += '\x00';
  header += static_cast<char>(dict.size() & 0xff);
  header += static_cast<char>(dict.size() >> 8);
  header += dict;

  const torch::Tensor data = tensor.detach().to(torch::kCPU).contiguous();
  write_atomically_with(path, [&](const fs::path& tmp) {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    errno = 0;
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    out.write(static_cast<const char*>(data.data_ptr()), static_cast<std::streamsize>(data.nbytes()));
    out.flush();
    if (!out)
      throw IoError(path.string() + ": cannot write: " + (errno ? std::strerror(errno) : "write failed (disk full?)"));
  });
}

torch::Tensor read_npy(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(path.string() + ": cannot open .npy file");
  std::error_code ec;
  const uint64_t file_size = fs::file_size(path, ec);
  if (ec) throw DataError(path.string() + ": cannot read the size of the .npy file: " + ec.message());
  char start[kMagicSize + 2];
  if (!in.read(start, sizeof start) || std::memcmp(start, kMagic, kMagicSize) != 0)
    throw DataError(path.string() + ": not a .npy file (bad magic)");
  const int major = static_cast<unsigned char>(start[kMagicSize]);
  if (major < 1 || major > 3) throw DataError(path.string() + ": unsupported .npy version " + std::to_string(major));
  // Version 1 stores the header length in 2 bytes, versions 2 and 3 in 4.
  unsigned char len_bytes[4] = {0, 0, 0, 0};
  const size_t len_size = major == 1 ? 2 : 4;
  if (!in.read(reinterpret_cast<char*>(len_bytes), static_cast<std::streamsize>(len_size)))
    throw DataError(path.string() + ": truncated .npy header");
  const size_t header_len =
      len_bytes[0] | (len_bytes[1] << 8) | (size_t{len_bytes[2]} << 16) | (size_t{len_bytes[3]} << 24);
  // Sizes are checked against the file before anything is allocated: a damaged header must
  // not ask for gigabytes.
  const uint64_t data_start = kMagicSize + 2 + len_size + uint64_t{header_len};
  if (data_start > file_size)
    throw DataError(path.string() + ": truncated .npy header (it announces " + std::to_string(header_len) +
                    " bytes, the file holds " + std::to_string(file_size) + ")");
  std::string dict(header_len, '\0');
  if (!in.read(dict.data(), static_cast<std::streamsize>(header_len)))
    throw DataError(path.string() + ": truncated .npy header");

  std::string descr = dict_value(dict, "descr", path);
  if (descr.size() < 2 || (descr.front() != '\'' && descr.front() != '"'))
    throw DataError(path.string() + ": unsupported .npy dtype " + descr);
  descr = descr.substr(1, descr.size() - 2);
  const Dtype* dtype = nullptr;
  for (const auto& d : kDtypes)
    if (descr == d.descr) dtype = &d;
  if (!dtype) throw DataError(path.string() + ": unsupported .npy dtype '" + descr + "'");
  if (dict_value(dict, "fortran_order", path) != "False")
    throw DataError(path.string() + ": Fortran-order .npy files are not supported");
  const std::vector<int64_t> shape = parse_shape(dict_value(dict, "shape", path), path);

  const uint64_t item_size = c10::elementSize(dtype->type);
  uint64_t bytes = item_size;
  for (const int64_t d : shape) {
    if (d != 0 && bytes > (file_size - data_start) / static_cast<uint64_t>(d)) {
      bytes = UINT64_MAX;  // more than the file holds (and perhaps more than 64 bits count)
      break;
    }
    bytes *= static_cast<uint64_t>(d);
  }
  if (bytes > file_size - data_start)
    throw DataError(path.string() + ": truncated .npy data (the shape " + dict_value(dict, "shape", path) +
                    " needs more than the " + std::to_string(file_size - data_start) + " bytes the file holds)");
  torch::Tensor out = torch::empty(shape, torch::TensorOptions().dtype(dtype->type));
  if (!in.read(static_cast<char*>(out.data_ptr()), static_cast<std::streamsize>(out.nbytes())))
    throw DataError(path.string() + ": truncated .npy data (expected " + std::to_string(out.nbytes()) + " bytes)");
  return out;
}

}  // namespace simclr

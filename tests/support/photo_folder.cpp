#include "tests/support/photo_folder.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

#include <torch/torch.h>

#include "engine/core/atomic_file.h"
#include "engine/core/seeding.h"
#include "engine/data/image_file.h"

namespace simclr::test {

namespace fs = std::filesystem;

namespace {

// uint8 [3, side, side]: a gradient between two colours with two discs with one-pixel soft edges.
torch::Tensor natural_image(uint32_t seed, int side) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<double> u(0, 1);
  double top[3], bottom[3];
  for (int c = 0; c < 3; ++c) top[c] = u(gen), bottom[c] = u(gen);
  struct Disc {
    double x, y, r, colour[3];
  } discs[2];
  for (auto& d : discs) d = {u(gen) * side, u(gen) * side, 4 + u(gen) * side / 4.0, {u(gen), u(gen), u(gen)}};
  torch::Tensor image = torch::empty({3, side, side}, torch::kByte);
  auto px = image.accessor<uint8_t, 3>();
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x) {
      double rgb[3];
      for (int c = 0; c < 3; ++c) rgb[c] = top[c] + (bottom[c] - top[c]) * y / (side - 1);
      for (const auto& d : discs) {
        const double w = std::clamp(d.r - std::hypot(x - d.x, y - d.y), 0.0, 1.0);
        for (int c = 0; c < 3; ++c) rgb[c] = (1 - w) * rgb[c] + w * d.colour[c];
      }
      for (int c = 0; c < 3; ++c) px[c][y][x] = uint8_t(std::lround(255 * rgb[c]));
    }
  return image;
}

std::string name(const char* stem, int i) {
  char text[32];
  std::snprintf(text, sizeof text, "%s-%03d.png", stem, i);
  return text;
}

void write_png(const fs::path& file, const torch::Tensor& image) {
  const std::vector<uint8_t> bytes = encode_image(image, "png");
  write_file_atomically(file, std::string(bytes.begin(), bytes.end()));
}

}  // namespace

PhotoFolder write_photo_folder(const fs::path& dir, int natural, int pairs_per_kind, int noise, int side) {
  PhotoFolder out;
  out.dir = dir;
  fs::create_directories(dir);
  for (int i = 0; i < natural; ++i) write_png(dir / name("img", i), natural_image(uint32_t(1000 + i), side));
  // Originals spread over the folder, never the same one twice.
  const int stride = std::max(2, natural / std::max(1, 2 * pairs_per_kind));
  for (int k = 0; k < pairs_per_kind; ++k) {
    const int exact = (2 * k) * stride % natural, near = (2 * k + 1) * stride % natural;
    fs::copy_file(dir / name("img", exact), dir / name("copy", k));
    out.planted_pairs.push_back({name("img", exact), name("copy", k)});
    const torch::Tensor brighter = natural_image(uint32_t(1000 + near), side).to(torch::kInt).add(1).clamp(0, 255);
    write_png(dir / name("near", k), brighter.to(torch::kByte));
    out.planted_pairs.push_back({name("img", near), name("near", k)});
  }
  // Unusual images, each unlike the pictures and unlike each other: colour noise, grey noise,
  // a one-pixel checkerboard, stripes of noise in one channel, ...
  at::Generator gen = make_generator(77);
  for (int k = 0; k < noise; ++k) {
    torch::Tensor image;
    switch (k % 4) {
      case 0:
        image = torch::randint(0, 256, {3, side, side}, gen, torch::kLong);
        break;
      case 1:
        image = torch::randint(0, 256, {1, side, side}, gen, torch::kLong).expand({3, side, side});
        break;
      case 2:
        image = ((torch::arange(side).unsqueeze(1) + torch::arange(side).unsqueeze(0)) % 2 * 255)
                    .unsqueeze(0)
                    .expand({3, side, side});
        break;
      default:
        image = torch::zeros({3, side, side}, torch::kLong);
        image[k % 3] = torch::randint(0, 256, {side, 1}, gen, torch::kLong).expand({side, side});
        break;
    }
    write_png(dir / name("noise", k), image.contiguous().to(torch::kByte));
    out.noise.insert(name("noise", k));
  }
  out.images = natural + 2 * pairs_per_kind + noise;
  return out;
}

}  // namespace simclr::test

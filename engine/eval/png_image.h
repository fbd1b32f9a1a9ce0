#pragma once
// A minimal PNG encoder (8-bit grey, RGB or RGBA, no interlacing) for sprite sheets and
// image exports, so the engine needs no image library: the scanlines go through zlib's
// deflate when the engine is built with zlib, else into stored (uncompressed) deflate
// blocks, which every PNG reader accepts too.
//   https://www.w3.org/TR/png/
#include <filesystem>
#include <string>

#include <torch/types.h>

namespace simclr {

// image: uint8 [H, W, C] (C = 1 grey, 3 RGB, 4 RGBA) or [H, W] (grey), any device.
// compression_level: 0 = stored blocks (fast, large), 1..9 = zlib's levels. Returns the
// PNG file's bytes. Throws ConfigError for another shape, dtype or an empty image.
std::string encode_png(const torch::Tensor& image, int compression_level = 6);

// encode_png, then written atomically. Throws IoError when writing fails.
void write_png(const std::filesystem::path& path, const torch::Tensor& image, int compression_level = 6);

// True when encode_png compresses (built with zlib).
bool png_compression_available();

}  // namespace simclr

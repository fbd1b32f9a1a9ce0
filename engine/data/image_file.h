#pragma once
// Single image files (PNG, JPEG, BMP, TIFF, WebP, PNM, ... whatever OpenCV reads) as uint8
// tensors, and the resize that gives a dataset one image size. Decoding needs OpenCV; a
// build without it (a GPU box with only PyTorch's LibTorch) compiles these functions, but
// they throw ConfigError saying so.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <torch/types.h>

namespace simclr {

enum class ImageChannels {
  Rgb,   // always 3 channels, R G B (grey images are repeated)
  Grey,  // always 1 channel (colour images are converted to luminance)
  Auto,  // 1 channel for grey files, 3 (RGB) for everything else
};

// True when this build decodes image files (it was built with OpenCV).
bool image_files_supported();

// True when the file name ends in an extension OpenCV decodes (case-insensitive):
// .png .jpg .jpeg .bmp .tif .tiff .webp .ppm .pgm .pbm .pnm .jp2.
bool is_image_file_name(const std::filesystem::path& path);

// Decodes an image held in memory; `path` only names it in messages. uint8 [C, H, W],
// contiguous, CPU. Throws DataError "<path>: <problem>" for empty, corrupt, truncated or
// unknown data, ConfigError when the build has no OpenCV.
torch::Tensor decode_image(const std::vector<uint8_t>& bytes, const std::filesystem::path& path,
                           ImageChannels channels = ImageChannels::Rgb);

// Reads and decodes one file (see decode_image); a missing file is a DataError too.
torch::Tensor read_image_file(const std::filesystem::path& path, ImageChannels channels = ImageChannels::Rgb);

// uint8 [C, H, W] (1 or 3 channels, RGB) -> the bytes of a PNG (lossless) or JPEG file
// ("png" | "jpg", with `jpeg_quality` in [1, 100]). Throws ConfigError for another format or
// a bad tensor, and when the build has no OpenCV.
std::vector<uint8_t> encode_image(const torch::Tensor& image, const std::string& format, int jpeg_quality = 95);

// uint8 [C, H, W] -> [C, size, size]: scales the shorter side to `size` (area interpolation
// when shrinking, which averages instead of aliasing; bilinear when enlarging), then crops
// the centre, as ImageNet evaluation does. Returns the image itself when it is already
// size x size. Throws ConfigError for size < 1 or a tensor that is not uint8 [C, H, W].
torch::Tensor resize_and_center_crop(const torch::Tensor& image, int64_t size);

// resize_and_center_crop(read_image_file(path), size) written as uint8 [3, size, size] into
// `out`, without tensors in between: what loaders call once per file. The same pixels.
void read_resized_image_file(const std::filesystem::path& path, int64_t size, uint8_t* out);

}  // namespace simclr

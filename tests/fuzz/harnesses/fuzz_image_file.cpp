// Image files (PNG, JPEG, BMP, TIFF, WebP, PNM, ...) through our OpenCV path: decode_image
// in each channel mode, then the resize every image-folder dataset applies.
#include "engine/data/image_file.h"
#include "tests/fuzz/fuzz_harness.h"

SIMCLR_FUZZ_HARNESS(image_file) {
  using namespace simclr;
  const std::vector<uint8_t> bytes(data, data + size);
  for (const ImageChannels channels : {ImageChannels::Auto, ImageChannels::Rgb, ImageChannels::Grey})
    fuzz::expect_errors([&] {
      const torch::Tensor image = decode_image(bytes, "fuzz/image.png", channels);
      if (channels == ImageChannels::Auto) resize_and_center_crop(image, 8);
    });
  return 0;
}

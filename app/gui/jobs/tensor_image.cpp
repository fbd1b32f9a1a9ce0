#include "app/gui/jobs/tensor_image.h"

#include "engine/data/image_dataset.h"

namespace simclr::gui {

QImage imageFromPlanar(const uint8_t* pixels, int channels, int height, int width) {
  if (!pixels || height <= 0 || width <= 0 || (channels != 1 && channels != 3)) return {};
  const QImage::Format format = channels == 1 ? QImage::Format_Grayscale8 : QImage::Format_RGB888;
  QImage image(width, height, format);
  const int64_t plane = int64_t(height) * width;
  for (int y = 0; y < height; ++y) {
    uchar* line = image.scanLine(y);  // rows are padded to 4 bytes: write row by row
    const uint8_t* row = pixels + int64_t(y) * width;
    if (channels == 1) {
      std::copy(row, row + width, line);
      continue;
    }
    for (int x = 0; x < width; ++x) {  // planar RGB to interleaved
      line[3 * x + 0] = row[x];
      line[3 * x + 1] = row[plane + x];
      line[3 * x + 2] = row[2 * plane + x];
    }
  }
  return image;
}

QImage imageFromDataset(const simclr::ImageDataset& dataset, int64_t index) {
  if (index < 0 || index >= dataset.size()) return {};
  if (!dataset.streamed() && (!dataset.images.defined() || dataset.images.scalar_type() != torch::kByte)) return {};
  const torch::Tensor image = dataset.rows(index, index + 1)[0].contiguous();  // [C, H, W]
  return imageFromPlanar(image.data_ptr<uint8_t>(), int(image.size(0)), int(image.size(1)), int(image.size(2)));
}

QImage upscaledNearest(const QImage& image, int factor) {
  if (image.isNull() || factor <= 1) return image;
  return image.scaled(image.width() * factor, image.height() * factor, Qt::IgnoreAspectRatio, Qt::FastTransformation);
}

QImage datasetThumbnail(const simclr::ImageDataset& dataset, int64_t index, int minSide) {
  const QImage image = imageFromDataset(dataset, index);
  if (image.isNull() || image.width() >= minSide) return image;
  return upscaledNearest(image, (minSide + image.width() - 1) / image.width());
}

}  // namespace simclr::gui

#pragma once
// Dataset images as QImages. Torch stays out of this header (moc'd and widget code
// includes it): the dataset is only forward-declared, and the pixel-level conversion takes
// a plain pointer and shape.
#include <cstdint>

#include <QImage>

namespace simclr {
struct ImageDataset;
}

namespace simclr::gui {

// A uint8 image in planar layout [C, H, W] (C = 1: grayscale, C = 3: RGB), deep-copied
// into an owning QImage. A null QImage for other channel counts or empty shapes.
QImage imageFromPlanar(const uint8_t* pixels, int channels, int height, int width);

// Image `index` of the dataset (uint8 [N, C, H, W]); null when the index is out of range.
QImage imageFromDataset(const simclr::ImageDataset& dataset, int64_t index);

// Enlarged by an integer factor without smoothing, so small images stay sharp pixels.
QImage upscaledNearest(const QImage& image, int factor);

// Image `index` of the dataset, enlarged by the integer factor that makes it at least
// minSide pixels wide (tooltips and query images of small datasets like CIFAR-10).
QImage datasetThumbnail(const simclr::ImageDataset& dataset, int64_t index, int minSide);

}  // namespace simclr::gui

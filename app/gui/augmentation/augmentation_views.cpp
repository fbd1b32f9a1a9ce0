#include "app/gui/augmentation/augmentation_views.h"

#include <chrono>
#include <cstring>

#include <QFileInfo>

#include <torch/torch.h>

#include "app/gui/jobs/tensor_image.h"
#include "engine/augment/augment_pipeline.h"
#include "engine/data/image_file.h"
#include "engine/train/view_generator.h"

namespace simclr::gui {

namespace {

// uint8 [B, C, H, W] from same-sized QImages (C = 1 when all are grayscale, else 3).
torch::Tensor batchFromImages(const QVector<QImage>& images) {
  bool gray = true;
  for (const QImage& image : images) gray = gray && image.format() == QImage::Format_Grayscale8;
  const int channels = gray ? 1 : 3;
  const int height = images.front().height(), width = images.front().width();
  auto batch = torch::empty({int64_t(images.size()), channels, height, width}, torch::kByte);
  auto out = batch.accessor<uint8_t, 4>();
  for (int b = 0; b < images.size(); ++b) {
    const QImage image = gray ? images[b] : images[b].convertToFormat(QImage::Format_RGB888);
    for (int y = 0; y < height; ++y) {
      const uchar* line = image.constScanLine(y);
      for (int x = 0; x < width; ++x)
        for (int c = 0; c < channels; ++c) out[b][c][y][x] = line[channels * x + c];
    }
  }
  return batch;
}

// The views as QImages: [0, 1] floats rounded to bytes, as a saved image would be.
QVector<QImage> imagesFromViews(const torch::Tensor& views) {
  const auto bytes = views.mul(255).round_().clamp_(0, 255).to(torch::kByte).contiguous();
  QVector<QImage> out;
  for (int64_t b = 0; b < bytes.size(0); ++b) {
    const auto image = bytes[b];
    out.push_back(
        imageFromPlanar(image.data_ptr<uint8_t>(), int(image.size(0)), int(image.size(1)), int(image.size(2))));
  }
  return out;
}

bool flag(const torch::Tensor& t, int64_t b) {
  return t.defined() && t[b].item<bool>();
}

QString describe(const AugmentTrace& trace, int64_t b) {
  QStringList ops;
  if (flag(trace.cropped, b)) ops << QStringLiteral("crop");
  if (flag(trace.flipped, b)) ops << QStringLiteral("flip");
  if (flag(trace.jittered, b)) ops << QStringLiteral("jitter");
  if (flag(trace.grayscaled, b)) ops << QStringLiteral("gray");
  if (flag(trace.blurred, b)) ops << QStringLiteral("blur");
  if (flag(trace.solarized, b)) ops << QStringLiteral("solarize");
  if (flag(trace.posterized, b)) ops << QStringLiteral("posterize");
  QString text = ops.isEmpty() ? QStringLiteral("unchanged") : ops.join(QStringLiteral(", "));
  const int64_t branch = trace.branch.defined() ? trace.branch[b].item<int64_t>() : -1;
  if (branch >= 0) text = (branch == 0 ? QStringLiteral("then: ") : QStringLiteral("else: ")) + text;
  return text;
}

}  // namespace

DecodedImageFiles decodeImageFiles(const QStringList& paths, int size, int channels) {
  DecodedImageFiles out;
  for (const QString& path : paths) {
    try {
      const torch::Tensor image = resize_and_center_crop(
          read_image_file(path.toStdString(), channels == 1 ? ImageChannels::Grey : ImageChannels::Rgb), size);
      out.images << imageFromPlanar(image.data_ptr<uint8_t>(), int(image.size(0)), int(image.size(1)),
                                    int(image.size(2)));
      out.names << QFileInfo(path).fileName();
    } catch (const std::exception& e) {  // DataError names the file; ConfigError: no OpenCV
      const QString what = QString::fromStdString(e.what());
      out.errors << (what.startsWith(path) ? what : path + QStringLiteral(": ") + what);
    }
  }
  return out;
}

AugmentedViews augmentImages(const QVector<QImage>& images, const nlohmann::json& spec, uint64_t seed, int64_t step) {
  const auto start = std::chrono::steady_clock::now();
  AugmentedViews out;
  out.originals = images;
  if (images.isEmpty()) return out;
  for (const QImage& image : images)
    if (image.isNull() || image.size() != images.front().size()) {
      out.error = QStringLiteral("The images must all have the same size.");
      return out;
    }
  try {
    const AugmentPipeline pipeline = AugmentPipeline::from_json(spec);
    const torch::Tensor batch = batchFromImages(images);
    // As training draws them (views_version 2): each image's views from its own generator.
    for (int v = 0; v < 2; ++v)
      for (int64_t b = 0; b < batch.size(0); ++b) {
        auto gen = image_view_generator(seed, step, v, b);
        AugmentTrace trace;
        out.views[size_t(v)] << imagesFromViews(pipeline.apply(batch.slice(0, b, b + 1), gen, &trace));
        out.notes[size_t(v)] << describe(trace, 0);
        out.branches[size_t(v)] << int(trace.branch.defined() ? trace.branch[0].item<int64_t>() : -1);
      }
  } catch (const std::exception& e) {  // ConfigError for a bad spec, DataError for odd images
    out.error = QString::fromStdString(e.what());
    out.views = {};
    out.notes = {};
    out.branches = {};
  }
  out.milliseconds = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace simclr::gui

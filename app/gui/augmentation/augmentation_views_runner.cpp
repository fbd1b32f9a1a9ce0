#include "app/gui/augmentation/augmentation_views_runner.h"

namespace simclr::gui {

void AugmentationViewsRunner::request(QVector<QImage> images, nlohmann::json spec, quint64 seed) {
  views_.request([images = std::move(images), spec = std::move(spec),
                  seed](const simclr::StopToken&) { return augmentImages(images, spec, seed); },
                 [this](const AugmentedViews& views) {
                   result_ = views;
                   Q_EMIT computed();
                 });
}

void AugmentationViewsRunner::decode(QStringList paths, int size, int channels) {
  decoder_.request([paths = std::move(paths), size,
                    channels](const simclr::StopToken&) { return decodeImageFiles(paths, size, channels); },
                   [this](const DecodedImageFiles& files) {
                     decoded_ = files;
                     Q_EMIT decodedReady();
                   });
}

}  // namespace simclr::gui

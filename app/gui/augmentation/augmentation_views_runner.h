#pragma once
// Makes augmented views (augmentImages) in the background: 16 views resized to 224 px take
// about 80 ms on two cores, too long for the GUI thread. Image files opened from disk are
// decoded in the background too (decodeImageFiles). For each, when several requests come in
// a row (a spin box held down), only the newest is worked on and delivered
// (LatestRequestRunner).
#include <QObject>

#include "app/gui/augmentation/augmentation_views.h"
#include "app/gui/jobs/latest_request_runner.h"

namespace simclr::gui {

class AugmentationViewsRunner : public QObject {
  Q_OBJECT
 public:
  explicit AugmentationViewsRunner(QObject* parent = nullptr) : QObject(parent) {}

  void request(QVector<QImage> images, nlohmann::json spec, quint64 seed);
  // Decodes image files at size x size with 1 or 3 channels; only the newest is delivered.
  void decode(QStringList paths, int size, int channels);
  bool isBusy() const { return views_.isBusy() || decoder_.isBusy(); }
  const AugmentedViews& result() const { return result_; }  // the newest delivered
  const DecodedImageFiles& decoded() const { return decoded_; }

 Q_SIGNALS:
  void computed();      // result() changed
  void decodedReady();  // decoded() changed

 private:
  AugmentedViews result_;
  DecodedImageFiles decoded_;
  // Two runners: a decode is not superseded by a views request, nor the other way round.
  LatestRequestRunner<AugmentedViews> views_{this, QStringLiteral("augmentation preview")};
  LatestRequestRunner<DecodedImageFiles> decoder_{this, QStringLiteral("image files")};
};

}  // namespace simclr::gui

#include "app/gui/augmentation/augmentation_views_runner.h"

#include <climits>

namespace simclr::gui {

AugmentationViewsRunner::AugmentationViewsRunner(QObject* parent) : QObject(parent), worker_(new QObject) {
  thread_.setObjectName(QStringLiteral("augmentation preview"));
  worker_->moveToThread(&thread_);
  connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
  thread_.start();
}

AugmentationViewsRunner::~AugmentationViewsRunner() {
  latest_->store(INT_MAX);  // skip whatever is still queued
  decodeLatest_->store(INT_MAX);
  thread_.quit();
  thread_.wait();
}

void AugmentationViewsRunner::request(QVector<QImage> images, nlohmann::json spec, quint64 seed) {
  const int id = latest_->load() + 1;
  latest_->store(id);
  QMetaObject::invokeMethod(
      worker_,
      [this, latest = latest_, id, images = std::move(images), spec = std::move(spec), seed] {
        if (id < latest->load()) return;  // superseded while queued
        AugmentedViews views = augmentImages(images, spec, seed);
        // Posted to this object on the GUI thread; dropped if it is gone by then.
        QMetaObject::invokeMethod(
            this, [this, id, views = std::move(views)]() mutable { deliver(id, std::move(views)); },
            Qt::QueuedConnection);
      },
      Qt::QueuedConnection);
}

void AugmentationViewsRunner::decode(QStringList paths, int size, int channels) {
  const int id = decodeLatest_->load() + 1;
  decodeLatest_->store(id);
  QMetaObject::invokeMethod(
      worker_,
      [this, latest = decodeLatest_, id, paths = std::move(paths), size, channels] {
        if (id < latest->load()) return;  // superseded while queued
        DecodedImageFiles files = decodeImageFiles(paths, size, channels);
        QMetaObject::invokeMethod(
            this, [this, id, files = std::move(files)]() mutable { deliverDecoded(id, std::move(files)); },
            Qt::QueuedConnection);
      },
      Qt::QueuedConnection);
}

void AugmentationViewsRunner::deliverDecoded(int id, DecodedImageFiles files) {
  if (id != decodeLatest_->load()) return;  // an older request finished late
  decodeDelivered_ = id;
  decoded_ = std::move(files);
  Q_EMIT decodedReady();
}

void AugmentationViewsRunner::deliver(int id, AugmentedViews views) {
  if (id != latest_->load()) return;  // an older request finished late
  delivered_ = id;
  result_ = std::move(views);
  Q_EMIT computed();
}

}  // namespace simclr::gui

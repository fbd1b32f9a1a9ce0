#pragma once
// Makes augmented views (augmentImages) on a thread of its own: 16 views resized to 224 px
// take about 80 ms on two cores, too long for the GUI thread. Requests are numbered; when
// several queue up (a spin box held down), only the newest is worked on and delivered.
// Image files opened from disk are decoded on the same thread (decodeImageFiles).
#include <atomic>
#include <memory>

#include <QObject>
#include <QThread>

#include "app/gui/augmentation/augmentation_views.h"

namespace simclr::gui {

class AugmentationViewsRunner : public QObject {
  Q_OBJECT
 public:
  explicit AugmentationViewsRunner(QObject* parent = nullptr);
  ~AugmentationViewsRunner() override;  // skips what is queued, waits for the one running

  void request(QVector<QImage> images, nlohmann::json spec, quint64 seed);
  // Decodes image files at size x size with 1 or 3 channels; only the newest is delivered.
  void decode(QStringList paths, int size, int channels);
  bool isBusy() const { return delivered_ != latest_->load() || decodeDelivered_ != decodeLatest_->load(); }
  const AugmentedViews& result() const { return result_; }  // the newest delivered
  const DecodedImageFiles& decoded() const { return decoded_; }

 Q_SIGNALS:
  void computed();      // result() changed
  void decodedReady();  // decoded() changed

 private:
  void deliver(int id, AugmentedViews views);
  void deliverDecoded(int id, DecodedImageFiles files);

  std::shared_ptr<std::atomic<int>> latest_ = std::make_shared<std::atomic<int>>(0);
  QThread thread_;
  QObject* worker_;  // lives on thread_: the context of the queued work
  int delivered_ = 0;
  AugmentedViews result_;
  std::shared_ptr<std::atomic<int>> decodeLatest_ = std::make_shared<std::atomic<int>>(0);
  int decodeDelivered_ = 0;
  DecodedImageFiles decoded_;
};

}  // namespace simclr::gui

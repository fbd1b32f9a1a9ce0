#pragma once
// Makes augmented views (augmentImages) on a thread of its own: 16 views resized to 224 px
// take about 80 ms on two cores, too long for the GUI thread. Requests are numbered; when
// several queue up (a spin box held down), only the newest is worked on and delivered.
#include <atomic>
#include <memory>

#include <QObject>
#include <QThread>

#include "app/gui/augmentation_views.h"

namespace simclr::gui {

class AugmentationViewsRunner : public QObject {
  Q_OBJECT
public:
  explicit AugmentationViewsRunner(QObject* parent = nullptr);
  ~AugmentationViewsRunner() override;  // skips what is queued, waits for the one running

  void request(QVector<QImage> images, nlohmann::json spec, quint64 seed);
  bool isBusy() const { return delivered_ != latest_->load(); }
  const AugmentedViews& result() const { return result_; }  // the newest delivered

Q_SIGNALS:
  void computed();  // result() changed

private:
  void deliver(int id, AugmentedViews views);

  std::shared_ptr<std::atomic<int>> latest_ = std::make_shared<std::atomic<int>>(0);
  QThread thread_;
  QObject* worker_;  // lives on thread_: the context of the queued work
  int delivered_ = 0;
  AugmentedViews result_;
};

}  // namespace simclr::gui

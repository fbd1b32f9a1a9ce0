#pragma once
// Loads and summarises the project's dataset on a thread of its own, so the dataset panel
// never blocks the GUI. Requests are numbered; when several queue up (the user typing a
// path), only the newest is worked on, the others are skipped.
#include <atomic>
#include <memory>

#include <QObject>
#include <QThread>

#include "app/gui/dataset/dataset_summary.h"

namespace simclr::gui {

// Lives on the loader thread.
class DatasetLoadWorker : public QObject {
  Q_OBJECT
 public:
  explicit DatasetLoadWorker(std::shared_ptr<std::atomic<int>> latest) : latest_(std::move(latest)) {}

 public Q_SLOTS:
  void load(const simclr::gui::DatasetRequest& request);

 Q_SIGNALS:
  void loaded(const simclr::gui::DatasetSummary& summary);

 private:
  std::shared_ptr<std::atomic<int>> latest_;
};

// Owned by the GUI thread: starts the thread, numbers requests, drops stale answers.
class DatasetLoader : public QObject {
  Q_OBJECT
 public:
  explicit DatasetLoader(QObject* parent = nullptr);
  ~DatasetLoader() override;  // waits for a load in progress (at most a fraction of a second)

  // Queues a request (its id is assigned here) and returns the id.
  int request(DatasetRequest request);
  bool isBusy() const { return delivered_ != latest_->load(); }

 Q_SIGNALS:
  void started();
  // Only the answer to the newest request is delivered.
  void loaded(const simclr::gui::DatasetSummary& summary);

 private:
  void onLoaded(const DatasetSummary& summary);

  // Declared before worker_, which is constructed with it.
  std::shared_ptr<std::atomic<int>> latest_ = std::make_shared<std::atomic<int>>(0);
  QThread thread_;
  DatasetLoadWorker* worker_;
  int delivered_ = 0;
};

}  // namespace simclr::gui

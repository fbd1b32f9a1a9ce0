#pragma once
// Loads and summarises the project's dataset in the background, so the dataset panel never
// blocks the GUI. Requests are numbered; when several come in a row (the user typing a
// path), only the newest is loaded and answered (LatestRequestRunner).
#include <QObject>

#include "app/gui/dataset/dataset_summary.h"
#include "app/gui/jobs/latest_request_runner.h"

namespace simclr::gui {

class DatasetLoader : public QObject {
  Q_OBJECT
 public:
  explicit DatasetLoader(QObject* parent = nullptr);

  // Starts loading (its id is assigned here) and returns the id.
  int request(DatasetRequest request);
  bool isBusy() const { return runner_.isBusy(); }

 Q_SIGNALS:
  void started();
  // Only the answer to the newest request is delivered.
  void loaded(const simclr::gui::DatasetSummary& summary);

 private:
  int lastId_ = 0;
  // Destroyed with this object: stops and waits for a load in progress (a fraction of a second).
  LatestRequestRunner<DatasetSummary> runner_{this, QStringLiteral("dataset loader")};
};

}  // namespace simclr::gui

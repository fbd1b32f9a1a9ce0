#include "app/gui/dataset/dataset_loader.h"

namespace simclr::gui {

DatasetLoader::DatasetLoader(QObject* parent) : QObject(parent) {
  registerDatasetSummaryTypes();
}

int DatasetLoader::request(DatasetRequest request) {
  request.id = ++lastId_;
  runner_.request([request](const simclr::StopToken&) { return summarizeDataset(request); },
                  [this](const DatasetSummary& summary) { Q_EMIT loaded(summary); });
  Q_EMIT started();
  return request.id;
}

}  // namespace simclr::gui

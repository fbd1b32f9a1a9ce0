#include "app/gui/dataset/dataset_loader.h"

#include <climits>

namespace simclr::gui {

void DatasetLoadWorker::load(const DatasetRequest& request) {
  if (request.id < latest_->load()) return;  // superseded while queued
  Q_EMIT loaded(summarizeDataset(request));
}

DatasetLoader::DatasetLoader(QObject* parent) : QObject(parent), worker_(new DatasetLoadWorker(latest_)) {
  registerDatasetSummaryTypes();
  thread_.setObjectName(QStringLiteral("dataset loader"));
  worker_->moveToThread(&thread_);
  connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
  connect(worker_, &DatasetLoadWorker::loaded, this, &DatasetLoader::onLoaded, Qt::QueuedConnection);
  thread_.start(QThread::LowPriority);
}

DatasetLoader::~DatasetLoader() {
  latest_->store(INT_MAX);  // skip whatever is still queued
  thread_.quit();
  thread_.wait();
}

int DatasetLoader::request(DatasetRequest request) {
  request.id = latest_->load() + 1;
  latest_->store(request.id);
  DatasetLoadWorker* worker = worker_;
  QMetaObject::invokeMethod(
      worker, [worker, request] { worker->load(request); }, Qt::QueuedConnection);
  Q_EMIT started();
  return request.id;
}

void DatasetLoader::onLoaded(const DatasetSummary& summary) {
  if (summary.requestId != latest_->load()) return;  // an older request finished late
  delivered_ = summary.requestId;
  Q_EMIT loaded(summary);
}

}  // namespace simclr::gui

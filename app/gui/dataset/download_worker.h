#pragma once
// Runs the engine's CIFAR-10 download on the thread this object lives on. Start it with a
// queued call to run(); cancel by setting the StopToken from the GUI thread (the transfer
// checks it between network reads, so it stops within moments, without waiting for this
// thread's event queue). Engine exceptions are caught here and reported by signal.
#include <QObject>
#include <QString>

#include "engine/core/job.h"
#include "engine/data/dataset_download.h"

namespace simclr::gui {

class DownloadWorker : public QObject {
  Q_OBJECT
 public:
  DownloadWorker(simclr::DownloadOptions options, simclr::StopToken stop, QObject* parent = nullptr);

 public Q_SLOTS:
  // Blocks this thread until the download ends; emits exactly one of succeeded, failed or
  // cancelled, then finished.
  void run();

 Q_SIGNALS:
  // stage: "download" (bytes) or "unpack" (compressed bytes); total 0 when unknown.
  void progress(const QString& stage, qint64 done, qint64 total, double elapsedSeconds, double etaSeconds);
  void logMessage(int level, const QString& text);  // level: simclr::LogLevel
  void succeeded(const QString& datasetFolder);
  void failed(const QString& message);
  void cancelled();
  void finished();

 private:
  simclr::DownloadOptions options_;
  simclr::StopToken stop_;
};

}  // namespace simclr::gui

#include "app/gui/dataset/download_worker.h"

#include "engine/core/error.h"

namespace simclr::gui {

DownloadWorker::DownloadWorker(simclr::DownloadOptions options, simclr::StopToken stop, QObject* parent)
    : QObject(parent), options_(std::move(options)), stop_(std::move(stop)) {}

void DownloadWorker::run() {
  JobCallbacks callbacks;
  callbacks.on_progress = [this](const Progress& p) {
    Q_EMIT progress(QString::fromStdString(p.stage), p.step, p.total, p.elapsed_s, p.eta_s);
  };
  callbacks.on_log = [this](LogLevel level, const std::string& text) {
    Q_EMIT logMessage(int(level), QString::fromStdString(text));
  };
  // Nothing may escape into the event loop: every outcome becomes a signal.
  try {
    const auto folder = download_cifar10(options_, callbacks, stop_);
    Q_EMIT succeeded(QString::fromStdString(folder.string()));
  } catch (const CancelledError&) {
    Q_EMIT cancelled();
  } catch (const std::exception& e) {
    if (stop_.stop_requested())
      Q_EMIT cancelled();  // the abort surfaced as a transfer error
    else
      Q_EMIT failed(QString::fromUtf8(e.what()));
  } catch (...) {
    Q_EMIT failed(tr("The download failed for an unknown reason."));
  }
  Q_EMIT finished();
}

}  // namespace simclr::gui

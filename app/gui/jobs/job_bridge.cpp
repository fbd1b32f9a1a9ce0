#include "app/gui/jobs/job_bridge.h"

#include <QMetaObject>
#include <QPointer>

#include <c10/util/Exception.h>

#include "engine/core/error.h"

namespace simclr::gui {

JobCallbacks queuedCallbacks(QObject* receiver, std::function<void(const JobProgress&)> onProgress,
                             std::function<void(int, const QString&)> onLog) {
  JobCallbacks callbacks;
  callbacks.on_progress = [receiver, onProgress](const Progress& p) {
    const JobProgress progress{QString::fromStdString(p.stage), p.step, p.total, p.elapsed_s, p.eta_s};
    QMetaObject::invokeMethod(
        receiver, [onProgress, progress] { onProgress(progress); }, Qt::QueuedConnection);
  };
  callbacks.on_log = [receiver, onLog](LogLevel level, const std::string& text) {
    const QString message = QString::fromStdString(text);
    QMetaObject::invokeMethod(
        receiver, [onLog, level, message] { onLog(int(level), message); }, Qt::QueuedConnection);
  };
  return callbacks;
}

JobThread::~JobThread() {
  if (!thread_) return;
  stop_.request_stop();
  finish();
}

void JobThread::finish() {
  thread_->wait();
  delete thread_;
  thread_ = nullptr;
}

QString jobErrorMessage(const std::exception_ptr& error, bool* badInput) {
  if (badInput) *badInput = false;
  try {
    std::rethrow_exception(error);
  } catch (const CancelledError&) {
    return QObject::tr("cancelled");
  } catch (const Error& e) {
    if (badInput) *badInput = e.is_bad_input();
    return QString::fromStdString(e.what());
  } catch (const c10::Error& e) {
    // LibTorch's own errors (out of memory, shape mismatches): the message without the trace.
    return QString::fromStdString(e.what_without_backtrace());
  } catch (const std::exception& e) {
    return QString::fromStdString(e.what());
  } catch (...) {
    return QObject::tr("unknown error");
  }
}

}  // namespace simclr::gui

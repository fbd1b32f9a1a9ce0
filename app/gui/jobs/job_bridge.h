#pragma once
// What every background engine job of the GUI shares: the thread it runs on, engine
// callbacks that post progress and log lines to a QObject's thread, and the message an
// engine exception shows.
#include <QMetaObject>
#include <QObject>
#include <QString>
#include <QThread>

#include <exception>
#include <functional>

#include "app/gui/jobs/metric_types.h"
#include "engine/core/job.h"
#include "engine/core/tensor_memory_cache.h"

namespace simclr::gui {

// Callbacks for a job running on another thread: each report is posted to `receiver`'s
// thread, where onProgress / onLog run (dropped if the receiver is gone by then).
simclr::JobCallbacks queuedCallbacks(QObject* receiver, std::function<void(const JobProgress&)> onProgress,
                                     std::function<void(int level, const QString& text)> onLog);

// The text to show for an exception a job threw: the engine's message, LibTorch's without
// its backtrace, "cancelled" after a stop. `badInput` (optional) tells whether it is about
// the user's files or settings rather than a runtime failure.
QString jobErrorMessage(const std::exception_ptr& error, bool* badInput = nullptr);

// One job at a time on a thread of its own, for the QObject `owner` that reports it:
// start() runs work(stop) there and, once that thread has ended, hands the result to done()
// on the owner's thread. Destroying it (with its owner) stops the job and waits for it; the
// result still queued then dies with the owner's posted events.
class JobThread {
 public:
  // releaseTensorMemory: hand the tensor memory cache back after each job, for jobs that
  // work through a whole dataset; not for the quick, frequent ones (a neighbour query) whose
  // blocks the next job reuses.
  explicit JobThread(QObject* owner, bool releaseTensorMemory = false)
      : owner_(owner), releaseTensorMemory_(releaseTensorMemory) {}
  ~JobThread();
  JobThread(const JobThread&) = delete;
  JobThread& operator=(const JobThread&) = delete;

  bool isBusy() const { return thread_ != nullptr; }
  void cancel() { stop_.request_stop(); }

  // Returns false (and runs nothing) while a job is running. work must not throw.
  template <class Result>
  bool start(const QString& name, std::function<Result(const simclr::StopToken&)> work,
             std::function<void(const Result&)> done) {
    if (thread_) return false;
    stop_ = simclr::StopToken();
    const simclr::StopToken stop = stop_;
    thread_ = QThread::create([this, work, done, stop] {
      const Result result = work(stop);
      if (releaseTensorMemory_) simclr::release_cached_tensor_memory();
      QMetaObject::invokeMethod(
          owner_,
          [this, done, result] {
            finish();
            done(result);
          },
          Qt::QueuedConnection);
    });
    thread_->setObjectName(name);
    thread_->start(QThread::LowPriority);
    return true;
  }

 private:
  void finish();  // waits for the ended thread and deletes it

  QObject* owner_;
  bool releaseTensorMemory_;
  QThread* thread_ = nullptr;
  simclr::StopToken stop_;
};

}  // namespace simclr::gui

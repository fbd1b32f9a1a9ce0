#pragma once
// "The newest request wins": the one way a panel computes in the background when the user
// can ask again before the answer is there (typing a path, holding a spin box down,
// clicking through neighbours). At most one job runs, on a JobThread; a request made
// meanwhile waits, and a newer one replaces it, so a burst of requests costs at most two
// jobs, not one per request. Only the newest request's answer is handed back; the answers
// of the requests it superseded are dropped.
#include <QObject>
#include <QString>

#include <functional>
#include <optional>
#include <utility>

#include "app/gui/jobs/job_bridge.h"

namespace simclr::gui {

template <class Result>
class LatestRequestRunner {
 public:
  using Work = std::function<Result(const simclr::StopToken&)>;  // runs on the job's thread; must not throw
  using Done = std::function<void(const Result&)>;               // runs on the owner's thread

  // What happens to the running job when a newer request arrives.
  enum class Superseded {
    Stop,      // asked to stop: its answer is dropped anyway
    RunToEnd,  // left alone: for jobs whose work the next request reuses (features being loaded)
  };

  // owner: the QObject whose thread runs done() and whose destruction drops what is queued
  // (the runner is a member of it). releaseTensorMemory as for JobThread.
  LatestRequestRunner(QObject* owner, QString name, Superseded superseded = Superseded::Stop,
                      bool releaseTensorMemory = false)
      : name_(std::move(name)), superseded_(superseded), job_(owner, releaseTensorMemory) {}

  // Runs work(stop) in the background; done(result) follows on the owner's thread unless a
  // newer request is made before the job ends.
  void request(Work work, Done done) {
    pending_ = Request{std::move(work), std::move(done)};  // replaces an older waiting one
    if (!job_.isBusy())
      startPending();
    else if (superseded_ == Superseded::Stop)
      job_.cancel();
  }

  // Drops the waiting request and asks the running job to stop. Its done() still runs with
  // whatever the job returns: the newest request ends, it is not forgotten.
  void cancel() {
    pending_.reset();
    job_.cancel();
  }

  // True from a request until its done() is called (false inside done()).
  bool isBusy() const { return job_.isBusy() || pending_.has_value(); }

 private:
  struct Request {
    Work work;
    Done done;
  };

  void startPending() {
    Request next = std::move(*pending_);
    pending_.reset();
    job_.start<Result>(name_, std::move(next.work), [this, done = std::move(next.done)](const Result& result) {
      if (pending_) return startPending();  // superseded while it ran: its answer is stale
      done(result);
    });
  }

  QString name_;
  Superseded superseded_;
  JobThread job_;
  std::optional<Request> pending_;
};

}  // namespace simclr::gui

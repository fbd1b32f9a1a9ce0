#pragma once
// Follows a run folder that another process writes (simclr-cli's ranks, a cluster job on a
// shared file system): polls metrics.jsonl on a timer (file-change notifications do not
// work on network file systems), reads only the bytes added since the last poll and emits
// each new record as the same StepMetrics / MonitorMetrics the in-process trainer reports.
// A last line without its newline is kept and read again later; a file that shrank or was
// replaced (a resumed run drops the records after its checkpoint) is read again from the
// start, announced by restarted(). status.json, once newer than the metrics, gives the
// run's final state.
#include <QByteArray>
#include <QDateTime>
#include <QObject>
#include <QString>

#include "app/gui/jobs/metric_types.h"

class QFile;
class QTimer;

namespace simclr::gui {

class RunFollower : public QObject {
  Q_OBJECT
 public:
  enum class State {
    None,      // not following
    Waiting,   // no metrics.jsonl yet
    Growing,   // written to recently, no current status.json: another process writes it
    Quiet,     // no current status.json, but not written for quietAfter()
    Finished,  // status.json (newer than the metrics) says how the run ended
  };
  Q_ENUM(State)

  explicit RunFollower(QObject* parent = nullptr);

  // Starts following runDir from the beginning of its metrics (polls at once, then on the timer).
  void follow(const QString& runDir);
  void stop();
  bool isFollowing() const;
  QString runDir() const { return runDir_; }

  void setPollInterval(int ms);
  int pollInterval() const;
  // Without a status, a run not written for this long is shown as Quiet rather than Growing.
  void setQuietAfter(int ms) { quietAfterMs_ = ms; }

  State state() const { return state_; }
  QString finalState() const { return finalState_; }  // status.json's "state" when Finished
  int worldSize() const { return worldSize_; }        // status.json's "world_size", else 0
  QString stateText() const;                          // for the status bar
  qint64 bytesRead() const { return offset_; }        // of metrics.jsonl, including pendingBytes()
  qint64 pendingBytes() const { return partial_.size(); }
  qint64 lastStep() const { return lastStep_; }

  // At most this many bytes are parsed per poll; the rest follows on the next turn of the
  // event loop, so a long log never freezes the window.
  static constexpr qint64 kMaxBytesPerPoll = 1 << 20;

 public Q_SLOTS:
  // Reads what is new now (the timer calls this; tests and the launcher may call it too).
  void poll();
  // Reads everything there is now, however long (the writer has ended).
  void catchUp();

 Q_SIGNALS:
  // Everything emitted before is void: the metrics are read again from the beginning.
  void restarted();
  // The state or its text changed (stateText()).
  void stepRead(const simclr::StepMetrics& metrics);
  void monitorRead(const simclr::MonitorMetrics& metrics);
  void stateChanged(simclr::gui::RunFollower::State state);

 private:
  QString metricsFile() const;
  QString statusFile() const;
  bool anchorStillMatches(QFile& file) const;
  void restart();
  bool readNewBytes();  // true when more bytes are waiting than one poll reads
  void parseLine(const QByteArray& line);
  void readStatus();
  void updateState();
  void setState(State state);

  QTimer* timer_;
  QString runDir_;
  qint64 offset_ = 0;   // bytes of metrics.jsonl consumed (complete lines + partial_)
  QByteArray partial_;  // the last line so far, without its newline
  QByteArray anchor_;   // the last complete line before offset_ - partial_, with its newline
  qint64 lastStep_ = 0;
  QDateTime lastChange_;  // when the metrics last grew (or its modification time at first)
  QDateTime statusTime_;  // modification time of the status.json read last
  QString finalState_;
  int worldSize_ = 0;
  QString shownText_;  // stateText() when stateChanged was last emitted
  int quietAfterMs_ = 5 * 60 * 1000;
  State state_ = State::None;
};

}  // namespace simclr::gui

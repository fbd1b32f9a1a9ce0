#pragma once
// Measures how responsive the GUI thread is: a precise timer asks to fire every interval
// and notes how late each firing comes. While training runs at full load the lateness must
// stay under ~50 ms; the main window shows it and logs a summary at the end of each run.
#include <vector>

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace simclr::gui {

struct LatencySummary {
  int samples = 0;
  double medianMs = 0;
  double p99Ms = 0;
  double maxMs = 0;
};

class EventLoopLatency : public QObject {
  Q_OBJECT
 public:
  explicit EventLoopLatency(int intervalMs = 20, QObject* parent = nullptr);

  void start();  // clears the samples
  void stop();
  bool isRunning() const { return timer_.isActive(); }
  LatencySummary summary() const;

 Q_SIGNALS:
  void measured(double lateMs);

 private:
  void onTimeout();

  int intervalMs_;
  QTimer timer_;
  QElapsedTimer clock_;
  qint64 last_ = 0;
  std::vector<double> lateMs_;
};

}  // namespace simclr::gui

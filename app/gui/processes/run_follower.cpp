#include "app/gui/processes/run_follower.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTimer>

#include <algorithm>

#include <nlohmann/json.hpp>

namespace simclr::gui {

RunFollower::RunFollower(QObject* parent) : QObject(parent), timer_(new QTimer(this)) {
  registerMetricTypes();
  timer_->setInterval(1000);
  connect(timer_, &QTimer::timeout, this, &RunFollower::poll);
}

void RunFollower::follow(const QString& runDir) {
  runDir_ = QFileInfo(runDir).absoluteFilePath();
  offset_ = 0;
  partial_.clear();
  anchor_.clear();
  lastStep_ = 0;
  lastChange_ = {};
  statusTime_ = {};
  finalState_.clear();
  worldSize_ = 0;
  state_ = State::None;
  shownText_.clear();
  timer_->start();
  poll();
}

void RunFollower::stop() {
  timer_->stop();
  runDir_.clear();
  setState(State::None);
}

bool RunFollower::isFollowing() const {
  return !runDir_.isEmpty();
}

void RunFollower::setPollInterval(int ms) {
  timer_->setInterval(ms);
}

int RunFollower::pollInterval() const {
  return timer_->interval();
}

QString RunFollower::metricsFile() const {
  return QDir(runDir_).filePath(QStringLiteral("metrics.jsonl"));
}

QString RunFollower::statusFile() const {
  return QDir(runDir_).filePath(QStringLiteral("status.json"));
}

QString RunFollower::stateText() const {
  switch (state_) {
    case State::None:
      return {};
    case State::Waiting:
      return tr("waiting for its first metrics");
    case State::Growing:
      return tr("being written by another process");
    case State::Quiet:
      return tr("incomplete: not written since %1").arg(lastChange_.toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    case State::Finished:
      return worldSize_ > 1 ? tr("%1 (%2 processes)").arg(finalState_).arg(worldSize_) : finalState_;
  }
  return {};
}

void RunFollower::poll() {
  if (runDir_.isEmpty()) return;
  const bool more = readNewBytes();
  readStatus();
  updateState();
  // The rest of a long log on the next turn of the event loop, not a second later.
  if (more) QTimer::singleShot(0, this, &RunFollower::poll);
}

void RunFollower::catchUp() {
  if (runDir_.isEmpty()) return;
  while (readNewBytes()) {
  }
  readStatus();
  updateState();
}

// The bytes already consumed end with anchor_ + partial_: if they changed, the file was
// replaced (a resumed run rewrites it atomically) even when it is not shorter now.
bool RunFollower::anchorStillMatches(QFile& file) const {
  const QByteArray expected = anchor_ + partial_;
  if (expected.isEmpty()) return true;
  if (!file.seek(offset_ - expected.size())) return false;
  return file.read(expected.size()) == expected;
}

void RunFollower::restart() {
  offset_ = 0;
  partial_.clear();
  anchor_.clear();
  lastStep_ = 0;
  Q_EMIT restarted();
}

bool RunFollower::readNewBytes() {
  // Opened afresh each time: on NFS, opening is what revalidates the cached size.
  QFile file(metricsFile());
  if (!file.open(QIODevice::ReadOnly)) return false;
  const qint64 size = file.size();
  if (size < offset_ || !anchorStillMatches(file)) restart();
  if (size <= offset_ || !file.seek(offset_)) return false;
  const QByteArray chunk = file.read(std::min(size - offset_, kMaxBytesPerPoll));
  if (chunk.isEmpty()) return false;
  // The first read of a folder takes the file's own time: an abandoned run is not "growing".
  lastChange_ = offset_ == 0 && !lastChange_.isValid() ? QFileInfo(file).lastModified() : QDateTime::currentDateTime();
  offset_ += chunk.size();
  const QByteArray data = partial_ + chunk;
  qsizetype start = 0;
  for (qsizetype end = data.indexOf('\n', start); end >= 0; end = data.indexOf('\n', start)) {
    parseLine(data.mid(start, end - start));
    anchor_ = data.mid(start, end - start + 1);
    start = end + 1;
  }
  partial_ = data.mid(start);  // kept until its newline arrives
  return offset_ < size;
}

void RunFollower::parseLine(const QByteArray& line) {
  const auto record = nlohmann::json::parse(line.constData(), line.constData() + line.size(), nullptr,
                                            /*allow_exceptions=*/false);
  // A line that is not a JSON object (a torn write before a crash) is skipped, as read_metrics does.
  if (!record.is_object() || !record.contains("type") || !record["type"].is_string()) return;
  const std::string type = record["type"].get<std::string>();
  if (type == "step") {
    const StepMetrics m = step_metrics_from_json(record);
    lastStep_ = m.step;
    Q_EMIT stepRead(m);
  } else if (type == "monitor") {
    Q_EMIT monitorRead(monitor_metrics_from_json(record));
  }
}

void RunFollower::readStatus() {
  const QFileInfo info(statusFile());
  if (!info.exists()) {
    statusTime_ = {};
    finalState_.clear();
    worldSize_ = 0;
    return;
  }
  if (info.lastModified() == statusTime_) return;
  QFile file(info.filePath());
  if (!file.open(QIODevice::ReadOnly)) return;
  const QByteArray bytes = file.readAll();
  const auto status = nlohmann::json::parse(bytes.constData(), bytes.constData() + bytes.size(), nullptr, false);
  if (!status.is_object() || !status.contains("state") || !status["state"].is_string()) return;  // read again later
  statusTime_ = info.lastModified();
  finalState_ = QString::fromStdString(status["state"].get<std::string>());
  worldSize_ =
      status.contains("world_size") && status["world_size"].is_number_integer() ? status["world_size"].get<int>() : 0;
}

void RunFollower::updateState() {
  const QFileInfo metrics(metricsFile());
  // A resumed run keeps the status.json of its earlier part: only a newer one is current.
  if (!finalState_.isEmpty() && (!metrics.exists() || statusTime_ >= metrics.lastModified()))
    setState(State::Finished);
  else if (!metrics.exists())
    setState(State::Waiting);
  else {
    if (!lastChange_.isValid()) lastChange_ = metrics.lastModified();  // there but still empty
    setState(lastChange_.msecsTo(QDateTime::currentDateTime()) < quietAfterMs_ ? State::Growing : State::Quiet);
  }
}

void RunFollower::setState(State state) {
  // A new status (stopped, then completed after a resume) changes the text, not the state.
  if (state_ == state && stateText() == shownText_) return;
  state_ = state;
  shownText_ = stateText();
  Q_EMIT stateChanged(state_);
}

}  // namespace simclr::gui

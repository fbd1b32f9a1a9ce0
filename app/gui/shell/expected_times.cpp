#include "app/gui/shell/expected_times.h"

#include <QFileInfo>
#include <QVariantMap>

#include "app/gui/shell/app_settings.h"
#include "engine/core/error.h"
#include "engine/experiments/epoch_time_estimate.h"
#include "engine/project/project_file.h"

namespace simclr::gui {

namespace {

// A remembered time is for the file as it was: its path and modification time.
QString stamp(const QString& file) {
  return QString::number(QFileInfo(file).lastModified().toSecsSinceEpoch());
}

}  // namespace

QString formatDuration(double seconds) {
  if (seconds < 90) return QObject::tr("%1 s").arg(qRound(seconds));
  if (seconds < 5400) return QObject::tr("%1 min").arg(seconds / 60, 0, 'f', seconds < 600 ? 1 : 0);
  return QObject::tr("%1 h").arg(seconds / 3600, 0, 'f', 1);
}

ExpectedTimes::ExpectedTimes(AppSettings& settings, QObject* parent) : QObject(parent), settings_(settings) {}

QString ExpectedTimes::remembered(const QString& file) const {
  const QString entry = settings_.value(settings::ExpectedTimes).value(file).toString();
  const qsizetype tab = entry.indexOf(QLatin1Char('\t'));
  return tab > 0 && entry.left(tab) == stamp(file) ? entry.mid(tab + 1) : QString();
}

QString ExpectedTimes::textFor(const QString& file) const {
  const QString text = remembered(file);
  if (!text.isEmpty()) return text;
  return file == current_ || queue_.contains(file) ? tr("measuring the time per epoch on this machine…") : QString();
}

void ExpectedTimes::measure(const QStringList& files) {
  for (const QString& file : files)
    if (remembered(file).isEmpty() && file != current_ && !queue_.contains(file)) queue_.append(file);
  next();
}

void ExpectedTimes::stop() {
  queue_.clear();
  job_.cancel();
}

void ExpectedTimes::next() {
  if (job_.isBusy() || queue_.isEmpty()) return;
  current_ = queue_.takeFirst();
  const std::string file = current_.toStdString();
  job_.start<QString>(
      QStringLiteral("expected time"),
      [file](const StopToken& stop) -> QString {
        try {
          const ProjectConfig project = load_project(file);
          const EpochTimeEstimate e = estimate_epoch_time(project, 2, stop);
          const double total = e.seconds_per_epoch * double(project.training.epochs);
          return tr("≈ %1 per epoch here, %2 for its %3 epochs (%4)")
              .arg(formatDuration(e.seconds_per_epoch), formatDuration(total))
              .arg(project.training.epochs)
              .arg(QString::fromStdString(e.device));
        } catch (const CancelledError&) {
          return {};
        } catch (const std::exception& e) {
          return tr("no estimate: %1").arg(QString::fromUtf8(e.what()));
        }
      },
      [this](const QString& text) {
        const QString file = current_;
        current_.clear();
        if (!text.isEmpty()) {
          QVariantMap times = settings_.value(settings::ExpectedTimes);
          times.insert(file, stamp(file) + QLatin1Char('\t') + text);
          settings_.setValue(settings::ExpectedTimes, times);
        }
        Q_EMIT measured(file);
        next();
      });
}

}  // namespace simclr::gui

#include "widgets/chart_rendering.h"

#include <QApplication>
#include <QObject>

namespace simclr::widgets {
namespace {

bool haveApplication(QString* error) {
  if (qobject_cast<QApplication*>(QCoreApplication::instance())) return true;
  if (error)
    *error = QObject::tr(
        "Cannot draw a chart without a QApplication "
        "(create one, with QT_QPA_PLATFORM=offscreen when there is no display).");
  return false;
}

}  // namespace

bool renderAccuracyChart(const QString& file, const QString& title, const QStringList& categories,
                         const QVector<AccuracySeries>& series, QSize size, QString* error) {
  if (!haveApplication(error)) return false;
  AccuracyBarChart chart;
  chart.resize(size);
  chart.setTitle(title);
  chart.setData(categories, series);
  return chart.saveImage(file, size, error);
}

bool renderSweepChart(const QString& file, const QString& title, const QVector<SweepSeries>& series, QSize size,
                      QString* error, const QString& throughputLabel, const QVector<double>& throughputBatchSizes,
                      const QVector<double>& throughputPerSecond) {
  if (!haveApplication(error)) return false;
  SweepChart chart;
  chart.resize(size);
  chart.setTitle(title);
  chart.setData(series);
  if (!throughputBatchSizes.isEmpty()) chart.setThroughput(throughputLabel, throughputBatchSizes, throughputPerSecond);
  return chart.saveImage(file, size, error);
}

}  // namespace simclr::widgets

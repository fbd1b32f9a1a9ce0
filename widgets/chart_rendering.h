#pragma once

// Charts straight to image files, without a window: for reports written from the command
// line (`simclr-cli report`). A QApplication must exist (the offscreen platform will do);
// the chart widget is created, rendered and destroyed inside the call.

#include <QSize>
#include <QString>
#include <QStringList>
#include <QVector>

#include "widgets/accuracy_bar_chart.h"
#include "widgets/sweep_chart.h"

namespace simclr::widgets {

// An AccuracyBarChart of `categories` x `series` (percent, NaN = no bar) saved as PNG, SVG
// or PDF by the file's extension. False with *error set when it could not be written.
bool renderAccuracyChart(const QString& file, const QString& title, const QStringList& categories,
                         const QVector<AccuracySeries>& series, QSize size = QSize(900, 520), QString* error = nullptr);

// A SweepChart of `series` (percent against batch size), optionally with a throughput curve
// on the right axis (empty throughputBatchSizes: none), saved by the file's extension.
bool renderSweepChart(const QString& file, const QString& title, const QVector<SweepSeries>& series,
                      QSize size = QSize(900, 520), QString* error = nullptr,
                      const QString& throughputLabel = QString(), const QVector<double>& throughputBatchSizes = {},
                      const QVector<double>& throughputPerSecond = {});

}  // namespace simclr::widgets

// MetricChart's exports: an image (PNG, SVG, PDF, through exportPlot) and the data as CSV
// (through CsvWriter). Both write through a QSaveFile, so a failed or interrupted export never
// leaves a truncated file behind or destroys an older one.

#include "widgets/csv_writer.h"
#include "widgets/ema_smoothing.h"
#include "widgets/metric_chart.h"
#include "widgets/metric_chart_series.h"
#include "widgets/plot_export.h"
#include "widgets/qcustomplot_include.h"

namespace simclr::widgets {
namespace {

const QSize kFallbackSize(800, 500);
constexpr double kPngScale = 2.0;  // crisp on high-DPI screens and in documents

}  // namespace

bool MetricChart::exportImage(const QString& file, QString* error, QSize size) {
  if (!size.isValid() || size.width() < 100 || size.height() < 80) {
    // A chart that was never shown has a meaningless size: use a sensible figure size.
    size = plot_->isVisible() ? plot_->size() : kFallbackSize;
    if (size.width() < 100 || size.height() < 80) size = kFallbackSize;
  }
  flush();  // export what the user would see after the next replot, including pending points
  return exportPlot(plot_, file, size, kPngScale, valueLabel_, error);
}

bool MetricChart::exportCsv(const QString& file, QString* error) const {
  CsvWriter csv;
  csv.record({QStringLiteral("series"), QStringLiteral("step"), QStringLiteral("epoch"), QStringLiteral("value"),
              QStringLiteral("smoothed")});
  for (const auto& s : series_) {
    QVector<double> values;
    values.reserve(s->points.size());
    for (const MetricPoint& p : s->points) values.append(p.value);
    const QVector<double> smoothed = smoothEma(values, smoothing_);
    for (int i = 0; i < s->points.size(); ++i) {
      const MetricPoint& p = s->points[i];
      csv.field(s->name).number(p.step).number(p.epoch).number(p.value).number(smoothed[i]).endRecord();
    }
  }
  return csv.save(file, error);
}

}  // namespace simclr::widgets

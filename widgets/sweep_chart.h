#pragma once

#include <QColor>
#include <QSize>
#include <QString>
#include <QVector>
#include <QWidget>

class QCustomPlot;
class QCPGraph;
class QCPItemTracer;
class QCPTextElement;
class QMouseEvent;

namespace simclr::widgets {

// One curve of a batch-size sweep ("kNN top-1", "Linear probe"): accuracy in percent at
// each batch size. Points whose value is NaN (not measured) are left out.
struct SweepSeries {
  QString name;
  QColor color;  // invalid: the next palette colour
  QVector<double> batchSizes;
  QVector<double> values;  // same length as batchSizes
};

// Accuracy against batch size: a log2 x axis with a tick at every batch size that occurs,
// one line with markers per series, optionally the throughput (images/s) as a dashed grey
// curve on a right-hand axis. Hovering near a point shows its series, batch size and value.
class SweepChart : public QWidget {
  Q_OBJECT

 public:
  explicit SweepChart(QWidget* parent = nullptr);
  ~SweepChart() override;

  void setData(const QVector<SweepSeries>& series);
  // A throughput curve on the right axis ("views/s"); an empty batchSizes removes it.
  void setThroughput(const QString& label, const QVector<double>& batchSizes, const QVector<double>& perSecond);
  void clear();
  QVector<SweepSeries> series() const { return series_; }  // colours resolved
  // The batch sizes on the x axis: every batch size of a drawn point, ascending.
  QVector<double> batchSizes() const { return ticks_; }

  void setTitle(const QString& title);
  QString title() const { return title_; }
  void setValueLabel(const QString& label);  // "Top-1 accuracy (%)" by default
  QString valueLabel() const { return valueLabel_; }

  // As AccuracyBarChart: written atomically, PNG pixels = size * scale.
  bool savePng(const QString& file, int width = 900, int height = 520, double scale = 1.0, QString* error = nullptr);
  bool saveImage(const QString& file, QSize size, QString* error = nullptr);  // by extension
  // "batch_size,<series 1>,...[,<throughput label>]", one row per batch size; empty fields
  // where a series has no point.
  QString toCsv() const;

  // --- tests and diagnostics ----------------------------------------------------------
  QCustomPlot* plot() const { return plot_; }
  QCPGraph* graph(int seriesIndex) const;                    // nullptr when out of range
  QCPGraph* throughputGraph() const { return throughput_; }  // nullptr when none

 private:
  void rebuild();
  void onPlotMouseMove(QMouseEvent* event);
  void hideHover();
  bool eventFilter(QObject* watched, QEvent* event) override;

  QCustomPlot* plot_ = nullptr;
  QCPTextElement* titleElement_ = nullptr;
  QCPItemTracer* tracer_ = nullptr;
  QVector<SweepSeries> series_;
  QList<QCPGraph*> graphs_;
  QCPGraph* throughput_ = nullptr;
  QString throughputLabel_;
  QVector<double> throughputKeys_, throughputValues_;
  QVector<double> ticks_;
  QString title_;
  QString valueLabel_;
};

}  // namespace simclr::widgets

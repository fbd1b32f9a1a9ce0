#pragma once

#include <QColor>
#include <QSize>
#include <QString>
#include <QStringList>
#include <QVector>
#include <QWidget>

class QCustomPlot;
class QCPBars;
class QCPItemText;
class QCPTextElement;
class QMouseEvent;

namespace simclr::widgets {

// One source of accuracies ("Ours", "Paper"): a value in percent per category; NaN where
// the source has no number for that category (no bar is drawn there).
struct AccuracySeries {
  QString name;
  QColor color;  // invalid: the next palette colour
  QVector<double> values;
};

// Grouped bars of accuracies: categories along x ("Raw pixels", "SimCLR h", ...), one bar
// per series inside each category, the value written above each bar, a legend under the
// plot and a tooltip naming series, category and value. The y axis runs 0–100 % (a little
// more when a label would not fit) or, with setAutoRange(true), to the largest value with
// headroom.
class AccuracyBarChart : public QWidget {
  Q_OBJECT

 public:
  explicit AccuracyBarChart(QWidget* parent = nullptr);
  ~AccuracyBarChart() override;

  // Replaces everything shown. A series with fewer values than categories is padded with
  // NaN; extra values are ignored.
  void setData(const QStringList& categories, const QVector<AccuracySeries>& series);
  void clear();
  QStringList categories() const { return categories_; }
  QVector<AccuracySeries> series() const { return series_; }  // colours resolved

  void setTitle(const QString& title);  // empty: no title row
  QString title() const { return title_; }
  void setValueLabel(const QString& label);  // y-axis label, "Top-1 accuracy (%)" by default
  QString valueLabel() const { return valueLabel_; }
  void setAutoRange(bool on);
  bool autoRange() const { return autoRange_; }

  // Exports at width x height (device-independent pixels; PNG pixels are that times scale),
  // written atomically. False with *error set on failure.
  bool savePng(const QString& file, int width = 900, int height = 520, double scale = 1.0, QString* error = nullptr);
  bool saveSvg(const QString& file, int width = 900, int height = 520, QString* error = nullptr);
  bool savePdf(const QString& file, int width = 900, int height = 520, QString* error = nullptr);
  // By the file's extension (.png, .svg, .pdf).
  bool saveImage(const QString& file, QSize size, QString* error = nullptr);
  // "category,<series 1>,<series 2>,..." then one row per category; empty field for NaN.
  QString toCsv() const;

  // --- tests and diagnostics ----------------------------------------------------------
  QCustomPlot* plot() const { return plot_; }
  QCPBars* bars(int seriesIndex) const;  // nullptr when out of range
  // Key (x coordinate) of a series' bar inside a category: categories sit at 0, 1, 2, ...
  double barKey(int seriesIndex, int category) const;
  double barWidth() const;
  // The value labels drawn above the bars, in series-major order (NaN values have none).
  QList<QCPItemText*> valueLabels() const { return labels_; }

 private:
  void rebuild();
  void updateRange();
  void onPlotMouseMove(QMouseEvent* event);
  bool eventFilter(QObject* watched, QEvent* event) override;

  QCustomPlot* plot_ = nullptr;
  QCPTextElement* titleElement_ = nullptr;
  QStringList categories_;
  QVector<AccuracySeries> series_;
  QList<QCPBars*> bars_;
  QList<QCPItemText*> labels_;
  QString title_;
  QString valueLabel_;
  bool autoRange_ = false;
  bool tooltipShown_ = false;
};

}  // namespace simclr::widgets

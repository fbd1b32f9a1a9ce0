#pragma once

#include <QColor>
#include <QSize>
#include <QString>
#include <QStringList>
#include <QVector>
#include <QWidget>

#include <memory>
#include <vector>

#include "widgets/metric_point.h"

class QCustomPlot;
class QCPGraph;
class QCPItemTracer;
class QCPItemText;
class QMouseEvent;
class QTimer;

namespace simclr::widgets {

// A live line chart of named metric series ("run-A", "run-B/loss", ...) on top of
// QCustomPlot. Points arrive in bursts from a training worker, so appends are buffered and
// one single-shot timer replots at most every replotInterval() ms, never once per point.
//
// Each series keeps both x coordinates of every point (step and epoch) and can be shown
// against either. With smoothing > 0 the debiased EMA is drawn solid and the raw curve
// faintly underneath in the same colour, so outliers stay visible.
//
// The view follows new data until the user pans (drag) or zooms (wheel); resetView() or a
// double-click rescales to the data and resumes following.
class MetricChart : public QWidget {
  Q_OBJECT

 public:
  enum class XAxis { Step, Epoch };
  Q_ENUM(XAxis)

  explicit MetricChart(QWidget* parent = nullptr);
  ~MetricChart() override;

  // --- data ---------------------------------------------------------------------------
  // Replaces all points of a series (creating it if needed) and replots on the timer.
  void setSeries(const QString& series, QVector<MetricPoint> points);
  void removeSeries(const QString& series);
  void clear();
  QStringList seriesNames() const;  // in creation order
  bool hasSeries(const QString& series) const;
  // Stored points of a series, including those not yet drawn; 0 for unknown series.
  int pointCount(const QString& series) const;
  QVector<MetricPoint> points(const QString& series) const;

  // --- appearance ---------------------------------------------------------------------
  // EMA weight in [0, 0.999]; 0 draws the raw curve only.
  void setSmoothing(double weight);
  double smoothing() const { return smoothing_; }
  void setLogScale(bool on);
  bool logScale() const { return logScale_; }
  void setXAxis(XAxis axis);
  XAxis xAxis() const { return xAxis_; }
  void setValueLabel(const QString& label);  // y-axis label; the x label follows xAxis()
  // What the empty chart says: what will fill it, and when. Hidden once there is data.
  void setEmptyText(const QString& text);
  QString emptyText() const;
  QString valueLabel() const { return valueLabel_; }
  void setSeriesVisible(const QString& series, bool visible);
  bool isSeriesVisible(const QString& series) const;
  QColor seriesColor(const QString& series) const;
  void setReplotInterval(int ms);
  int replotInterval() const;

  // --- view ---------------------------------------------------------------------------
  // Rescales the axes to the visible data and follows new data again.
  void resetView();
  bool isFollowing() const { return follow_; }

  // --- export -------------------------------------------------------------------------
  // Writes the chart as PNG, SVG or PDF, chosen by the file's extension. size defaults to
  // the widget's size (or 800x500 when the widget was never laid out). The file is written
  // atomically: an existing file is only replaced when the export succeeded.
  bool exportImage(const QString& file, QString* error = nullptr, QSize size = QSize());
  // Writes "series,step,epoch,value,smoothed" rows, smoothed with the current weight.
  bool exportCsv(const QString& file, QString* error = nullptr) const;

  // --- tests and diagnostics ----------------------------------------------------------
  // Draws pending points and replots now instead of waiting for the timer.
  void flush();
  bool hasPendingReplot() const;
  int replotCount() const { return replotCount_; }
  QCustomPlot* plot() const { return plot_; }
  QCPGraph* graph(const QString& series) const;     // the solid curve (smoothed or raw)
  QCPGraph* rawGraph(const QString& series) const;  // the faint raw curve under it

 public Q_SLOTS:
  // Buffered: the chart replots once on its timer, however many points arrive.
  void appendPoints(const QString& series, const QVector<simclr::widgets::MetricPoint>& points);
  void appendPoint(const QString& series, const simclr::widgets::MetricPoint& point);
  void appendPoint(const QString& series, double step, double epoch, double value) {
    appendPoint(series, MetricPoint{step, epoch, value});
  }

 Q_SIGNALS:
  void smoothingChanged(double weight);
  void logScaleChanged(bool on);
  void xAxisChanged(simclr::widgets::MetricChart::XAxis axis);
  void seriesVisibilityChanged(const QString& series, bool visible);
  void followingChanged(bool following);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  struct Series;

  Series* find(const QString& name) const;
  Series& findOrCreate(const QString& name);
  void scheduleReplot();
  void syncGraphs();
  void appendToGraphs(Series& s);
  void updateVisibility(Series& s);
  void updateLegend();
  void updateAxisLabels();
  void rescaleToData();
  void setFollowing(bool follow);
  void onRangeChanged();
  void onPlotMouseMove(QMouseEvent* event);
  void hideHover();
  double keyOf(const MetricPoint& p) const;

  QCustomPlot* plot_ = nullptr;
  QTimer* replotTimer_ = nullptr;
  QCPItemTracer* tracer_ = nullptr;
  QCPItemText* emptyText_ = nullptr;
  std::vector<std::unique_ptr<Series>> series_;
  double smoothing_ = 0.0;
  bool logScale_ = false;
  XAxis xAxis_ = XAxis::Step;
  QString valueLabel_;
  bool follow_ = true;
  bool settingView_ = false;  // true while the chart itself changes axis ranges
  bool rebuildAll_ = false;   // smoothing or x axis changed: every graph is refilled
  int replotCount_ = 0;
  int nextColor_ = 0;
};

}  // namespace simclr::widgets

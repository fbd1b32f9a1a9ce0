#pragma once

#include <QVector>
#include <QWidget>

class QCustomPlot;
class QCPGraph;
class QCPItemStraightLine;

namespace simclr::widgets {

// The small chart under an embedding timeline: per checkpoint step, the kNN top-1 and the
// share of neighbours kept from the previous checkpoint (both in percent, NaN values left
// out), with a vertical cursor at the frame shown. A click moves the cursor and reports
// the step clicked, so the chart scrubs the timeline as its slider does.
class TimelineChart : public QWidget {
  Q_OBJECT

 public:
  explicit TimelineChart(QWidget* parent = nullptr);
  ~TimelineChart() override;

  // Same lengths; values are fractions in [0, 1] or NaN. Steps ascending.
  void setSeries(const QVector<double>& steps, const QVector<double>& knn, const QVector<double>& stability);
  void clear();
  void setCursorStep(double step);
  double cursorStep() const { return cursor_; }

  QCustomPlot* plot() const { return plot_; }
  QCPGraph* knnGraph() const { return knn_; }
  QCPGraph* stabilityGraph() const { return stability_; }

 Q_SIGNALS:
  void stepClicked(double step);

 private:
  QCustomPlot* plot_;
  QCPGraph* knn_;
  QCPGraph* stability_;
  QCPItemStraightLine* cursorLine_;
  double cursor_ = 0;
};

}  // namespace simclr::widgets

#include "widgets/timeline_chart.h"

#include <QVBoxLayout>

#include <cmath>

#include "widgets/chart_style.h"
#include "widgets/qcustomplot_include.h"

namespace simclr::widgets {

namespace {

void fill(QCPGraph* graph, const QVector<double>& steps, const QVector<double>& values) {
  QVector<double> xs, ys;
  for (int i = 0; i < steps.size() && i < values.size(); ++i)
    if (std::isfinite(values[i])) {
      xs.append(steps[i]);
      ys.append(100 * values[i]);
    }
  graph->setData(xs, ys, true);
}

}  // namespace

TimelineChart::TimelineChart(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  plot_ = new QCustomPlot(this);
  plot_->setObjectName(QStringLiteral("timelineChart"));
  layout->addWidget(plot_);
  setMinimumHeight(110);
  plot_->yAxis->setRange(0, 100);
  plot_->yAxis->setLabel(tr("%"));
  plot_->xAxis->setLabel(tr("step"));
  QFont small = font();
  small.setPointSizeF(small.pointSizeF() * 0.85);
  for (QCPAxis* axis : {plot_->xAxis, plot_->yAxis}) {
    axis->setTickLabelFont(small);
    axis->setLabelFont(small);
  }
  knn_ = plot_->addGraph();
  knn_->setName(tr("kNN top-1"));
  knn_->setPen(QPen(QColor(0x1f, 0x77, 0xb4), 1.8));
  knn_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 5));
  stability_ = plot_->addGraph();
  stability_->setName(tr("kept neighbours"));
  stability_->setPen(QPen(QColor(0xff, 0x7f, 0x0e), 1.8));
  stability_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 5));
  plot_->legend->setVisible(true);
  plot_->legend->setFont(small);
  plot_->legend->setBrush(Qt::white);  // a fill, in the palette's colour (followPalette)
  // One row above the plot, so it never covers a curve.
  plot_->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
  plot_->legend->setBorderPen(Qt::NoPen);
  plot_->legend->setMargins(QMargins(2, 0, 2, 0));
  plot_->plotLayout()->insertRow(0);
  plot_->plotLayout()->addElement(0, 0, plot_->legend);
  plot_->plotLayout()->setRowStretchFactor(0, 0.001);
  cursorLine_ = new QCPItemStraightLine(plot_);
  followPalette(plot_, [this](const ChartColors& c) { cursorLine_->setPen(QPen(c.axis, 1, Qt::DashLine)); });
  setCursorStep(0);
  connect(plot_, &QCustomPlot::mousePress, this, [this](QMouseEvent* event) {
    if (knn_->data()->isEmpty() && stability_->data()->isEmpty()) return;
    const double step = plot_->xAxis->pixelToCoord(event->position().x());
    setCursorStep(step);
    Q_EMIT stepClicked(step);
  });
}

TimelineChart::~TimelineChart() = default;

void TimelineChart::setSeries(const QVector<double>& steps, const QVector<double>& knn,
                              const QVector<double>& stability) {
  fill(knn_, steps, knn);
  fill(stability_, steps, stability);
  knn_->setVisible(!knn_->data()->isEmpty());  // no labels: no kNN curve
  if (QCPPlottableLegendItem* item = plot_->legend->itemWithPlottable(knn_)) item->setVisible(knn_->visible());
  if (!steps.isEmpty()) {
    const double span = std::max(1.0, steps.last() - steps.first());
    plot_->xAxis->setRange(steps.first() - 0.03 * span, steps.last() + 0.03 * span);
  }
  plot_->replot();
}

void TimelineChart::clear() {
  setSeries({}, {}, {});
}

void TimelineChart::setCursorStep(double step) {
  cursor_ = step;
  cursorLine_->point1->setCoords(step, 0);
  cursorLine_->point2->setCoords(step, 1);
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace simclr::widgets

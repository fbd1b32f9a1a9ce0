#include "widgets/embedding_scatter.h"

#include <QBuffer>
#include <QTimer>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

#include "widgets/chart_style.h"
#include "widgets/csv_writer.h"
#include "widgets/plot_export.h"
#include "widgets/qcustomplot_include.h"

namespace simclr::widgets {
namespace {

// Tableau 10: distinguishable and familiar from matplotlib's t-SNE plots of CIFAR-10.
const QRgb kPalette[] = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
                         0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf};
constexpr int kPaletteSize = int(sizeof kPalette / sizeof kPalette[0]);
constexpr double kPointSize = 5.0;
constexpr int kClickSlopPx = 4;  // a press and release closer than this is a click, not a drag
const QSize kFallbackSize(800, 600);
constexpr double kPngScale = 2.0;  // crisp on high-DPI screens and in documents

// What the scatter draws in the text's colour (rings, squares, paths), from the palette.
QColor inkOf(const QWidget* plot) {
  return chartColors(plot->palette()).text;
}

QColor colorFor(int label) {
  if (label < kPaletteSize) return QColor(kPalette[label]);
  // More classes than the palette: spread hues by the golden angle.
  return QColor::fromHsvF(std::fmod(label * 0.618033988749895, 1.0), 0.65, 0.85);
}

}  // namespace

EmbeddingScatter::EmbeddingScatter(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  plot_ = new QCustomPlot(this);
  plot_->setObjectName(QStringLiteral("embeddingPlot"));
  layout->addWidget(plot_, 1);
  buildSelectionList();
  plot_->setMinimumSize(200, 150);
  plot_->setAutoAddPlottableToLegend(false);
  plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  plot_->setNoAntialiasingOnDrag(true);  // keeps panning 10 000 discs fluid
  plot_->setMouseTracking(true);
  // A layout's axes have no units: a plain frame, no tick labels.
  for (QCPAxis* axis : {plot_->xAxis, plot_->yAxis}) {
    axis->setTickLabels(false);
    axis->grid()->setZeroLinePen(Qt::NoPen);
  }
  plot_->legend->setVisible(false);
  plot_->legend->setBrush(Qt::white);  // a fill, in the palette's colour (followPalette)
  plot_->legend->setSelectableParts(QCPLegend::spNone);
  plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);

  followPalette(plot_, [this](const ChartColors& c) {
    // What is drawn in the text's colour: rings, selection squares, paths, hidden classes.
    if (highlightGraph_) {
      auto ring = highlightGraph_->scatterStyle();
      ring.setPen(QPen(c.text, 1.5));
      highlightGraph_->setScatterStyle(ring);
      auto square = selectionGraph_->scatterStyle();
      square.setPen(QPen(c.text, 1));
      selectionGraph_->setScatterStyle(square);
    }
    QColor line = c.text;
    line.setAlpha(150);
    for (QCPCurve* curve : paths_) {
      curve->setPen(QPen(line, 1.2));
      curve->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, line, 3));
    }
    for (QCPGraph* graph : graphs_)
      if (QCPPlottableLegendItem* item = plot_->legend->itemWithPlottable(graph))
        item->setTextColor(graph->visible() ? c.text : c.axis);
  });
  settle_ = new QTimer(this);
  settle_->setSingleShot(true);
  settle_->setInterval(150);
  connect(settle_, &QTimer::timeout, this, [this] {
    plot_->setNotAntialiasedElements(QCP::aeNone);
    plot_->replot();
  });
  connect(plot_, &QCustomPlot::mousePress, this, &EmbeddingScatter::onMousePress);
  connect(plot_, &QCustomPlot::mouseRelease, this, &EmbeddingScatter::onMouseRelease);
  connect(plot_, &QCustomPlot::mouseMove, this, &EmbeddingScatter::onMouseMove);
  connect(plot_, &QCustomPlot::mouseDoubleClick, this, [this] { resetView(); });
  connect(plot_->selectionRect(), &QCPSelectionRect::accepted, this,
          [this](const QRect& rect, QMouseEvent*) { selectPointsIn(rect.normalized()); });
  connect(plot_, &QCustomPlot::legendClick, this, [this](QCPLegend*, QCPAbstractLegendItem* item, QMouseEvent*) {
    auto* plottableItem = qobject_cast<QCPPlottableLegendItem*>(item);
    if (!plottableItem) return;
    const int label = int(graphs_.indexOf(static_cast<QCPGraph*>(plottableItem->plottable())));
    if (label >= 0) setClassVisible(label, !isClassVisible(label));
  });
}

EmbeddingScatter::~EmbeddingScatter() = default;

bool EmbeddingScatter::setPoints(QVector<QPointF> points, QVector<int> labels, QStringList classNames) {
  if (points.size() != labels.size()) return false;
  int classes = int(classNames.size());
  for (int l : labels) {
    if (l < 0) return false;
    classes = std::max(classes, l + 1);
  }
  clear();
  points_ = std::move(points);
  labels_ = std::move(labels);
  classNames_ = std::move(classNames);

  for (int c = 0; c < classes; ++c) {
    QCPGraph* graph = plot_->addGraph();
    graph->setLineStyle(QCPGraph::lsNone);
    QColor color = colorFor(c);
    graph->setPen(QPen(color));
    QColor fill = color;
    fill.setAlpha(200);
    graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, color, fill, kPointSize));
    graph->setName(className(c));
    graphs_.append(graph);
  }
  fillClassGraphs();
  for (QCPGraph* graph : graphs_)
    if (!graph->data()->isEmpty()) graph->addToLegend();  // classes without points stay out
  highlightGraph_ = plot_->addGraph();
  highlightGraph_->setLineStyle(QCPGraph::lsNone);
  highlightGraph_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(inkOf(plot_), 1.5), Qt::NoBrush, 11));
  selectedGraph_ = plot_->addGraph();
  selectedGraph_->setLineStyle(QCPGraph::lsNone);
  selectedGraph_->setScatterStyle(
      QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(QColor(0xd3, 0x2f, 0x2f), 3), Qt::NoBrush, 15));
  selectionGraph_ = plot_->addGraph();
  selectionGraph_->setLineStyle(QCPGraph::lsNone);
  selectionGraph_->setScatterStyle(
      QCPScatterStyle(QCPScatterStyle::ssSquare, QPen(inkOf(plot_), 1), Qt::NoBrush, 9));
  plot_->legend->setVisible(!graphs_.isEmpty());
  resetView();
  return true;
}

void EmbeddingScatter::fillClassGraphs() {
  QVector<QVector<QCPGraphData>> perClass(graphs_.size());
  for (int i = 0; i < points_.size(); ++i) perClass[labels_[i]].append(QCPGraphData(points_[i].x(), points_[i].y()));
  for (int c = 0; c < graphs_.size(); ++c) {
    std::sort(perClass[c].begin(), perClass[c].end(), qcpLessThanSortKey<QCPGraphData>);
    graphs_[c]->data()->set(perClass[c], true);
  }
}

bool EmbeddingScatter::movePoints(const QVector<QPointF>& points) {
  if (points.size() != points_.size()) return false;
  points_ = points;
  plot_->setNotAntialiasedElements(QCP::aeScatters);
  settle_->start();
  fillClassGraphs();
  if (selectionGraph_) {  // the squares move; the listed thumbnails stay the same
    QVector<double> xs, ys;
    for (int i : selection_) {
      xs.append(points_[i].x());
      ys.append(points_[i].y());
    }
    selectionGraph_->setData(xs, ys);
  }
  updateMarkers();  // replots
  return true;
}

void EmbeddingScatter::setPaths(const QVector<QVector<QPointF>>& paths) {
  for (QCPCurve* curve : paths_) plot_->removePlottable(curve);
  paths_.clear();
  for (const auto& path : paths) {
    auto* curve = new QCPCurve(plot_->xAxis, plot_->yAxis);
    QColor line = inkOf(plot_);
    line.setAlpha(150);
    curve->setPen(QPen(line, 1.2));
    curve->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, line, 3));
    QVector<double> t, xs, ys;
    for (int i = 0; i < path.size(); ++i) {
      t.append(i);
      xs.append(path[i].x());
      ys.append(path[i].y());
    }
    curve->setData(t, xs, ys, true);
    curve->setLayer(QStringLiteral("grid"));  // under the points
    paths_.append(curve);
  }
  plot_->replot();
}

void EmbeddingScatter::clear() {
  for (QCPCurve* curve : paths_) plot_->removePlottable(curve);
  paths_.clear();
  plot_->clearGraphs();
  graphs_.clear();
  highlightGraph_ = selectedGraph_ = selectionGraph_ = nullptr;
  selection_.clear();
  updateSelectionList();
  points_.clear();
  labels_.clear();
  classNames_.clear();
  highlighted_.clear();
  selected_ = -1;
  hovered_ = -1;
  plot_->legend->setVisible(false);
  plot_->replot();
}

QString EmbeddingScatter::className(int label) const {
  if (label >= 0 && label < classNames_.size() && !classNames_[label].isEmpty()) return classNames_[label];
  return tr("class %1").arg(label);
}

QColor EmbeddingScatter::classColor(int label) const {
  return label >= 0 ? colorFor(label) : QColor();
}

void EmbeddingScatter::setSelectedIndex(int index) {
  selected_ = (index >= 0 && index < points_.size()) ? index : -1;
  updateMarkers();
}

void EmbeddingScatter::setHighlighted(const QVector<int>& indices) {
  highlighted_.clear();
  for (int i : indices)
    if (i >= 0 && i < points_.size()) highlighted_.append(i);
  updateMarkers();
}

void EmbeddingScatter::updateMarkers() {
  if (!highlightGraph_) return;
  QVector<double> xs, ys;
  for (int i : highlighted_) {
    xs.append(points_[i].x());
    ys.append(points_[i].y());
  }
  highlightGraph_->setData(xs, ys);
  if (selected_ >= 0)
    selectedGraph_->setData({points_[selected_].x()}, {points_[selected_].y()});
  else
    selectedGraph_->data()->clear();
  plot_->replot();
}

void EmbeddingScatter::setClassVisible(int label, bool visible) {
  if (label < 0 || label >= graphs_.size() || graphs_[label]->visible() == visible) return;
  graphs_[label]->setVisible(visible);
  // A hidden class stays in the legend, greyed, so it can be clicked back.
  if (QCPPlottableLegendItem* item = plot_->legend->itemWithPlottable(graphs_[label]))
    item->setTextColor(visible ? inkOf(plot_) : chartColors(plot_->palette()).axis);
  plot_->replot();
  Q_EMIT classVisibilityChanged(label, visible);
}

bool EmbeddingScatter::isClassVisible(int label) const {
  return label >= 0 && label < graphs_.size() && graphs_[label]->visible();
}

void EmbeddingScatter::resetView() {
  if (points_.isEmpty()) {
    plot_->xAxis->setRange(-1, 1);
    plot_->yAxis->setRange(-1, 1);
  } else {
    double x0 = std::numeric_limits<double>::max(), x1 = -x0, y0 = x0, y1 = -x0;
    for (const QPointF& p : points_) {
      x0 = std::min(x0, p.x());
      x1 = std::max(x1, p.x());
      y0 = std::min(y0, p.y());
      y1 = std::max(y1, p.y());
    }
    const double mx = std::max((x1 - x0) * 0.05, 1e-6), my = std::max((y1 - y0) * 0.05, 1e-6);
    plot_->xAxis->setRange(x0 - mx, x1 + mx);
    plot_->yAxis->setRange(y0 - my, y1 + my);
  }
  plot_->replot();
}

void EmbeddingScatter::setThumbnailProvider(std::function<QImage(int)> provider) {
  thumbnail_ = std::move(provider);
}

QString EmbeddingScatter::toolTipText(int index) const {
  if (index < 0 || index >= points_.size()) return {};
  return tr("#%1 \u2014 %2").arg(index).arg(className(labels_[index]));
}

QString EmbeddingScatter::toolTipHtml(int index) const {
  QString text = toolTipText(index).toHtmlEscaped();
  if (thumbnail_) {
    const QImage image = thumbnail_(index);
    if (!image.isNull()) {
      // Qt's rich text reads data: URLs, so the thumbnail travels inside the tooltip.
      QByteArray png;
      QBuffer buffer(&png);
      buffer.open(QIODevice::WriteOnly);
      image.scaled(96, 96, Qt::KeepAspectRatio, Qt::FastTransformation).save(&buffer, "PNG");
      text =
          QStringLiteral("<img src=\"data:image/png;base64,%1\"><br>%2").arg(QString::fromLatin1(png.toBase64()), text);
    }
  }
  return text;
}

int EmbeddingScatter::indexAt(const QPoint& pos, double radiusPx) const {
  int best = -1;
  double bestD2 = radiusPx * radiusPx;
  const QCPAxis* xa = plot_->xAxis;
  const QCPAxis* ya = plot_->yAxis;
  for (int i = 0; i < points_.size(); ++i) {
    if (!graphs_[labels_[i]]->visible()) continue;
    const double dx = xa->coordToPixel(points_[i].x()) - pos.x();
    const double dy = ya->coordToPixel(points_[i].y()) - pos.y();
    const double d2 = dx * dx + dy * dy;
    if (d2 <= bestD2) {
      bestD2 = d2;
      best = i;
    }
  }
  return best;
}

QPoint EmbeddingScatter::pixelOf(int index) const {
  if (index < 0 || index >= points_.size()) return {};
  return QPointF(plot_->xAxis->coordToPixel(points_[index].x()), plot_->yAxis->coordToPixel(points_[index].y()))
      .toPoint();
}

void EmbeddingScatter::onMousePress(QMouseEvent* event) {
  pressPos_ = event->position().toPoint();
  pressed_ = event->button() == Qt::LeftButton;
  // Shift+drag draws a zoom rectangle, Ctrl+drag a selection rectangle; a plain drag pans.
  // QCustomPlot reads the mode right after emitting mousePress, so switching it here applies
  // to this very drag.
  const Qt::KeyboardModifiers mods = event->modifiers();
  plot_->setSelectionRectMode((mods & Qt::ShiftModifier)     ? QCP::srmZoom
                              : (mods & Qt::ControlModifier) ? QCP::srmCustom
                                                             : QCP::srmNone);
}

void EmbeddingScatter::onMouseRelease(QMouseEvent* event) {
  if (!pressed_) return;
  pressed_ = false;
  const QPoint pos = event->position().toPoint();
  if ((pos - pressPos_).manhattanLength() > kClickSlopPx) return;  // a drag
  if (plot_->legend->visible() && plot_->legend->outerRect().contains(pos)) return;
  const int index = indexAt(pos);
  if (index < 0) return;
  setSelectedIndex(index);
  Q_EMIT pointActivated(index);
}

void EmbeddingScatter::onMouseMove(QMouseEvent* event) {
  if (event->buttons() != Qt::NoButton) return;  // panning: no hit tests
  const QPoint pos = event->position().toPoint();
  const int index = indexAt(pos);
  // Still on the same point: its tooltip is up, so no thumbnail is encoded again (hovering
  // 10 000 points stays a linear scan per move, well under a millisecond).
  if (index >= 0 && index == hovered_) return;
  const bool wasOnPoint = hovered_ >= 0;
  setHovered(index);
  if (index < 0) {
    if (wasOnPoint) QToolTip::hideText();  // only our own tooltip, not other widgets'
    return;
  }
  QToolTip::showText(plot_->mapToGlobal(pos), toolTipHtml(index), plot_);
}

void EmbeddingScatter::setHovered(int index) {
  if (index == hovered_) return;
  hovered_ = index;
  Q_EMIT pointHovered(index);
}

bool EmbeddingScatter::exportImage(const QString& file, QString* error, QSize size) {
  if (!size.isValid() || size.width() < 100 || size.height() < 80)
    size = (plot_->isVisible() && plot_->width() >= 100) ? plot_->size() : kFallbackSize;
  return exportPlot(plot_, file, size, kPngScale, QString(), error);
}

bool EmbeddingScatter::exportCsv(const QString& file, QString* error) const {
  CsvWriter csv;
  csv.record({QStringLiteral("index"), QStringLiteral("x"), QStringLiteral("y"), QStringLiteral("label"),
              QStringLiteral("class")});
  for (int i = 0; i < points_.size(); ++i)
    csv.integer(i)
        .number(points_[i].x())
        .number(points_[i].y())
        .integer(labels_[i])
        .field(className(labels_[i]))
        .endRecord();
  return csv.save(file, error);
}

}  // namespace simclr::widgets

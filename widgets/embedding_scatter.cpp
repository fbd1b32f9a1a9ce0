#include "widgets/embedding_scatter.h"

#include <QBuffer>
#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QPageSize>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QTextStream>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

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

QColor colorFor(int label) {
  if (label < kPaletteSize) return QColor(kPalette[label]);
  // More classes than the palette: spread hues by the golden angle.
  return QColor::fromHsvF(std::fmod(label * 0.618033988749895, 1.0), 0.65, 0.85);
}

bool fail(QString* error, const QString& message) {
  if (error) *error = message;
  return false;
}

bool commit(QSaveFile& out, QString* error) {
  if (out.commit()) return true;
  return fail(
      error,
      EmbeddingScatter::tr("Cannot write \"%1\": %2").arg(QDir::toNativeSeparators(out.fileName()), out.errorString()));
}

}  // namespace

EmbeddingScatter::EmbeddingScatter(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  m_plot = new QCustomPlot(this);
  m_plot->setObjectName(QStringLiteral("embeddingPlot"));
  layout->addWidget(m_plot, 1);
  buildSelectionList();
  m_plot->setMinimumSize(200, 150);
  m_plot->setAutoAddPlottableToLegend(false);
  m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  m_plot->setNoAntialiasingOnDrag(true);  // keeps panning 10 000 discs fluid
  m_plot->setMouseTracking(true);
  // A layout's axes have no units: a plain frame, no tick labels.
  for (QCPAxis* axis : {m_plot->xAxis, m_plot->yAxis}) {
    axis->setTickLabels(false);
    axis->grid()->setPen(QPen(QColor(0xee, 0xee, 0xee)));
    axis->grid()->setZeroLinePen(Qt::NoPen);
  }
  m_plot->legend->setVisible(false);
  m_plot->legend->setBrush(QColor(255, 255, 255, 225));
  m_plot->legend->setBorderPen(QPen(QColor(0xd0, 0xd0, 0xd0)));
  m_plot->legend->setSelectableParts(QCPLegend::spNone);
  m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);

  connect(m_plot, &QCustomPlot::mousePress, this, &EmbeddingScatter::onMousePress);
  connect(m_plot, &QCustomPlot::mouseRelease, this, &EmbeddingScatter::onMouseRelease);
  connect(m_plot, &QCustomPlot::mouseMove, this, &EmbeddingScatter::onMouseMove);
  connect(m_plot, &QCustomPlot::mouseDoubleClick, this, [this] { resetView(); });
  connect(m_plot->selectionRect(), &QCPSelectionRect::accepted, this,
          [this](const QRect& rect, QMouseEvent*) { selectPointsIn(rect.normalized()); });
  connect(m_plot, &QCustomPlot::legendClick, this, [this](QCPLegend*, QCPAbstractLegendItem* item, QMouseEvent*) {
    auto* plottableItem = qobject_cast<QCPPlottableLegendItem*>(item);
    if (!plottableItem) return;
    const int label = int(m_graphs.indexOf(static_cast<QCPGraph*>(plottableItem->plottable())));
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
  m_points = std::move(points);
  m_labels = std::move(labels);
  m_classNames = std::move(classNames);

  QVector<QVector<QCPGraphData>> perClass(classes);
  for (int i = 0; i < m_points.size(); ++i)
    perClass[m_labels[i]].append(QCPGraphData(m_points[i].x(), m_points[i].y()));
  for (int c = 0; c < classes; ++c) {
    QCPGraph* graph = m_plot->addGraph();
    graph->setLineStyle(QCPGraph::lsNone);
    QColor color = colorFor(c);
    graph->setPen(QPen(color));
    QColor fill = color;
    fill.setAlpha(200);
    graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, color, fill, kPointSize));
    graph->setName(className(c));
    std::sort(perClass[c].begin(), perClass[c].end(), qcpLessThanSortKey<QCPGraphData>);
    graph->data()->set(perClass[c], true);
    if (!perClass[c].isEmpty()) graph->addToLegend();  // classes without points stay out
    m_graphs.append(graph);
  }
  m_highlightGraph = m_plot->addGraph();
  m_highlightGraph->setLineStyle(QCPGraph::lsNone);
  m_highlightGraph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(Qt::black, 1.5), Qt::NoBrush, 11));
  m_selectedGraph = m_plot->addGraph();
  m_selectedGraph->setLineStyle(QCPGraph::lsNone);
  m_selectedGraph->setScatterStyle(
      QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(QColor(0xd3, 0x2f, 0x2f), 3), Qt::NoBrush, 15));
  m_selectionGraph = m_plot->addGraph();
  m_selectionGraph->setLineStyle(QCPGraph::lsNone);
  m_selectionGraph->setScatterStyle(
      QCPScatterStyle(QCPScatterStyle::ssSquare, QPen(QColor(0x21, 0x21, 0x21), 1), Qt::NoBrush, 9));
  m_plot->legend->setVisible(!m_graphs.isEmpty());
  resetView();
  return true;
}

void EmbeddingScatter::clear() {
  m_plot->clearGraphs();
  m_graphs.clear();
  m_highlightGraph = m_selectedGraph = m_selectionGraph = nullptr;
  m_selection.clear();
  updateSelectionList();
  m_points.clear();
  m_labels.clear();
  m_classNames.clear();
  m_highlighted.clear();
  m_selected = -1;
  m_hovered = -1;
  m_plot->legend->setVisible(false);
  m_plot->replot();
}

QString EmbeddingScatter::className(int label) const {
  if (label >= 0 && label < m_classNames.size() && !m_classNames[label].isEmpty()) return m_classNames[label];
  return tr("class %1").arg(label);
}

QColor EmbeddingScatter::classColor(int label) const {
  return label >= 0 ? colorFor(label) : QColor();
}

void EmbeddingScatter::setSelectedIndex(int index) {
  m_selected = (index >= 0 && index < m_points.size()) ? index : -1;
  updateMarkers();
}

void EmbeddingScatter::setHighlighted(const QVector<int>& indices) {
  m_highlighted.clear();
  for (int i : indices)
    if (i >= 0 && i < m_points.size()) m_highlighted.append(i);
  updateMarkers();
}

void EmbeddingScatter::updateMarkers() {
  if (!m_highlightGraph) return;
  QVector<double> xs, ys;
  for (int i : m_highlighted) {
    xs.append(m_points[i].x());
    ys.append(m_points[i].y());
  }
  m_highlightGraph->setData(xs, ys);
  if (m_selected >= 0)
    m_selectedGraph->setData({m_points[m_selected].x()}, {m_points[m_selected].y()});
  else
    m_selectedGraph->data()->clear();
  m_plot->replot();
}

void EmbeddingScatter::setClassVisible(int label, bool visible) {
  if (label < 0 || label >= m_graphs.size() || m_graphs[label]->visible() == visible) return;
  m_graphs[label]->setVisible(visible);
  // A hidden class stays in the legend, greyed, so it can be clicked back.
  if (QCPPlottableLegendItem* item = m_plot->legend->itemWithPlottable(m_graphs[label]))
    item->setTextColor(visible ? Qt::black : QColor(0xb0, 0xb0, 0xb0));
  m_plot->replot();
  Q_EMIT classVisibilityChanged(label, visible);
}

bool EmbeddingScatter::isClassVisible(int label) const {
  return label >= 0 && label < m_graphs.size() && m_graphs[label]->visible();
}

void EmbeddingScatter::resetView() {
  if (m_points.isEmpty()) {
    m_plot->xAxis->setRange(-1, 1);
    m_plot->yAxis->setRange(-1, 1);
  } else {
    double x0 = std::numeric_limits<double>::max(), x1 = -x0, y0 = x0, y1 = -x0;
    for (const QPointF& p : m_points) {
      x0 = std::min(x0, p.x());
      x1 = std::max(x1, p.x());
      y0 = std::min(y0, p.y());
      y1 = std::max(y1, p.y());
    }
    const double mx = std::max((x1 - x0) * 0.05, 1e-6), my = std::max((y1 - y0) * 0.05, 1e-6);
    m_plot->xAxis->setRange(x0 - mx, x1 + mx);
    m_plot->yAxis->setRange(y0 - my, y1 + my);
  }
  m_plot->replot();
}

void EmbeddingScatter::setThumbnailProvider(std::function<QImage(int)> provider) {
  m_thumbnail = std::move(provider);
}

QString EmbeddingScatter::toolTipText(int index) const {
  if (index < 0 || index >= m_points.size()) return {};
  return tr("#%1 \u2014 %2").arg(index).arg(className(m_labels[index]));
}

QString EmbeddingScatter::toolTipHtml(int index) const {
  QString text = toolTipText(index).toHtmlEscaped();
  if (m_thumbnail) {
    const QImage image = m_thumbnail(index);
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
  const QCPAxis* xa = m_plot->xAxis;
  const QCPAxis* ya = m_plot->yAxis;
  for (int i = 0; i < m_points.size(); ++i) {
    if (!m_graphs[m_labels[i]]->visible()) continue;
    const double dx = xa->coordToPixel(m_points[i].x()) - pos.x();
    const double dy = ya->coordToPixel(m_points[i].y()) - pos.y();
    const double d2 = dx * dx + dy * dy;
    if (d2 <= bestD2) {
      bestD2 = d2;
      best = i;
    }
  }
  return best;
}

QPoint EmbeddingScatter::pixelOf(int index) const {
  if (index < 0 || index >= m_points.size()) return {};
  return QPointF(m_plot->xAxis->coordToPixel(m_points[index].x()), m_plot->yAxis->coordToPixel(m_points[index].y()))
      .toPoint();
}

void EmbeddingScatter::onMousePress(QMouseEvent* event) {
  m_pressPos = event->position().toPoint();
  m_pressed = event->button() == Qt::LeftButton;
  // Shift+drag draws a zoom rectangle, Ctrl+drag a selection rectangle; a plain drag pans.
  // QCustomPlot reads the mode right after emitting mousePress, so switching it here applies
  // to this very drag.
  const Qt::KeyboardModifiers mods = event->modifiers();
  m_plot->setSelectionRectMode((mods & Qt::ShiftModifier)     ? QCP::srmZoom
                               : (mods & Qt::ControlModifier) ? QCP::srmCustom
                                                              : QCP::srmNone);
}

void EmbeddingScatter::onMouseRelease(QMouseEvent* event) {
  if (!m_pressed) return;
  m_pressed = false;
  const QPoint pos = event->position().toPoint();
  if ((pos - m_pressPos).manhattanLength() > kClickSlopPx) return;  // a drag
  if (m_plot->legend->visible() && m_plot->legend->outerRect().contains(pos)) return;
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
  if (index >= 0 && index == m_hovered) return;
  const bool wasOnPoint = m_hovered >= 0;
  setHovered(index);
  if (index < 0) {
    if (wasOnPoint) QToolTip::hideText();  // only our own tooltip, not other widgets'
    return;
  }
  QToolTip::showText(m_plot->mapToGlobal(pos), toolTipHtml(index), m_plot);
}

void EmbeddingScatter::setHovered(int index) {
  if (index == m_hovered) return;
  m_hovered = index;
  Q_EMIT pointHovered(index);
}

bool EmbeddingScatter::exportImage(const QString& file, QString* error, QSize size) {
  const QString suffix = QFileInfo(file).suffix().toLower();
  if (suffix != QLatin1String("png") && suffix != QLatin1String("svg") && suffix != QLatin1String("pdf"))
    return fail(
        error,
        tr("Cannot export \"%1\": unknown image format (use .png, .svg or .pdf).").arg(QDir::toNativeSeparators(file)));
  if (!size.isValid() || size.width() < 100 || size.height() < 80)
    size = (m_plot->isVisible() && m_plot->width() >= 100) ? m_plot->size() : kFallbackSize;
  QSaveFile out(file);
  if (!out.open(QIODevice::WriteOnly))
    return fail(error, tr("Cannot write \"%1\": %2").arg(QDir::toNativeSeparators(file), out.errorString()));
  const auto renderVector = [&](QPaintDevice* device) {
    QCPPainter painter;
    if (!painter.begin(device)) return false;
    painter.setMode(QCPPainter::pmVectorized);
    m_plot->toPainter(&painter, size.width(), size.height());
    return painter.end();
  };
  bool ok = false;
  if (suffix == QLatin1String("png")) {
    ok = m_plot->toPixmap(size.width(), size.height(), 2.0).save(&out, "PNG");
  } else if (suffix == QLatin1String("svg")) {
    QSvgGenerator svg;
    svg.setOutputDevice(&out);
    svg.setResolution(96);
    svg.setSize(size);
    svg.setViewBox(QRect(QPoint(0, 0), size));
    ok = renderVector(&svg);
  } else {
    QPdfWriter pdf(&out);
    pdf.setCreator(QStringLiteral("SimCLR Workbench"));
    pdf.setResolution(72);  // one point per pixel: the page is exactly the plot
    pdf.setPageSize(QPageSize(QSizeF(size), QPageSize::Point, QString(), QPageSize::ExactMatch));
    pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
    ok = renderVector(&pdf);
  }
  // Rendering at another size re-laid out the plot: lay it out for the screen again.
  m_plot->replot();
  if (!ok) {
    out.cancelWriting();
    return fail(error, tr("Cannot export \"%1\": rendering failed.").arg(QDir::toNativeSeparators(file)));
  }
  return commit(out, error);
}

bool EmbeddingScatter::exportCsv(const QString& file, QString* error) const {
  QSaveFile out(file);
  if (!out.open(QIODevice::WriteOnly))
    return fail(error, tr("Cannot write \"%1\": %2").arg(QDir::toNativeSeparators(file), out.errorString()));
  QTextStream stream(&out);
  stream << "index,x,y,label,class\n";
  for (int i = 0; i < m_points.size(); ++i) {
    QString name = className(m_labels[i]);
    if (name.contains(QLatin1Char(',')) || name.contains(QLatin1Char('"')))
      name = QLatin1Char('"') + name.replace(QLatin1String("\""), QLatin1String("\"\"")) + QLatin1Char('"');
    stream << i << ',' << QString::number(m_points[i].x(), 'g', QLocale::FloatingPointShortest) << ','
           << QString::number(m_points[i].y(), 'g', QLocale::FloatingPointShortest) << ',' << m_labels[i] << ',' << name
           << '\n';
  }
  stream.flush();
  return commit(out, error);
}

}  // namespace simclr::widgets

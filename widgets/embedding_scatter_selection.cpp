// The rectangle selection of EmbeddingScatter: which points a Ctrl+drag encloses, their
// markers, and the list under the plot (the count, a Clear button, thumbnails that open a
// point as a click on it does).
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>

#include "widgets/embedding_scatter.h"
#include "widgets/image_grid.h"
#include "widgets/qcustomplot_include.h"

namespace simclr::widgets {

namespace {
constexpr int kMinRectPx = 4;  // smaller is a Ctrl+click, not a rectangle
constexpr int kListHeight = 150;
}  // namespace

void EmbeddingScatter::buildSelectionList() {
  m_selectionBar = new QWidget(this);
  m_selectionBar->setObjectName(QStringLiteral("scatterSelection"));
  m_selectionLabel = new QLabel;
  m_selectionLabel->setObjectName(QStringLiteral("selectionCount"));
  auto* clearButton = new QPushButton(tr("Clear selection"));
  m_selectionGrid = new ImageGrid;
  m_selectionGrid->setCellSize(40);
  auto* header = new QHBoxLayout;
  header->addWidget(m_selectionLabel, 1);
  header->addWidget(clearButton);
  auto* box = new QVBoxLayout(m_selectionBar);
  box->setContentsMargins(0, 2, 0, 0);
  box->addLayout(header);
  box->addWidget(m_selectionGrid, 1);
  m_selectionBar->setFixedHeight(kListHeight);
  m_selectionBar->hide();
  layout()->addWidget(m_selectionBar);
  connect(clearButton, &QPushButton::clicked, this, [this] { setSelection({}); });
  connect(m_selectionGrid, &ImageGrid::activated, this, [this](int cell) {
    if (cell < 0 || cell >= m_selection.size()) return;
    setSelectedIndex(m_selection[cell]);
    Q_EMIT pointActivated(m_selection[cell]);
  });
}

void EmbeddingScatter::selectPointsIn(const QRect& pixels) {
  if (pixels.width() + pixels.height() < kMinRectPx) return;
  const QCPAxis* xa = m_plot->xAxis;
  const QCPAxis* ya = m_plot->yAxis;
  // The rectangle in plot coordinates: one comparison per point instead of two conversions.
  const double x0 = xa->pixelToCoord(pixels.left()), x1 = xa->pixelToCoord(pixels.right());
  const double y0 = ya->pixelToCoord(pixels.top()), y1 = ya->pixelToCoord(pixels.bottom());
  const double xl = std::min(x0, x1), xh = std::max(x0, x1), yl = std::min(y0, y1), yh = std::max(y0, y1);
  QVector<int> inside;
  for (int i = 0; i < m_points.size(); ++i) {
    const QPointF& p = m_points[i];
    if (p.x() >= xl && p.x() <= xh && p.y() >= yl && p.y() <= yh && m_graphs[m_labels[i]]->visible()) inside.append(i);
  }
  setSelection(std::move(inside));
}

void EmbeddingScatter::setSelection(QVector<int> indices) {
  indices.erase(std::remove_if(indices.begin(), indices.end(), [this](int i) { return i < 0 || i >= m_points.size(); }),
                indices.end());
  std::sort(indices.begin(), indices.end());
  indices.erase(std::unique(indices.begin(), indices.end()), indices.end());
  if (indices == m_selection) return;
  m_selection = std::move(indices);
  updateSelectionList();
  Q_EMIT selectionChanged(m_selection);
}

void EmbeddingScatter::updateSelectionList() {
  if (!m_selectionBar) return;
  if (m_selectionGraph) {
    QVector<double> xs, ys;
    for (int i : m_selection) {
      xs.append(m_points[i].x());
      ys.append(m_points[i].y());
    }
    m_selectionGraph->setData(xs, ys);
    m_plot->replot();
  }
  if (m_selection.isEmpty()) {
    m_selectionGrid->clear();
    m_selectionBar->hide();
    return;
  }
  QVector<int> perClass(m_graphs.size(), 0);
  for (int i : m_selection) ++perClass[m_labels[i]];
  QStringList counts;
  for (int c = 0; c < perClass.size(); ++c)
    if (perClass[c] > 0) counts << QStringLiteral("%1 %2").arg(perClass[c]).arg(className(c));
  const int listed = std::min<int>(int(m_selection.size()), kMaxListedSelection);
  QString text = m_selection.size() == 1 ? tr("1 point selected") : tr("%1 points selected").arg(m_selection.size());
  if (listed < m_selection.size()) text += tr(" (the first %1 listed)").arg(listed);
  m_selectionLabel->setText(text + QStringLiteral(": ") + counts.join(QStringLiteral(", ")));
  QVector<ImageGridItem> items;
  items.reserve(listed);
  for (int n = 0; n < listed; ++n) {
    const int i = m_selection[n];
    ImageGridItem item;
    if (m_thumbnail) item.image = m_thumbnail(i);
    item.caption = className(m_labels[i]);
    item.frame = classColor(m_labels[i]);
    item.toolTip = toolTipText(i);
    items.append(item);
  }
  m_selectionGrid->setItems(items);
  m_selectionBar->show();
}

}  // namespace simclr::widgets

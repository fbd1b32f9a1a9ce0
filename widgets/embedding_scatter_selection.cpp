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
  selectionBar_ = new QWidget(this);
  selectionBar_->setObjectName(QStringLiteral("scatterSelection"));
  selectionLabel_ = new QLabel;
  selectionLabel_->setObjectName(QStringLiteral("selectionCount"));
  auto* clearButton = new QPushButton(tr("Clear selection"));
  selectionGrid_ = new ImageGrid;
  selectionGrid_->setCellSize(40);
  auto* header = new QHBoxLayout;
  header->addWidget(selectionLabel_, 1);
  header->addWidget(clearButton);
  auto* box = new QVBoxLayout(selectionBar_);
  box->setContentsMargins(0, 2, 0, 0);
  box->addLayout(header);
  box->addWidget(selectionGrid_, 1);
  selectionBar_->setFixedHeight(kListHeight);
  selectionBar_->hide();
  layout()->addWidget(selectionBar_);
  connect(clearButton, &QPushButton::clicked, this, [this] { setSelection({}); });
  connect(selectionGrid_, &ImageGrid::activated, this, [this](int cell) {
    if (cell < 0 || cell >= selection_.size()) return;
    setSelectedIndex(selection_[cell]);
    Q_EMIT pointActivated(selection_[cell]);
  });
}

void EmbeddingScatter::selectPointsIn(const QRect& pixels) {
  if (pixels.width() + pixels.height() < kMinRectPx) return;
  const QCPAxis* xa = plot_->xAxis;
  const QCPAxis* ya = plot_->yAxis;
  // The rectangle in plot coordinates: one comparison per point instead of two conversions.
  const double x0 = xa->pixelToCoord(pixels.left()), x1 = xa->pixelToCoord(pixels.right());
  const double y0 = ya->pixelToCoord(pixels.top()), y1 = ya->pixelToCoord(pixels.bottom());
  const double xl = std::min(x0, x1), xh = std::max(x0, x1), yl = std::min(y0, y1), yh = std::max(y0, y1);
  QVector<int> inside;
  for (int i = 0; i < points_.size(); ++i) {
    const QPointF& p = points_[i];
    if (p.x() >= xl && p.x() <= xh && p.y() >= yl && p.y() <= yh && graphs_[labels_[i]]->visible()) inside.append(i);
  }
  setSelection(std::move(inside));
}

void EmbeddingScatter::setSelection(QVector<int> indices) {
  indices.erase(std::remove_if(indices.begin(), indices.end(), [this](int i) { return i < 0 || i >= points_.size(); }),
                indices.end());
  std::sort(indices.begin(), indices.end());
  indices.erase(std::unique(indices.begin(), indices.end()), indices.end());
  if (indices == selection_) return;
  selection_ = std::move(indices);
  updateSelectionList();
  Q_EMIT selectionChanged(selection_);
}

void EmbeddingScatter::updateSelectionList() {
  if (!selectionBar_) return;
  if (selectionGraph_) {
    QVector<double> xs, ys;
    for (int i : selection_) {
      xs.append(points_[i].x());
      ys.append(points_[i].y());
    }
    selectionGraph_->setData(xs, ys);
    plot_->replot();
  }
  if (selection_.isEmpty()) {
    selectionGrid_->clear();
    selectionBar_->hide();
    return;
  }
  QVector<int> perClass(graphs_.size(), 0);
  for (int i : selection_) ++perClass[labels_[i]];
  QStringList counts;
  for (int c = 0; c < perClass.size(); ++c)
    if (perClass[c] > 0) counts << QStringLiteral("%1 %2").arg(perClass[c]).arg(className(c));
  const int listed = std::min<int>(int(selection_.size()), kMaxListedSelection);
  QString text = selection_.size() == 1 ? tr("1 point selected") : tr("%1 points selected").arg(selection_.size());
  if (listed < selection_.size()) text += tr(" (the first %1 listed)").arg(listed);
  selectionLabel_->setText(text + QStringLiteral(": ") + counts.join(QStringLiteral(", ")));
  QVector<ImageGridItem> items;
  items.reserve(listed);
  for (int n = 0; n < listed; ++n) {
    const int i = selection_[n];
    ImageGridItem item;
    if (thumbnail_) item.image = thumbnail_(i);
    item.caption = className(labels_[i]);
    item.frame = classColor(labels_[i]);
    item.toolTip = toolTipText(i);
    items.append(item);
  }
  selectionGrid_->setItems(items);
  selectionBar_->show();
}

}  // namespace simclr::widgets

#include "widgets/positive_pair_view.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <limits>

#include "widgets/image_grid.h"
#include "widgets/progress_display.h"

namespace simclr::widgets {
namespace {
constexpr int kViewSide = 160;
const QColor kFalseNegative(0xef, 0x6c, 0x00);  // a negative of the query's own class
const QColor kNegative(0x75, 0x75, 0x75);

QPixmap large(const QImage& image) {
  if (image.isNull()) return {};
  const int factor = std::max(1, kViewSide / std::max(1, image.width()));
  return QPixmap::fromImage(image.scaled(image.size() * factor, Qt::KeepAspectRatio, Qt::FastTransformation));
}
}  // namespace

PositivePairView::PositivePairView(QWidget* parent) : QWidget(parent) {
  m_title = new QLabel(tr("Choose \u201cInspect positive pair\u201d in the neighbour browser"));
  m_title->setObjectName(QStringLiteral("positivePairTitle"));
  m_title->setWordWrap(true);
  auto* viewsRow = new QHBoxLayout;
  for (int v = 0; v < 2; ++v) {
    m_views[v] = new QLabel;
    m_views[v]->setMinimumSize(kViewSide, kViewSide);
    m_views[v]->setAlignment(Qt::AlignCenter);
    m_views[v]->setFrameShape(QFrame::StyledPanel);
    viewsRow->addWidget(m_views[v]);
  }
  m_similarity = new QLabel;
  m_similarity->setObjectName(QStringLiteral("positiveSimilarity"));
  m_rank = new QLabel;
  m_rank->setObjectName(QStringLiteral("positiveRank"));
  auto* numbers = new QVBoxLayout;
  numbers->addWidget(m_similarity);
  numbers->addWidget(m_rank);
  numbers->addStretch(1);
  viewsRow->addLayout(numbers, 1);

  m_batch = new QSpinBox;
  m_batch->setRange(2, 8192);
  m_batch->setValue(m_request.batchSize);
  m_batch->setToolTip(tr("B: the query and B-1 other training images, two views each"));
  m_seed = new QSpinBox;
  m_seed->setRange(0, std::numeric_limits<int>::max());
  m_count = new QSpinBox;
  m_count->setRange(1, 64);
  m_count->setValue(m_request.hardest);
  m_redraw = new QPushButton(tr("Redraw"));
  m_redraw->setToolTip(tr("Compute again with this batch size, seed and count"));
  auto* controls = new QHBoxLayout;
  auto* form = new QFormLayout;
  form->addRow(tr("Batch size"), m_batch);
  form->addRow(tr("Seed"), m_seed);
  form->addRow(tr("Hardest negatives"), m_count);
  controls->addLayout(form);
  controls->addWidget(m_redraw, 0, Qt::AlignBottom);
  controls->addStretch(1);

  m_negatives = new ImageGrid;
  m_negatives->setCellSize(64);
  m_negatives->setPlaceholderText(tr("No pair inspected"));
  QHBoxLayout* busyRow = makeProgressRow(&m_progress, &m_cancel);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(m_title);
  layout->addLayout(viewsRow);
  layout->addLayout(controls);
  layout->addWidget(new QLabel(tr("Hardest negatives of view 1 (most similar first)")));
  layout->addWidget(m_negatives, 1);
  layout->addLayout(busyRow);

  connect(m_redraw, &QPushButton::clicked, this, &PositivePairView::request);
  connect(m_cancel, &QPushButton::clicked, this, &PositivePairView::cancelRequested);
  connect(m_negatives, &ImageGrid::activated, this, [this](int i) {
    if (i >= 0 && i < m_result.hardest.size()) Q_EMIT negativeActivated(m_result.hardest[i].index);
  });
  setBusy(false);
  m_redraw->setEnabled(false);
}

void PositivePairView::inspect(const QString& split, qint64 index) {
  if (index < 0) return;
  m_request.split = split;
  m_request.index = index;
  request();
}

void PositivePairView::request() {
  if (m_request.index < 0) return;
  m_request.batchSize = m_batch->value();
  m_request.seed = quint64(m_seed->value());
  m_request.hardest = m_count->value();
  m_redraw->setEnabled(true);
  m_title->setText(tr("Positive pair of %1 #%2 \u2026").arg(m_request.split).arg(m_request.index));
  Q_EMIT requested(m_request);
}

bool PositivePairView::showResult(const PositivePairResult& result) {
  if (m_request.index < 0 || result.request != m_request) return false;
  m_result = result;
  const PositivePairRequest& r = result.request;
  if (!result.error.isEmpty()) {
    m_title->setText(tr("Positive pair of %1 #%2: %3").arg(r.split).arg(r.index).arg(result.error));
    for (QLabel* view : m_views) view->clear();
    m_similarity->clear();
    m_rank->clear();
    m_negatives->clear();
    return true;
  }
  m_title->setText(tr("Positive pair of %1 #%2, %3, checkpoint step %4, batch of %5 (seed %6)")
                       .arg(r.split)
                       .arg(r.index)
                       .arg(result.label)
                       .arg(result.step)
                       .arg(result.batchSize > 0 ? result.batchSize : r.batchSize)
                       .arg(r.seed));
  m_views[0]->setPixmap(large(result.view1));
  m_views[1]->setPixmap(large(result.view2));
  m_similarity->setText(tr("cosine similarity of the views' z: %1").arg(result.similarity, 0, 'f', 3));
  m_rank->setText(tr("rank %1 of %2").arg(result.rank).arg(result.candidates));
  m_rank->setToolTip(tr("Where the positive ranks among itself and the %1 negatives of the batch, by similarity to "
                        "view 1 (1 = the positive is the most similar)")
                         .arg(result.candidates - 1));
  QVector<ImageGridItem> items;
  for (const PositivePairNegative& n : result.hardest) {
    ImageGridItem item;
    item.image = n.image;
    item.caption = n.label;
    item.subcaption = tr("sim %1").arg(n.similarity, 0, 'f', 3);
    item.frame = n.sameClass ? kFalseNegative : kNegative;
    item.toolTip = tr("train #%1, view %2, %3, similarity %4%5")
                       .arg(n.index)
                       .arg(n.view + 1)
                       .arg(n.label)
                       .arg(n.similarity, 0, 'f', 4)
                       .arg(n.sameClass ? tr(" (same class as the query)") : QString());
    items.append(item);
  }
  m_negatives->setItems(items);
  return true;
}

void PositivePairView::clear() {
  m_request = PositivePairRequest{};
  m_result = PositivePairResult{};
  m_title->setText(tr("Choose \u201cInspect positive pair\u201d in the neighbour browser"));
  for (QLabel* view : m_views) view->clear();
  m_similarity->clear();
  m_rank->clear();
  m_negatives->clear();
  m_redraw->setEnabled(false);
}

void PositivePairView::setBusy(bool busy) {
  m_busy = busy;
  m_cancel->setEnabled(busy);
  showBusy(m_progress, busy);
}

void PositivePairView::setProgress(qint64 step, qint64 total, const QString& stage) {
  if (m_busy) showProgress(m_progress, step, total, stage);
}

}  // namespace simclr::widgets

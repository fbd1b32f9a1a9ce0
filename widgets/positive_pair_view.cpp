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
  title_ = new QLabel(tr("Choose \u201cInspect positive pair\u201d in the neighbour browser"));
  title_->setObjectName(QStringLiteral("positivePairTitle"));
  title_->setWordWrap(true);
  auto* viewsRow = new QHBoxLayout;
  for (int v = 0; v < 2; ++v) {
    views_[v] = new QLabel;
    views_[v]->setMinimumSize(kViewSide, kViewSide);
    views_[v]->setAlignment(Qt::AlignCenter);
    views_[v]->setFrameShape(QFrame::StyledPanel);
    viewsRow->addWidget(views_[v]);
  }
  similarity_ = new QLabel;
  similarity_->setObjectName(QStringLiteral("positiveSimilarity"));
  rank_ = new QLabel;
  rank_->setObjectName(QStringLiteral("positiveRank"));
  auto* numbers = new QVBoxLayout;
  numbers->addWidget(similarity_);
  numbers->addWidget(rank_);
  numbers->addStretch(1);
  viewsRow->addLayout(numbers, 1);

  batch_ = new QSpinBox;
  batch_->setRange(2, 8192);
  batch_->setValue(request_.batchSize);
  batch_->setToolTip(tr("B: the query and B-1 other training images, two views each"));
  seed_ = new QSpinBox;
  seed_->setRange(0, std::numeric_limits<int>::max());
  count_ = new QSpinBox;
  count_->setRange(1, 64);
  count_->setValue(request_.hardest);
  redraw_ = new QPushButton(tr("Redraw"));
  redraw_->setToolTip(tr("Compute again with this batch size, seed and count"));
  auto* controls = new QHBoxLayout;
  auto* form = new QFormLayout;
  form->addRow(tr("Batch size"), batch_);
  form->addRow(tr("Seed"), seed_);
  form->addRow(tr("Hardest negatives"), count_);
  controls->addLayout(form);
  controls->addWidget(redraw_, 0, Qt::AlignBottom);
  controls->addStretch(1);

  negatives_ = new ImageGrid;
  negatives_->setCellSize(64);
  negatives_->setPlaceholderText(tr("No pair inspected"));
  QHBoxLayout* busyRow = makeProgressRow(&progress_, &cancel_);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(title_);
  layout->addLayout(viewsRow);
  layout->addLayout(controls);
  layout->addWidget(new QLabel(tr("Hardest negatives of view 1 (most similar first)")));
  layout->addWidget(negatives_, 1);
  layout->addLayout(busyRow);

  connect(redraw_, &QPushButton::clicked, this, &PositivePairView::request);
  connect(cancel_, &QPushButton::clicked, this, &PositivePairView::cancelRequested);
  connect(negatives_, &ImageGrid::activated, this, [this](int i) {
    if (i >= 0 && i < result_.hardest.size()) Q_EMIT negativeActivated(result_.hardest[i].index);
  });
  setBusy(false);
  redraw_->setEnabled(false);
}

void PositivePairView::inspect(const QString& split, qint64 index) {
  if (index < 0) return;
  request_.split = split;
  request_.index = index;
  request();
}

void PositivePairView::request() {
  if (request_.index < 0) return;
  request_.batchSize = batch_->value();
  request_.seed = quint64(seed_->value());
  request_.hardest = count_->value();
  redraw_->setEnabled(true);
  title_->setText(tr("Positive pair of %1 #%2 \u2026").arg(request_.split).arg(request_.index));
  Q_EMIT requested(request_);
}

bool PositivePairView::showResult(const PositivePairResult& result) {
  if (request_.index < 0 || result.request != request_) return false;
  result_ = result;
  const PositivePairRequest& r = result.request;
  if (!result.error.isEmpty()) {
    title_->setText(tr("Positive pair of %1 #%2: %3").arg(r.split).arg(r.index).arg(result.error));
    for (QLabel* view : views_) view->clear();
    similarity_->clear();
    rank_->clear();
    negatives_->clear();
    return true;
  }
  title_->setText(tr("Positive pair of %1 #%2, %3, checkpoint step %4, batch of %5 (seed %6)")
                      .arg(r.split)
                      .arg(r.index)
                      .arg(result.label)
                      .arg(result.step)
                      .arg(result.batchSize > 0 ? result.batchSize : r.batchSize)
                      .arg(r.seed));
  views_[0]->setPixmap(large(result.view1));
  views_[1]->setPixmap(large(result.view2));
  similarity_->setText(tr("cosine similarity of the views' z: %1").arg(result.similarity, 0, 'f', 3));
  rank_->setText(tr("rank %1 of %2").arg(result.rank).arg(result.candidates));
  rank_->setToolTip(tr("Where the positive ranks among itself and the %1 negatives of the batch, by similarity to "
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
  negatives_->setItems(items);
  return true;
}

void PositivePairView::clear() {
  request_ = PositivePairRequest{};
  result_ = PositivePairResult{};
  title_->setText(tr("Choose \u201cInspect positive pair\u201d in the neighbour browser"));
  for (QLabel* view : views_) view->clear();
  similarity_->clear();
  rank_->clear();
  negatives_->clear();
  redraw_->setEnabled(false);
}

void PositivePairView::setBusy(bool busy) {
  busy_ = busy;
  cancel_->setEnabled(busy);
  showBusy(progress_, busy);
}

void PositivePairView::setProgress(qint64 step, qint64 total, const QString& stage) {
  if (busy_) showProgress(progress_, step, total, stage);
}

}  // namespace simclr::widgets

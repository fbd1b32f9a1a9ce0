#include "widgets/neighbour_browser.h"

#include <QApplication>
#include <QComboBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>

#include "widgets/image_grid.h"
#include "widgets/progress_display.h"

namespace simclr::widgets {
namespace {
const QColor kMatch(0x2e, 0x7d, 0x32);
const QColor kMismatch(0xd3, 0x2f, 0x2f);
constexpr int kQuerySide = 96;

QString featuresName(const QString& features) {
  return features == QLatin1String("z") ? NeighbourBrowser::tr("z (projection)") : NeighbourBrowser::tr("h (backbone)");
}

QImage enlarged(const QImage& image, int side) {
  if (image.isNull() || image.width() >= side) return image;
  const int factor = (side + image.width() - 1) / image.width();
  return image.scaled(image.size() * factor, Qt::KeepAspectRatio, Qt::FastTransformation);
}
}  // namespace

int NeighbourList::agreement() const {
  return int(std::count_if(neighbours.begin(), neighbours.end(), [](const NeighbourEntry& e) { return e.sameClass; }));
}

double NeighbourList::precision() const {
  return neighbours.isEmpty() ? -1.0 : double(agreement()) / double(neighbours.size());
}

NeighbourBrowser::NeighbourBrowser(QWidget* parent) : QWidget(parent) {
  setFocusPolicy(Qt::StrongFocus);
  back_ = new QPushButton(tr("Back"));
  back_->setToolTip(tr("The previous query (Backspace, Alt+Left)"));
  forward_ = new QPushButton(tr("Forward"));
  forward_->setToolTip(tr("The next query in the history (Alt+Right)"));
  split_ = new QComboBox;
  split_->setObjectName(QStringLiteral("searchSplit"));
  split_->addItem(tr("search test"), QStringLiteral("test"));
  split_->addItem(tr("search train"), QStringLiteral("train"));
  features_ = new QComboBox;
  features_->setObjectName(QStringLiteral("neighbourFeatures"));
  features_->addItem(tr("h (backbone)"), QStringLiteral("h"));
  features_->addItem(tr("z (projection)"), QStringLiteral("z"));
  features_->addItem(tr("h and z side by side"), QStringLiteral("both"));
  k_ = new QSpinBox;
  k_->setRange(1, 200);
  k_->setValue(10);
  k_->setPrefix(QStringLiteral("k = "));
  inspect_ = new QPushButton(tr("Inspect positive pair"));
  inspect_->setToolTip(tr("The query's two augmented views and its hardest negatives in a batch"));
  auto* controls = new QHBoxLayout;
  for (QWidget* w : {static_cast<QWidget*>(back_), static_cast<QWidget*>(forward_), static_cast<QWidget*>(split_),
                     static_cast<QWidget*>(features_), static_cast<QWidget*>(k_)})
    controls->addWidget(w);
  controls->addStretch(1);
  controls->addWidget(inspect_);

  queryImage_ = new QLabel;
  queryImage_->setFixedSize(kQuerySide + 4, kQuerySide + 4);
  queryImage_->setAlignment(Qt::AlignCenter);
  queryCaption_ = new QLabel(tr("Click a point in the embedding scatter to browse its neighbours"));
  queryCaption_->setObjectName(QStringLiteral("queryCaption"));
  queryCaption_->setWordWrap(true);
  currentCaption_ = new QLabel;
  currentCaption_->setObjectName(QStringLiteral("currentNeighbour"));
  currentCaption_->setWordWrap(true);
  auto* queryText = new QVBoxLayout;
  queryText->addWidget(queryCaption_);
  queryText->addWidget(currentCaption_);
  queryText->addStretch(1);
  auto* queryRow = new QHBoxLayout;
  queryRow->addWidget(queryImage_);
  queryRow->addLayout(queryText, 1);

  auto* sides = new QHBoxLayout;
  for (int side = 0; side < 2; ++side) {
    sideLabels_[side] = new QLabel;
    sideLabels_[side]->setWordWrap(true);
    grids_[side] = new ImageGrid;
    grids_[side]->setCellSize(64);
    grids_[side]->setPlaceholderText(tr("No query"));
    sideBoxes_[side] = new QWidget;
    auto* box = new QVBoxLayout(sideBoxes_[side]);
    box->setContentsMargins(0, 0, 0, 0);
    box->addWidget(sideLabels_[side]);
    box->addWidget(grids_[side], 1);
    sides->addWidget(sideBoxes_[side], 1);
    ImageGrid* grid = grids_[side];
    connect(grid, &ImageGrid::activated, this, [this, side](int n) { follow(side, n); });
    connect(grid, &ImageGrid::backRequested, this, [this] { back(); });
    connect(grid, &ImageGrid::currentChanged, this, [this, side] {
      side_ = side;
      updateCurrentCaption();
    });
  }
  sideBoxes_[1]->hide();

  QHBoxLayout* busyRow = makeProgressRow(&progress_, &cancel_);

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(controls);
  layout->addLayout(queryRow);
  layout->addLayout(sides, 1);
  layout->addLayout(busyRow);

  connect(back_, &QPushButton::clicked, this, [this] { back(); });
  connect(forward_, &QPushButton::clicked, this, [this] { forward(); });
  connect(cancel_, &QPushButton::clicked, this, &NeighbourBrowser::cancelRequested);
  connect(inspect_, &QPushButton::clicked, this, [this] {
    if (position_ >= 0) Q_EMIT inspectRequested(history_[position_].split, history_[position_].index);
  });
  connect(split_, &QComboBox::currentIndexChanged, this, [this] { request(); });
  connect(features_, &QComboBox::currentIndexChanged, this, [this] { request(); });
  connect(k_, &QSpinBox::valueChanged, this, [this] { request(); });
  setBusy(false);
  updateButtons();
}

void NeighbourBrowser::openQuery(const QString& split, qint64 index) {
  if (index < 0) return;
  if (position_ >= 0 && history_[position_].split == split && history_[position_].index == index) return;
  history_.resize(position_ + 1);  // a new branch drops the forward history
  history_.append(Place{split, index});
  position_ = int(history_.size()) - 1;
  request();
}

bool NeighbourBrowser::back() {
  if (!canGoBack()) return false;
  --position_;
  request();
  return true;
}

bool NeighbourBrowser::forward() {
  if (!canGoForward()) return false;
  ++position_;
  request();
  return true;
}

NeighbourRequest NeighbourBrowser::currentRequest() const {
  NeighbourRequest r;
  if (position_ >= 0) {
    r.querySplit = history_[position_].split;
    r.index = history_[position_].index;
  }
  r.searchSplit = split_->currentData().toString();
  r.k = k_->value();
  r.features = features_->currentData().toString();
  return r;
}

void NeighbourBrowser::request() {
  updateButtons();
  if (settingControls_ || position_ < 0) return;
  const NeighbourRequest r = currentRequest();
  queryCaption_->setText(tr("Query: %1 #%2 \u2026").arg(r.querySplit).arg(r.index));
  Q_EMIT requested(r);
}

bool NeighbourBrowser::showResult(const NeighbourResult& result) {
  if (position_ < 0 || result.request != currentRequest()) return false;
  result_ = result;
  const NeighbourRequest& r = result.request;
  queryImage_->setPixmap(QPixmap::fromImage(enlarged(result.queryImage, kQuerySide)));
  if (!result.error.isEmpty())
    queryCaption_->setText(tr("Query: %1 #%2\n%3").arg(r.querySplit).arg(r.index).arg(result.error));
  else
    queryCaption_->setText(tr("Query: %1 #%2, %3\nneighbours in the %4 split")
                               .arg(r.querySplit)
                               .arg(r.index)
                               .arg(result.queryLabel, r.searchSplit));
  for (int side = 0; side < 2; ++side) {
    QVector<ImageGridItem> items;
    if (side < result.lists.size())
      for (const NeighbourEntry& e : result.lists[side].neighbours) {
        ImageGridItem item;
        item.image = e.image;
        item.caption = e.label;
        item.subcaption = tr("sim %1").arg(e.similarity, 0, 'f', 3);
        if (result.labelled) item.frame = e.sameClass ? kMatch : kMismatch;  // no frame without labels
        item.toolTip = tr("%1 #%2, %3, cosine similarity %4%5")
                           .arg(r.searchSplit)
                           .arg(e.index)
                           .arg(e.label)
                           .arg(e.similarity, 0, 'f', 4)
                           .arg(e.sameClass || !result.labelled ? QString() : tr(" (another class)"));
        items.append(item);
      }
    grids_[side]->setItems(items);
  }
  sideBoxes_[1]->setVisible(result.lists.size() > 1);
  side_ = 0;
  updateSides();
  updateCurrentCaption();
  return true;
}

QString NeighbourBrowser::meanKey(const QString& querySplit, const QString& searchSplit, const QString& features,
                                  int k) {
  return QStringLiteral("%1|%2|%3|%4").arg(querySplit, searchSplit, features).arg(k);
}

void NeighbourBrowser::setMeanPrecision(const QString& querySplit, const QString& searchSplit, const QString& features,
                                        int k, double value) {
  means_.insert(meanKey(querySplit, searchSplit, features, k), value);
  updateSides();
}

double NeighbourBrowser::meanPrecision(const QString& features) const {
  const NeighbourRequest r = currentRequest();
  return means_.value(meanKey(r.querySplit, r.searchSplit, features, r.k), -1.0);
}

void NeighbourBrowser::updateSides() {
  for (int side = 0; side < 2; ++side) {
    if (side >= result_.lists.size()) {
      sideLabels_[side]->clear();
      continue;
    }
    const NeighbourList& list = result_.lists[side];
    const int k = int(list.neighbours.size());
    if (!result_.labelled) {  // nothing to agree with: how close the neighbours are
      const double first = k > 0 ? list.neighbours.front().similarity : 0,
                   last = k > 0 ? list.neighbours.back().similarity : 0;
      sideLabels_[side]->setText(tr("<b>%1</b>: no labels; cosine similarity %2 (nearest) to %3 (%4th)")
                                     .arg(featuresName(list.features))
                                     .arg(first, 0, 'f', 3)
                                     .arg(last, 0, 'f', 3)
                                     .arg(k));
      continue;
    }
    const double mean = meanPrecision(list.features);
    const QString meanText = mean >= 0 ? QString::number(mean, 'f', 3) : tr("computing\u2026");
    sideLabels_[side]->setText(tr("<b>%1</b>: label agreement %2/%3<br>precision@%3 %4, mean over the %5 split %6")
                                   .arg(featuresName(list.features))
                                   .arg(list.agreement())
                                   .arg(k)
                                   .arg(list.precision(), 0, 'f', 2)
                                   .arg(result_.request.querySplit, meanText));
  }
}

void NeighbourBrowser::clear() {
  history_.clear();
  position_ = -1;
  result_ = NeighbourResult{};
  means_.clear();
  for (ImageGrid* grid : grids_) grid->clear();
  for (QLabel* label : sideLabels_) label->clear();
  sideBoxes_[1]->hide();
  queryImage_->clear();
  queryCaption_->setText(tr("Click a point in the embedding scatter to browse its neighbours"));
  currentCaption_->clear();
  updateButtons();
}

void NeighbourBrowser::setSearchSplit(const QString& split) {
  split_->setCurrentIndex(std::max(0, split_->findData(split)));
}
void NeighbourBrowser::setFeatures(const QString& features) {
  features_->setCurrentIndex(std::max(0, features_->findData(features)));
}
void NeighbourBrowser::setK(int k) {
  k_->setValue(k);
}

void NeighbourBrowser::setBusy(bool busy) {
  busy_ = busy;
  cancel_->setEnabled(busy);
  showBusy(progress_, busy);
}

void NeighbourBrowser::setProgress(qint64 step, qint64 total, const QString& stage) {
  if (busy_) showProgress(progress_, step, total, stage);
}

int NeighbourBrowser::currentNeighbour() const {
  return grids_[side_]->currentIndex();
}

void NeighbourBrowser::updateCurrentCaption() {
  const int n = currentNeighbour();
  if (side_ >= result_.lists.size() || n < 0 || n >= result_.lists[side_].neighbours.size()) {
    currentCaption_->clear();
    return;
  }
  const NeighbourEntry& e = result_.lists[side_].neighbours[n];
  currentCaption_->setText(tr("Neighbour %1 in %2: %3 #%4, %5, similarity %6 (Enter follows it)")
                               .arg(n + 1)
                               .arg(result_.lists[side_].features, result_.request.searchSplit)
                               .arg(e.index)
                               .arg(e.label)
                               .arg(e.similarity, 0, 'f', 3));
}

void NeighbourBrowser::follow(int side, int neighbour) {
  if (side >= result_.lists.size() || neighbour < 0 || neighbour >= result_.lists[side].neighbours.size()) return;
  openQuery(result_.request.searchSplit, result_.lists[side].neighbours[neighbour].index);
}

void NeighbourBrowser::updateButtons() {
  back_->setEnabled(canGoBack());
  forward_->setEnabled(canGoForward());
  inspect_->setEnabled(position_ >= 0);
}

void NeighbourBrowser::keyPressEvent(QKeyEvent* event) {
  const Qt::KeyboardModifiers mods = event->modifiers() & ~Qt::KeypadModifier;
  if (mods == Qt::AltModifier && event->key() == Qt::Key_Left) return void(back());
  if (mods == Qt::AltModifier && event->key() == Qt::Key_Right) return void(forward());
  switch (event->key()) {
    case Qt::Key_Left:
    case Qt::Key_Right:
    case Qt::Key_Up:
    case Qt::Key_Down:
    case Qt::Key_Home:
    case Qt::Key_End:
    case Qt::Key_Return:
    case Qt::Key_Enter:
    case Qt::Key_Backspace:
      if (mods == Qt::NoModifier) {
        // The grid of the side used last moves, follows or goes back, as if it had focus.
        QKeyEvent copy(event->type(), event->key(), event->modifiers(), event->text());
        QApplication::sendEvent(grids_[side_], &copy);
        event->accept();
        return;
      }
      break;
    default:
      break;
  }
  QWidget::keyPressEvent(event);
}

}  // namespace simclr::widgets

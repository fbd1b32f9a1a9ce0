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
  m_back = new QPushButton(tr("Back"));
  m_back->setToolTip(tr("The previous query (Backspace, Alt+Left)"));
  m_forward = new QPushButton(tr("Forward"));
  m_forward->setToolTip(tr("The next query in the history (Alt+Right)"));
  m_split = new QComboBox;
  m_split->setObjectName(QStringLiteral("searchSplit"));
  m_split->addItem(tr("search test"), QStringLiteral("test"));
  m_split->addItem(tr("search train"), QStringLiteral("train"));
  m_features = new QComboBox;
  m_features->setObjectName(QStringLiteral("neighbourFeatures"));
  m_features->addItem(tr("h (backbone)"), QStringLiteral("h"));
  m_features->addItem(tr("z (projection)"), QStringLiteral("z"));
  m_features->addItem(tr("h and z side by side"), QStringLiteral("both"));
  m_k = new QSpinBox;
  m_k->setRange(1, 200);
  m_k->setValue(10);
  m_k->setPrefix(QStringLiteral("k = "));
  m_inspect = new QPushButton(tr("Inspect positive pair"));
  m_inspect->setToolTip(tr("The query's two augmented views and its hardest negatives in a batch"));
  auto* controls = new QHBoxLayout;
  for (QWidget* w : {static_cast<QWidget*>(m_back), static_cast<QWidget*>(m_forward), static_cast<QWidget*>(m_split),
                     static_cast<QWidget*>(m_features), static_cast<QWidget*>(m_k)})
    controls->addWidget(w);
  controls->addStretch(1);
  controls->addWidget(m_inspect);

  m_queryImage = new QLabel;
  m_queryImage->setFixedSize(kQuerySide + 4, kQuerySide + 4);
  m_queryImage->setAlignment(Qt::AlignCenter);
  m_queryCaption = new QLabel(tr("Click a point in the embedding scatter to browse its neighbours"));
  m_queryCaption->setObjectName(QStringLiteral("queryCaption"));
  m_queryCaption->setWordWrap(true);
  m_currentCaption = new QLabel;
  m_currentCaption->setObjectName(QStringLiteral("currentNeighbour"));
  m_currentCaption->setWordWrap(true);
  auto* queryText = new QVBoxLayout;
  queryText->addWidget(m_queryCaption);
  queryText->addWidget(m_currentCaption);
  queryText->addStretch(1);
  auto* queryRow = new QHBoxLayout;
  queryRow->addWidget(m_queryImage);
  queryRow->addLayout(queryText, 1);

  auto* sides = new QHBoxLayout;
  for (int side = 0; side < 2; ++side) {
    m_sideLabels[side] = new QLabel;
    m_sideLabels[side]->setWordWrap(true);
    m_grids[side] = new ImageGrid;
    m_grids[side]->setCellSize(64);
    m_grids[side]->setPlaceholderText(tr("No query"));
    m_sideBoxes[side] = new QWidget;
    auto* box = new QVBoxLayout(m_sideBoxes[side]);
    box->setContentsMargins(0, 0, 0, 0);
    box->addWidget(m_sideLabels[side]);
    box->addWidget(m_grids[side], 1);
    sides->addWidget(m_sideBoxes[side], 1);
    ImageGrid* grid = m_grids[side];
    connect(grid, &ImageGrid::activated, this, [this, side](int n) { follow(side, n); });
    connect(grid, &ImageGrid::backRequested, this, [this] { back(); });
    connect(grid, &ImageGrid::currentChanged, this, [this, side] {
      m_side = side;
      updateCurrentCaption();
    });
  }
  m_sideBoxes[1]->hide();

  QHBoxLayout* busyRow = makeProgressRow(&m_progress, &m_cancel);

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(controls);
  layout->addLayout(queryRow);
  layout->addLayout(sides, 1);
  layout->addLayout(busyRow);

  connect(m_back, &QPushButton::clicked, this, [this] { back(); });
  connect(m_forward, &QPushButton::clicked, this, [this] { forward(); });
  connect(m_cancel, &QPushButton::clicked, this, &NeighbourBrowser::cancelRequested);
  connect(m_inspect, &QPushButton::clicked, this, [this] {
    if (m_position >= 0) Q_EMIT inspectRequested(m_history[m_position].split, m_history[m_position].index);
  });
  connect(m_split, &QComboBox::currentIndexChanged, this, [this] { request(); });
  connect(m_features, &QComboBox::currentIndexChanged, this, [this] { request(); });
  connect(m_k, &QSpinBox::valueChanged, this, [this] { request(); });
  setBusy(false);
  updateButtons();
}

void NeighbourBrowser::openQuery(const QString& split, qint64 index) {
  if (index < 0) return;
  if (m_position >= 0 && m_history[m_position].split == split && m_history[m_position].index == index) return;
  m_history.resize(m_position + 1);  // a new branch drops the forward history
  m_history.append(Place{split, index});
  m_position = int(m_history.size()) - 1;
  request();
}

bool NeighbourBrowser::back() {
  if (!canGoBack()) return false;
  --m_position;
  request();
  return true;
}

bool NeighbourBrowser::forward() {
  if (!canGoForward()) return false;
  ++m_position;
  request();
  return true;
}

NeighbourRequest NeighbourBrowser::currentRequest() const {
  NeighbourRequest r;
  if (m_position >= 0) {
    r.querySplit = m_history[m_position].split;
    r.index = m_history[m_position].index;
  }
  r.searchSplit = m_split->currentData().toString();
  r.k = m_k->value();
  r.features = m_features->currentData().toString();
  return r;
}

void NeighbourBrowser::request() {
  updateButtons();
  if (m_settingControls || m_position < 0) return;
  const NeighbourRequest r = currentRequest();
  m_queryCaption->setText(tr("Query: %1 #%2 \u2026").arg(r.querySplit).arg(r.index));
  Q_EMIT requested(r);
}

bool NeighbourBrowser::showResult(const NeighbourResult& result) {
  if (m_position < 0 || result.request != currentRequest()) return false;
  m_result = result;
  const NeighbourRequest& r = result.request;
  m_queryImage->setPixmap(QPixmap::fromImage(enlarged(result.queryImage, kQuerySide)));
  if (!result.error.isEmpty())
    m_queryCaption->setText(tr("Query: %1 #%2\n%3").arg(r.querySplit).arg(r.index).arg(result.error));
  else
    m_queryCaption->setText(tr("Query: %1 #%2, %3\nneighbours in the %4 split")
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
        item.frame = e.sameClass ? kMatch : kMismatch;
        item.toolTip = tr("%1 #%2, %3, cosine similarity %4%5")
                           .arg(r.searchSplit)
                           .arg(e.index)
                           .arg(e.label)
                           .arg(e.similarity, 0, 'f', 4)
                           .arg(e.sameClass ? QString() : tr(" (another class)"));
        items.append(item);
      }
    m_grids[side]->setItems(items);
  }
  m_sideBoxes[1]->setVisible(result.lists.size() > 1);
  m_side = 0;
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
  m_means.insert(meanKey(querySplit, searchSplit, features, k), value);
  updateSides();
}

double NeighbourBrowser::meanPrecision(const QString& features) const {
  const NeighbourRequest r = currentRequest();
  return m_means.value(meanKey(r.querySplit, r.searchSplit, features, r.k), -1.0);
}

void NeighbourBrowser::updateSides() {
  for (int side = 0; side < 2; ++side) {
    if (side >= m_result.lists.size()) {
      m_sideLabels[side]->clear();
      continue;
    }
    const NeighbourList& list = m_result.lists[side];
    const int k = int(list.neighbours.size());
    const double mean = meanPrecision(list.features);
    const QString meanText = mean >= 0 ? QString::number(mean, 'f', 3) : tr("computing\u2026");
    m_sideLabels[side]->setText(tr("<b>%1</b>: label agreement %2/%3<br>precision@%3 %4, mean over the %5 split %6")
                                    .arg(featuresName(list.features))
                                    .arg(list.agreement())
                                    .arg(k)
                                    .arg(list.precision(), 0, 'f', 2)
                                    .arg(m_result.request.querySplit, meanText));
  }
}

void NeighbourBrowser::clear() {
  m_history.clear();
  m_position = -1;
  m_result = NeighbourResult{};
  m_means.clear();
  for (ImageGrid* grid : m_grids) grid->clear();
  for (QLabel* label : m_sideLabels) label->clear();
  m_sideBoxes[1]->hide();
  m_queryImage->clear();
  m_queryCaption->setText(tr("Click a point in the embedding scatter to browse its neighbours"));
  m_currentCaption->clear();
  updateButtons();
}

void NeighbourBrowser::setSearchSplit(const QString& split) {
  m_split->setCurrentIndex(std::max(0, m_split->findData(split)));
}
void NeighbourBrowser::setFeatures(const QString& features) {
  m_features->setCurrentIndex(std::max(0, m_features->findData(features)));
}
void NeighbourBrowser::setK(int k) {
  m_k->setValue(k);
}

void NeighbourBrowser::setBusy(bool busy) {
  m_busy = busy;
  m_cancel->setEnabled(busy);
  showBusy(m_progress, busy);
}

void NeighbourBrowser::setProgress(qint64 step, qint64 total, const QString& stage) {
  if (m_busy) showProgress(m_progress, step, total, stage);
}

int NeighbourBrowser::currentNeighbour() const {
  return m_grids[m_side]->currentIndex();
}

void NeighbourBrowser::updateCurrentCaption() {
  const int n = currentNeighbour();
  if (m_side >= m_result.lists.size() || n < 0 || n >= m_result.lists[m_side].neighbours.size()) {
    m_currentCaption->clear();
    return;
  }
  const NeighbourEntry& e = m_result.lists[m_side].neighbours[n];
  m_currentCaption->setText(tr("Neighbour %1 in %2: %3 #%4, %5, similarity %6 (Enter follows it)")
                                .arg(n + 1)
                                .arg(m_result.lists[m_side].features, m_result.request.searchSplit)
                                .arg(e.index)
                                .arg(e.label)
                                .arg(e.similarity, 0, 'f', 3));
}

void NeighbourBrowser::follow(int side, int neighbour) {
  if (side >= m_result.lists.size() || neighbour < 0 || neighbour >= m_result.lists[side].neighbours.size()) return;
  openQuery(m_result.request.searchSplit, m_result.lists[side].neighbours[neighbour].index);
}

void NeighbourBrowser::updateButtons() {
  m_back->setEnabled(canGoBack());
  m_forward->setEnabled(canGoForward());
  m_inspect->setEnabled(m_position >= 0);
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
        QApplication::sendEvent(m_grids[m_side], &copy);
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

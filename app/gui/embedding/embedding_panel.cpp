#include "app/gui/embedding/embedding_panel.h"

#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>

#include <torch/torch.h>

#include "app/gui/embedding/embedding_split_data.h"
#include "app/gui/embedding/timeline_bar.h"
#include "app/gui/jobs/tensor_image.h"
#include "engine/core/error.h"
#include "widgets/adaptive_splitter.h"
#include "widgets/embedding_scatter.h"
#include "widgets/image_grid.h"

namespace simclr::gui {

namespace {
constexpr int kLogInfo = int(LogLevel::Info);
constexpr int kLogError = int(LogLevel::Error);

}  // namespace

EmbeddingPanel::EmbeddingPanel(QWidget* parent)
    : QWidget(parent), job_(new EmbeddingJob(this)), timelineJob_(new TimelineJob(this)) {
  scatter_ = new widgets::EmbeddingScatter;
  QWidget* settingsBox = makeSettingsBox();
  QWidget* neighbours = makeNeighboursBox();
  // Settings, scatter and neighbours side by side when there is room, stacked when narrow.
  auto* splitter = new widgets::AdaptiveSplitter(760, {280, 640, 280}, {300, 420, 300});
  splitter->setObjectName(QStringLiteral("embeddingSplitter"));
  // Stacked in a narrow dock, the settings scroll rather than take the scatter's height.
  auto* settingsScroll = new QScrollArea;
  settingsScroll->setFrameShape(QFrame::NoFrame);
  settingsScroll->setWidgetResizable(true);
  settingsScroll->setWidget(settingsBox);
  splitter->addWidget(settingsScroll);
  splitter->addWidget(makeScatterColumn());
  splitter->addWidget(neighbours);
  splitter->setStretchFactor(1, 3);
  splitter->setStretchFactor(2, 1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(splitter);

  connectControls();
  connectTimeline();
  resetTimeline();
  setBusy(false);
}

// The layout's settings, its buttons, progress and description.
QWidget* EmbeddingPanel::makeSettingsBox() {
  runLabel_ = new QLabel(tr("No run selected"));
  runLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  saved_ = new QComboBox;
  saved_->setObjectName(QStringLiteral("savedLayouts"));
  openButton_ = new QPushButton(tr("Open"));
  method_ = new QComboBox;
  method_->addItem(tr("t-SNE"), QStringLiteral("tsne"));
  method_->addItem(tr("PCA"), QStringLiteral("pca"));
  features_ = new QComboBox;
  features_->addItem(tr("h (backbone)"), QStringLiteral("h"));
  features_->addItem(tr("z (projection)"), QStringLiteral("z"));
  split_ = new QComboBox;
  split_->addItem(tr("test"), QStringLiteral("test"));
  split_->addItem(tr("train"), QStringLiteral("train"));
  points_ = new QSpinBox;
  points_->setRange(0, 10'000'000);
  points_->setSpecialValueText(tr("all"));
  points_->setToolTip(tr("A class-balanced subset of this many points (the first of each class); 0 = all"));
  perplexity_ = new QDoubleSpinBox;
  perplexity_->setRange(1, 500);
  iterations_ = new QSpinBox;
  iterations_->setRange(1, 100'000);
  seed_ = new QSpinBox;
  seed_->setRange(0, std::numeric_limits<int>::max());
  computeButton_ = new QPushButton(tr("Compute"));
  cancelButton_ = new QPushButton(tr("Cancel"));
  exportButton_ = new QPushButton(tr("Export…"));
  progress_ = new QProgressBar;
  progress_->setTextVisible(true);
  description_ = new QLabel;
  description_->setWordWrap(true);
  description_->setObjectName(QStringLiteral("layoutDescription"));
  description_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  // A word-wrapped label under-reports its height in a form: reserve room for the text.
  description_->setMinimumHeight(description_->fontMetrics().lineSpacing() * 6);
  description_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
  setSettings(LayoutSettings{});

  auto* savedRow = new QHBoxLayout;
  savedRow->addWidget(saved_, 1);
  savedRow->addWidget(openButton_);
  auto* form = new QFormLayout;
  form->addRow(tr("Run"), runLabel_);
  form->addRow(tr("Saved"), savedRow);
  form->addRow(tr("Method"), method_);
  form->addRow(tr("Features"), features_);
  form->addRow(tr("Split"), split_);
  form->addRow(tr("Points"), points_);
  form->addRow(tr("Perplexity"), perplexity_);
  form->addRow(tr("Iterations"), iterations_);
  form->addRow(tr("Seed"), seed_);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(computeButton_);
  buttons->addWidget(cancelButton_);
  buttons->addWidget(exportButton_);

  auto* settingsBox = new QWidget;
  auto* settingsLayout = new QVBoxLayout(settingsBox);
  settingsLayout->addLayout(form);
  settingsLayout->addLayout(buttons);
  settingsLayout->addWidget(progress_);
  settingsLayout->addWidget(description_);
  settingsLayout->addStretch(1);
  return settingsBox;
}

// The clicked point and its nearest neighbours.
QWidget* EmbeddingPanel::makeNeighboursBox() {
  queryImage_ = new QLabel;
  queryImage_->setMinimumSize(96, 96);
  queryImage_->setAlignment(Qt::AlignCenter);
  queryCaption_ = new QLabel(tr("Click a point to see its neighbours"));
  queryCaption_->setWordWrap(true);
  k_ = new QSpinBox;
  k_->setRange(1, 200);
  k_->setValue(10);
  k_->setPrefix(QStringLiteral("k = "));
  precisionLabel_ = new QLabel;
  precisionLabel_->setObjectName(QStringLiteral("precisionAtK"));
  precisionLabel_->setWordWrap(true);
  grid_ = new widgets::ImageGrid;
  grid_->setCellSize(72);
  grid_->setPlaceholderText(tr("No query"));

  auto* neighbours = new QWidget;
  auto* nLayout = new QVBoxLayout(neighbours);
  auto* queryRow = new QHBoxLayout;
  queryRow->addWidget(queryImage_);
  auto* queryInfo = new QVBoxLayout;
  queryInfo->addWidget(queryCaption_);
  queryInfo->addWidget(k_);
  queryInfo->addWidget(precisionLabel_);
  queryInfo->addStretch(1);
  queryRow->addLayout(queryInfo, 1);
  nLayout->addLayout(queryRow);
  nLayout->addWidget(grid_, 1);
  return neighbours;
}

void EmbeddingPanel::connectControls() {
  connect(computeButton_, &QPushButton::clicked, this, [this] { compute(); });
  connect(cancelButton_, &QPushButton::clicked, this, &EmbeddingPanel::cancel);
  connect(openButton_, &QPushButton::clicked, this, [this] {
    if (saved_->currentIndex() >= 0) openLayout(saved_->currentData().toString());
  });
  connect(exportButton_, &QPushButton::clicked, this, &EmbeddingPanel::exportView);
  connect(method_, &QComboBox::currentIndexChanged, this, [this] {
    const bool tsne = method_->currentData().toString() == QLatin1String("tsne");
    perplexity_->setEnabled(tsne);
    iterations_->setEnabled(tsne);
  });
  connect(job_, &EmbeddingJob::progressReported, this, &EmbeddingPanel::onProgress);
  connect(job_, &EmbeddingJob::logMessage, this, &EmbeddingPanel::logMessage);
  connect(job_, &EmbeddingJob::finished, this, &EmbeddingPanel::onFinished);
  connect(scatter_, &widgets::EmbeddingScatter::pointActivated, this, [this](int index) {
    if (timelineShown_)
      showTimelineNeighbours(index);
    else if (index >= 0 && index < layout_.indices.size())
      showNeighbours(layout_.indices[index]);
  });
  connect(grid_, &widgets::ImageGrid::activated, this, &EmbeddingPanel::onNeighbourActivated);
  connect(k_, &QSpinBox::valueChanged, this, [this] {
    if (queryRow_ >= 0) showNeighbours(queryRow_);
  });
}

QColor EmbeddingPanel::neighbourFrame(bool sameClass) {
  return sameClass ? QColor(0x2e, 0x7d, 0x32) : QColor(0xd3, 0x2f, 0x2f);
}

EmbeddingPanel::~EmbeddingPanel() {
  delete job_;  // cancel and wait, before the widgets their results would reach are gone
  delete timelineJob_;
}

void EmbeddingPanel::setRun(const QString& runDir) {
  if (runDir == runDir_) return;
  job_->cancel();
  timelineJob_->cancel();
  runDir_ = runDir;
  resetTimeline();
  layout_ = EmbeddingLayout{};
  layoutIndexOfRow_.clear();
  neighbourRows_.clear();
  queryRow_ = -1;
  precision_ = -1;
  scatter_->clear();
  grid_->clear();
  queryImage_->clear();
  queryCaption_->setText(tr("Click a point to see its neighbours"));
  precisionLabel_->clear();
  description_->clear();
  // The folder name fits a narrow dock; the full path is in the tooltip.
  runLabel_->setText(runDir.isEmpty() ? tr("No run selected") : QFileInfo(runDir).fileName());
  runLabel_->setToolTip(QDir::toNativeSeparators(runDir));
  refreshSavedLayouts();
  setBusy(job_->isBusy());
}

LayoutSettings EmbeddingPanel::settings() const {
  LayoutSettings s;
  s.method = method_->currentData().toString();
  s.features = features_->currentData().toString();
  s.split = split_->currentData().toString();
  s.points = points_->value();
  s.perplexity = perplexity_->value();
  s.iterations = iterations_->value();
  s.seed = quint64(seed_->value());
  return s;
}

void EmbeddingPanel::setSettings(const LayoutSettings& s) {
  method_->setCurrentIndex(std::max(0, method_->findData(s.method)));
  features_->setCurrentIndex(std::max(0, features_->findData(s.features)));
  split_->setCurrentIndex(std::max(0, split_->findData(s.split)));
  points_->setValue(int(s.points));
  perplexity_->setValue(s.perplexity);
  iterations_->setValue(int(s.iterations));
  seed_->setValue(int(s.seed));
}

bool EmbeddingPanel::compute() {
  if (runDir_.isEmpty() || job_->isBusy()) return false;
  const LayoutSettings s = settings();
  if (const QString problem = s.validate(); !problem.isEmpty()) {
    Q_EMIT logMessage(kLogError, problem);
    return false;
  }
  if (!job_->compute(runDir_, s)) return false;
  setBusy(true);
  return true;
}

bool EmbeddingPanel::openLayout(const QString& layoutFile) {
  if (layoutFile.isEmpty() || job_->isBusy() || !job_->open(layoutFile)) return false;
  setBusy(true);
  return true;
}

void EmbeddingPanel::cancel() {
  job_->cancel();
  timelineJob_->cancel();
}

void EmbeddingPanel::setBusy(bool busy) {
  busy = busy || job_->isBusy() || timelineJob_->isBusy();
  computeButton_->setEnabled(!busy && !runDir_.isEmpty());
  timelineBar_->setComputeEnabled(!busy && !runDir_.isEmpty());
  openButton_->setEnabled(!busy && saved_->count() > 0);
  cancelButton_->setEnabled(busy);
  exportButton_->setEnabled(!busy && !layout_.points.isEmpty());
  if (busy) {
    progress_->setRange(0, 0);  // busy until the first progress report
    progress_->setFormat(tr("starting…"));
  } else {
    progress_->setRange(0, 1);
    progress_->setValue(0);
    progress_->setFormat(QString());
  }
}

void EmbeddingPanel::onProgress(const JobProgress& p) {
  if (!job_->isBusy() && !timelineJob_->isBusy()) return;  // a late report after the result
  progress_->setRange(0, p.total > 0 ? int(std::min<qint64>(p.total, INT_MAX)) : 0);
  progress_->setValue(int(std::min<qint64>(p.step, INT_MAX)));
  progress_->setFormat(p.total > 0 ? QStringLiteral("%1: %p%").arg(p.stage) : p.stage);
}

void EmbeddingPanel::onFinished(const EmbeddingLayout& layout) {
  setBusy(false);
  if (QFileInfo(layout.runDir) != QFileInfo(runDir_)) return;  // from a run no longer shown
  if (!layout.ok) {
    Q_EMIT logMessage(kLogError, tr("Embedding layout failed: %1").arg(layout.error));
    description_->setText(tr("Failed: %1").arg(layout.error));
    return;
  }
  layout_ = layout;
  resetTimeline();  // the scatter shows this layout now
  layoutIndexOfRow_.clear();
  for (int i = 0; i < layout_.indices.size(); ++i) layoutIndexOfRow_.insert(layout_.indices[i], i);
  scatter_->setPoints(layout_.points, layout_.labels, layout_.classNames);
  const auto data = layout_.data;
  scatter_->setThumbnailProvider([data, this](int index) {
    if (!data || index < 0 || index >= layout_.indices.size()) return QImage();
    return datasetThumbnail(data->images, layout_.indices[index], 64);
  });
  setSettings(layout_.settings);
  QString text = layout_.description();
  if (layout_.settings.method == QLatin1String("tsne") && layout_.klDivergence > 0)
    text += tr(", KL %1").arg(layout_.klDivergence, 0, 'f', 3);
  description_->setText(text + tr("\nSaved as layouts/%1").arg(QFileInfo(layout_.file).fileName()));
  description_->setToolTip(layout_.file);
  queryRow_ = -1;
  precision_ = -1;
  grid_->clear();
  queryImage_->clear();
  precisionLabel_->clear();
  refreshSavedLayouts();
  setBusy(false);
  Q_EMIT logMessage(kLogInfo, tr("Layout ready: %1").arg(layout_.description()));
  Q_EMIT layoutShown(layout_.description());
}

bool EmbeddingPanel::showNeighbours(qint64 splitRow) {
  const auto& data = layout_.data;
  if (!data || splitRow < 0 || splitRow >= data->index.size()) return false;
  const int k = int(std::min<qint64>(k_->value(), data->index.size() - 1));
  if (k < 1) return false;
  std::vector<Neighbour> found;
  try {
    found = data->index.query(int64_t(splitRow), k, true);
  } catch (const Error& e) {
    Q_EMIT logMessage(kLogError, QString::fromStdString(e.what()));
    return false;
  }
  queryRow_ = splitRow;
  const int64_t queryLabel = data->index.label(splitRow);
  const auto className = [this](int64_t label) {
    return label >= 0 && label < layout_.classNames.size() ? layout_.classNames[int(label)]
                                                           : QStringLiteral("class %1").arg(label);
  };
  queryImage_->setPixmap(QPixmap::fromImage(datasetThumbnail(data->images, splitRow, 96)));
  queryCaption_->setText(tr("Query: %1 #%2\n%3").arg(layout_.settings.split).arg(splitRow).arg(className(queryLabel)));

  QVector<widgets::ImageGridItem> items;
  neighbourRows_.clear();
  QVector<int> highlighted;
  for (const Neighbour& n : found) {
    widgets::ImageGridItem item;
    item.image = imageFromDataset(data->images, n.index);
    item.caption = className(n.label);
    item.subcaption = tr("sim %1").arg(double(n.similarity), 0, 'f', 3);
    item.frame = neighbourFrame(n.label == queryLabel);
    item.toolTip =
        tr("#%1, %2, cosine similarity %3").arg(n.index).arg(item.caption).arg(double(n.similarity), 0, 'f', 4);
    items.append(item);
    neighbourRows_.append(n.index);
    if (const auto it = layoutIndexOfRow_.constFind(n.index); it != layoutIndexOfRow_.constEnd())
      highlighted.append(*it);
  }
  grid_->setItems(items);
  precision_ = precision_at_k(found, queryLabel);
  const int matches = int(std::lround(precision_ * double(found.size())));
  precisionLabel_->setText(tr("precision@%1 = %2").arg(found.size()).arg(precision_, 0, 'f', 2));
  precisionLabel_->setToolTip(
      tr("%1 of the %2 nearest neighbours share the query's class").arg(matches).arg(found.size()));
  scatter_->setSelectedIndex(layoutIndexOfRow_.value(splitRow, -1));
  scatter_->setHighlighted(highlighted);
  Q_EMIT queryChanged(splitRow);
  return true;
}

void EmbeddingPanel::setNeighbourCount(int k) {
  k_->setValue(k);
}
int EmbeddingPanel::neighbourCount() const {
  return k_->value();
}

void EmbeddingPanel::onNeighbourActivated(int gridIndex) {
  if (gridIndex >= 0 && gridIndex < neighbourRows_.size()) showNeighbours(neighbourRows_[gridIndex]);
}

void EmbeddingPanel::refreshSavedLayouts() {
  saved_->clear();
  if (runDir_.isEmpty()) return;
  for (const QString& file : savedLayouts(runDir_)) saved_->addItem(QFileInfo(file).completeBaseName(), file);
  openButton_->setEnabled(!job_->isBusy() && saved_->count() > 0);
}

void EmbeddingPanel::exportView() {
  const QString base = QFileInfo(layout_.file).completeBaseName();
  const QString file = QFileDialog::getSaveFileName(this, tr("Export layout"),
                                                    QDir(runDir_).filePath(QStringLiteral("layouts/%1.png").arg(base)),
                                                    tr("Images (*.png *.svg *.pdf);;Coordinates (*.csv)"));
  if (file.isEmpty()) return;
  QString error;
  const bool ok = file.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive) ? scatter_->exportCsv(file, &error)
                                                                            : scatter_->exportImage(file, &error);
  Q_EMIT logMessage(ok ? kLogInfo : kLogError, ok ? tr("Exported %1").arg(file) : error);
}

}  // namespace simclr::gui

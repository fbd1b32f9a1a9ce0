#include "app/gui/augmentation/augmentation_preview.h"

#include <limits>

#include <QButtonGroup>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QToolBar>
#include <QLabel>
#include <QPushButton>
#include <QRandomGenerator>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>

#include "app/gui/dataset/dataset_request.h"
#include "app/gui/augmentation/augmentation_editor.h"
#include "app/gui/augmentation/augmentation_views_runner.h"
#include "app/gui/dataset/dataset_loader.h"
#include "app/gui/project/project_document.h"
#include "widgets/adaptive_splitter.h"
#include "widgets/image_grid.h"

namespace simclr::gui {

using nlohmann::json;

namespace {

constexpr int kSamplesPerClass = 8;  // the pool shuffle draws from
constexpr int kZoom = 3;             // 32 px images as 96 px cells
constexpr int kMaxFiles = 32;        // opened files shown at once (the spin box's maximum)
const char* kPresetButtons[][2] = {{"paper", "Algorithm 1 (paper)"}, {"simclr-cifar", "simclr-cifar"}};

// The spec as an object ({"preset": "paper"} for the bare string "paper").
json specObject(const json& value) {
  if (value.is_string()) return json{{"preset", value}};
  return value.is_object() ? value : json{{"preset", "none"}};
}

QColor branchColour(int branch) {
  if (branch == 0) return QColor(0x1f, 0x77, 0xb4);  // "then": blue
  if (branch == 1) return QColor(0xff, 0x7f, 0x0e);  // "else": orange
  return {};
}

}  // namespace

AugmentationPreview::AugmentationPreview(ProjectDocument* document, QWidget* parent)
    : QWidget(parent),
      document_(document),
      loader_(new DatasetLoader(this)),
      runner_(new AugmentationViewsRunner(this)),
      editor_(std::make_unique<AugmentationEditor>("augmentation")) {
  QToolBar* bar = makeToolbar();
  makeMessages();
  QWidget* split = makeGridAndEditor();
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(bar);
  layout->addWidget(message_);
  layout->addWidget(legend_);
  layout->addWidget(split, 1);

  connect(shuffle_, &QPushButton::clicked, this, &AugmentationPreview::shuffle);
  connect(openImages_, &QPushButton::clicked, this, &AugmentationPreview::openImages);
  connect(datasetSamples_, &QPushButton::clicked, this, &AugmentationPreview::showDatasetSamples);
  connect(runner_, &AugmentationViewsRunner::decodedReady, this, &AugmentationPreview::onFilesDecoded);
  connect(count_, &QSpinBox::valueChanged, this, [this](int n) { setSampleCount(n); });
  connect(seedBox_, &QSpinBox::valueChanged, this, [this](int s) { setSeed(quint64(s)); });
  connect(loader_, &DatasetLoader::loaded, this, &AugmentationPreview::onLoaded);
  connect(runner_, &AugmentationViewsRunner::computed, this, &AugmentationPreview::onComputed);
  connect(document_, &ProjectDocument::changed, this, &AugmentationPreview::onDocumentChanged);
  connect(document_, &ProjectDocument::filePathChanged, this, &AugmentationPreview::onDocumentChanged);
  onDocumentChanged();
}

// Presets, image count, shuffle, image files, seed and re-roll, then the status. A tool
// bar: in a narrow dock what does not fit goes into its » menu.
QToolBar* AugmentationPreview::makeToolbar() {
  presets_ = new QButtonGroup(this);
  presets_->setExclusive(false);  // none is checked for other pipelines
  auto* bar = new QToolBar;
  bar->setObjectName(QStringLiteral("previewToolBar"));
  for (const auto& preset : kPresetButtons) {
    auto* button = new QPushButton(tr(preset[1]));
    button->setCheckable(true);
    button->setObjectName(QStringLiteral("preset-") + QLatin1String(preset[0]));
    button->setToolTip(tr("Use the \"%1\" augmentation preset").arg(QLatin1String(preset[0])));
    presets_->addButton(button);
    bar->addWidget(button);
    const QString name = QLatin1String(preset[0]);
    connect(button, &QPushButton::clicked, this, [this, name] { usePreset(name); });
  }
  bar->addSeparator();
  bar->addWidget(new QLabel(tr("Images:")));
  count_ = new QSpinBox;
  count_->setObjectName(QStringLiteral("previewCount"));
  count_->setRange(1, 32);
  count_->setValue(8);
  bar->addWidget(count_);
  shuffle_ = new QPushButton(tr("Shuffle"));
  shuffle_->setObjectName(QStringLiteral("previewShuffle"));
  shuffle_->setToolTip(tr("Show other images of the dataset"));
  bar->addWidget(shuffle_);
  openImages_ = new QPushButton(tr("Open Images…"));
  openImages_->setObjectName(QStringLiteral("previewOpenImages"));
  openImages_->setToolTip(
      tr("Preview the augmentations on image files from disk, resized to the dataset's "
         "image size"));
  bar->addWidget(openImages_);
  datasetSamples_ = new QPushButton(tr("Dataset samples"));
  datasetSamples_->setObjectName(QStringLiteral("previewDatasetSamples"));
  datasetSamples_->setToolTip(tr("Show the dataset's images again"));
  datasetSamples_->setEnabled(false);
  bar->addWidget(datasetSamples_);
  bar->addSeparator();
  bar->addWidget(new QLabel(tr("Seed:")));
  seedBox_ = new QSpinBox;
  seedBox_->setObjectName(QStringLiteral("previewSeed"));
  seedBox_->setRange(0, std::numeric_limits<int>::max());
  seedBox_->setKeyboardTracking(false);
  seedBox_->setToolTip(tr("The views are those training with this seed would draw at its first step"));
  bar->addWidget(seedBox_);
  auto* reroll = new QPushButton(tr("Re-roll"));
  reroll->setObjectName(QStringLiteral("previewReroll"));
  bar->addWidget(reroll);
  connect(reroll, &QPushButton::clicked, this, &AugmentationPreview::reroll);
  status_ = new QLabel;
  status_->setEnabled(false);
  bar->addWidget(status_);

  return bar;
}

// The error message and the legend of the frames' colours, above the grid.
void AugmentationPreview::makeMessages() {
  message_ = new QLabel;
  message_->setObjectName(QStringLiteral("previewMessage"));
  message_->setWordWrap(true);
  message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  message_->hide();
  legend_ =
      new QLabel(tr("Frames: blue = the \"then\" branch of a random choice, orange = \"else\". "
                    "Algorithm 1: then = crop + flip, else = flip + colour jitter."));
  legend_->setObjectName(QStringLiteral("previewLegend"));
  legend_->setWordWrap(true);
  legend_->setEnabled(false);
  legend_->hide();
}

// The views' grid beside the pipeline's editor.
QWidget* AugmentationPreview::makeGridAndEditor() {
  grid_ = new widgets::ImageGrid;
  grid_->setObjectName(QStringLiteral("previewGrid"));
  grid_->setCellSize(kZoom * 32);
  grid_->setPlaceholderText(tr("No project is open."));
  // A fixed scroll bar keeps the column count from flipping as rows are padded.
  grid_->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOn);
  grid_->viewport()->installEventFilter(this);

  auto* editorScroll = new QScrollArea;
  editorScroll->setWidgetResizable(true);
  editorScroll->setWidget(editor_->container());
  editor_->setCommit([this](const json& value) { document_->setValue("/augmentation", value); });

  // The editor beside the views when the dock is wide, under them when it is narrow (the
  // views need three columns: the original and its two views).
  auto* split = new widgets::AdaptiveSplitter(720, {480, 240}, {420, 260});
  split->setChildrenCollapsible(false);
  split->addWidget(grid_);
  split->addWidget(editorScroll);
  split->setStretchFactor(0, 2);
  split->setStretchFactor(1, 1);

  return split;
}

AugmentationPreview::~AugmentationPreview() {
  // The editor's widgets call back into it: delete them first.
  editor_->setCommit({});
  delete editor_->container();
}

int AugmentationPreview::sampleCount() const {
  return count_->value();
}

void AugmentationPreview::setSampleCount(int count) {
  if (count_->value() != count) return count_->setValue(count);  // comes back here
  pickDefaultSamples();
  updateViews();
}

void AugmentationPreview::setSeed(quint64 seed) {
  seed_ = seed;
  if (seed <= quint64(seedBox_->maximum()) && quint64(seedBox_->value()) != seed) {
    const QSignalBlocker block(seedBox_);
    seedBox_->setValue(int(seed));
  }
  updateViews();
}

void AugmentationPreview::reroll() {
  quint64 next = seed_;
  while (next == seed_) next = QRandomGenerator::global()->bounded(quint32(seedBox_->maximum()));
  setSeed(next);
}

void AugmentationPreview::shuffle() {
  const int pool = int(summary_.samples.size());
  if (pool == 0) return;
  // A different draw each click, reproducible within a session.
  QRandomGenerator gen(++shuffles_);
  QVector<int> all(pool);
  for (int i = 0; i < pool; ++i) all[i] = i;
  for (int i = pool - 1; i > 0; --i) std::swap(all[i], all[int(gen.bounded(quint32(i + 1)))]);
  picked_ = all.mid(0, std::min(pool, sampleCount()));
  updateViews();
}

void AugmentationPreview::usePreset(const QString& name) {
  json next = {{"preset", name.toStdString()}};
  const json size = specObject(document_->value("/augmentation")).value("image_size", json(0));
  if (!(size.is_number_integer() && size.get<int64_t>() == 0)) next["image_size"] = size;
  document_->setValue("/augmentation", next);
}

bool AugmentationPreview::isBusy() const {
  return loader_->isBusy() || runner_->isBusy();
}

QString AugmentationPreview::messageText() const {
  return message_->isHidden() ? QString() : message_->text();
}

int AugmentationPreview::fileImageSize() const {
  if (summary_.state != DatasetSummary::State::Found || summary_.height <= 0) return 32;
  return std::max(summary_.height, summary_.width);
}

int AugmentationPreview::fileChannels() const {
  return summary_.channels == 1 ? 1 : 3;
}

void AugmentationPreview::openImages() {
  const QString dir =
      document_->filePath().isEmpty() ? QDir::currentPath() : QFileInfo(document_->filePath()).absolutePath();
  const QStringList paths = QFileDialog::getOpenFileNames(
      this, tr("Open Images"), dir,
      tr("Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp *.ppm *.pgm *.pbm *.pnm *.jp2);;All files (*)"));
  if (!paths.isEmpty()) openImageFiles(paths);
}

void AugmentationPreview::openImageFiles(const QStringList& paths) {
  if (paths.isEmpty()) return;
  openedPaths_ = paths;
  filesSize_ = fileImageSize();
  filesChannels_ = fileChannels();
  status_->setText(tr("Opening %n file(s)…", nullptr, int(paths.size())));
  runner_->decode(paths.mid(0, kMaxFiles), filesSize_, filesChannels_);
}

void AugmentationPreview::onFilesDecoded() {
  const DecodedImageFiles& decoded = runner_->decoded();
  status_->clear();
  QStringList problems;
  if (!decoded.errors.isEmpty()) {
    const auto tried = decoded.errors.size() + decoded.images.size();
    problems << tr("%1 of %2 files could not be opened:").arg(decoded.errors.size()).arg(tried) << decoded.errors;
  }
  if (openedPaths_.size() > kMaxFiles)
    problems << tr("Showing the first %1 of %2 files.").arg(kMaxFiles).arg(openedPaths_.size());
  fileMessage_ = problems.join(QLatin1Char('\n'));
  if (!decoded.images.isEmpty()) {
    files_ = decoded;
    showFiles_ = true;
  }
  updateSourceButtons();
  showMessage(mainMessage_);
  updateViews();
}

void AugmentationPreview::showDatasetSamples() {
  showFiles_ = false;
  files_ = {};
  openedPaths_.clear();
  fileMessage_.clear();
  updateSourceButtons();
  showMessage(mainMessage_);
  updateViews();
}

void AugmentationPreview::updateSourceButtons() {
  datasetSamples_->setEnabled(showFiles_);
  shuffle_->setEnabled(!showFiles_);
  count_->setEnabled(!showFiles_);
}

int AugmentationPreview::gridIndex(int sample, int view) const {
  const int slot = sample * 3 + 1 + view;
  return slot >= 0 && slot < cellOf_.size() ? cellOf_[slot] : -1;
}

DatasetRequest AugmentationPreview::currentRequest() const {
  return datasetRequestFor(*document_, kSamplesPerClass);
}

void AugmentationPreview::onDocumentChanged() {
  if (!document_->isOpen()) {
    if (showFiles_) {
      showFiles_ = false;
      files_ = {};
      openedPaths_.clear();
      fileMessage_.clear();
      updateSourceButtons();
    }
    haveRequest_ = false;
    summary_ = {};
    picked_.clear();
    showMessage({});
    updateViews();
    return;
  }
  // The editor and the preset buttons mirror the setting wherever it was edited.
  const json spec = document_->value("/augmentation");
  editor_->show(spec);
  QStringList issues;
  for (const auto& issue : document_->issues())
    if (issue.path.rfind("augmentation", 0) == 0) issues << QString::fromStdString(issue.to_string());
  editor_->setIssues(issues);
  const json preset = specObject(spec).value("preset", json());
  for (QAbstractButton* button : presets_->buttons())
    button->setChecked(preset.is_string() &&
                       button->objectName() ==
                           QStringLiteral("preset-") + QString::fromStdString(preset.get<std::string>()));

  // The project's seed, unless it is unchanged (then a re-rolled seed stays).
  const json seed = document_->value("/training/seed");
  const quint64 projectSeed = seed.is_number_unsigned() || seed.is_number_integer() ? seed.get<quint64>() : 0;
  const bool seedChanged = projectSeed != projectSeed_ || !haveRequest_;
  projectSeed_ = projectSeed;

  const DatasetRequest request = currentRequest();
  if (!haveRequest_ || !sameDatasetSettings(request, lastRequest_)) {
    lastRequest_ = request;
    haveRequest_ = true;
    lastRequest_.id = loader_->request(request);
    status_->setText(tr("Loading %1…").arg(datasetTitle(request.name)));
  }
  if (seedChanged) return setSeed(projectSeed);  // updates the views
  if (spec != shownSpec_) updateViews();
}

void AugmentationPreview::onLoaded(const DatasetSummary& summary) {
  summary_ = summary;
  status_->clear();
  if (summary.state != DatasetSummary::State::Found) {
    picked_.clear();
    showMessage(summary.state == DatasetSummary::State::NotFound
                    ? tr("%1 was not found; see the Dataset panel.").arg(summary.title)
                    : tr("The dataset could not be loaded:\n%1").arg(summary.error));
  } else {
    showMessage({});
    if (summary.width > 0) grid_->setCellSize(kZoom * std::max(summary.width, summary.height));
    pickDefaultSamples();
  }
  // Opened files follow the dataset's image size and channels.
  if (showFiles_ && (fileImageSize() != filesSize_ || fileChannels() != filesChannels_)) openImageFiles(openedPaths_);
  updateViews();
}

void AugmentationPreview::pickDefaultSamples() {
  // Evenly spaced through the class-ordered pool: one image of each class first.
  const int pool = int(summary_.samples.size());
  const int n = std::min(pool, sampleCount());
  picked_.clear();
  for (int i = 0; i < n; ++i) picked_ << int(int64_t(i) * pool / n);
  if (pool > 0 && n > 0 && summary_.classNames.size() > 0) {
    // With at most one image per class, take the first of each class.
    const int classes = int(summary_.classNames.size());
    if (n <= classes) {
      picked_.clear();
      for (int i = 0; i < pool && picked_.size() < n; ++i)
        if (i == 0 || summary_.sampleLabels.value(i) != summary_.sampleLabels.value(i - 1)) picked_ << i;
    }
  }
}

void AugmentationPreview::updateViews() {
  QVector<QImage> images;
  if (showFiles_)
    images = files_.images;
  else
    for (int index : picked_) images << summary_.samples.value(index);
  shownSpec_ = document_->isOpen() ? document_->value("/augmentation") : json();
  runner_->request(std::move(images), shownSpec_, seed_);
}

void AugmentationPreview::onComputed() {
  views_ = runner_->result();
  if (!views_.error.isEmpty())
    showMessage(tr("The augmentation setting is not valid:\n%1").arg(views_.error));
  else if (summary_.state == DatasetSummary::State::Found)
    showMessage({});
  const int n = int(views_.originals.size());
  status_->setText(n > 0 && views_.error.isEmpty() ? tr("%1 images, %2 ms").arg(n).arg(views_.milliseconds, 0, 'f', 1)
                                                   : QString());
  legend_->setVisible(views_.branches[0].count(-1) + views_.branches[1].count(-1) <
                      views_.branches[0].size() + views_.branches[1].size());
  fillGrid();
  Q_EMIT viewsChanged();
}

void AugmentationPreview::fillGrid() {
  const int columns = grid_->columnCount();
  gridColumns_ = columns;
  // Each row holds whole triples (original, view 1, view 2), padded with empty cells.
  const int perRow = std::max(1, columns / 3);
  const int pad = columns >= 3 ? columns - 3 * perRow : 0;
  QVector<widgets::ImageGridItem> items;
  const int n = int(views_.originals.size());
  cellOf_.fill(-1, 3 * n);
  for (int s = 0; s < n; ++s) {
    const int label = summary_.sampleLabels.value(picked_.value(s), -1);
    const QString name = showFiles_   ? files_.names.value(s)
                         : label >= 0 ? summary_.classNames.value(label)
                                      : QFileInfo(summary_.sampleFiles.value(picked_.value(s))).fileName();
    cellOf_[3 * s] = int(items.size());
    items.push_back({views_.originals[s], name, tr("original"), {}, name});
    for (int v = 0; v < 2; ++v) {
      if (views_.views[size_t(v)].size() <= s) continue;
      const QString note = views_.notes[size_t(v)].value(s);
      const QString caption = tr("view %1").arg(v + 1);
      cellOf_[3 * s + 1 + v] = int(items.size());
      items.push_back({views_.views[size_t(v)][s], caption, note, branchColour(views_.branches[size_t(v)].value(s)),
                       caption + QStringLiteral(": ") + note});
    }
    if ((s + 1) % perRow == 0)
      for (int p = 0; p < pad; ++p) items.push_back({});
  }
  grid_->setPlaceholderText(document_->isOpen() ? tr("No images") : tr("No project is open."));
  grid_->setItems(std::move(items));
}

void AugmentationPreview::showMessage(const QString& text) {
  // The dataset's or pipeline's problem, then the opened files' (kept until others are opened).
  mainMessage_ = text;
  QStringList parts;
  for (const QString& part : {text, fileMessage_})
    if (!part.isEmpty()) parts << part;
  const QString all = parts.join(QStringLiteral("\n\n"));
  message_->setText(all);
  message_->setVisible(!all.isEmpty());
}

bool AugmentationPreview::eventFilter(QObject* watched, QEvent* event) {
  // Re-pad the rows when the width changes the number of columns.
  if (watched == grid_->viewport() && event->type() == QEvent::Resize && grid_->columnCount() != gridColumns_)
    fillGrid();
  return QWidget::eventFilter(watched, event);
}

}  // namespace simclr::gui

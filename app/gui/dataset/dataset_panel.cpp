#include "app/gui/dataset/dataset_panel.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QStyle>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include "app/gui/dataset/dataset_request.h"
#include "app/gui/dataset/dataset_loader.h"
#include "app/gui/dataset/download_dialog.h"
#include "app/gui/project/project_document.h"
#include "engine/core/error.h"
#include "engine/data/dataset_locator.h"
#include "widgets/image_grid.h"

namespace simclr::gui {

namespace {

enum Page { NoProjectPage, LoadingPage, FoundPage, MissingPage, FailedPage };

QString number(qint64 n) {
  return QLocale().toString(n);
}

QLabel* selectableLabel() {
  auto* label = new QLabel;
  label->setTextInteractionFlags(Qt::TextSelectableByMouse);
  label->setWordWrap(true);
  return label;
}

QTableWidgetItem* countItem(qint64 n) {
  auto* item = new QTableWidgetItem(number(n));
  item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
  return item;
}

}  // namespace

DatasetPanel::DatasetPanel(ProjectDocument* document, QWidget* parent)
    : QWidget(parent), document_(document), loader_(new DatasetLoader(this)) {
  // No project.
  auto* none = new QLabel(tr("No project is open."));
  none->setAlignment(Qt::AlignCenter);
  none->setEnabled(false);

  QBoxLayout* header = makeHeader();
  pages_ = new QStackedWidget;
  pages_->insertWidget(NoProjectPage, none);
  pages_->insertWidget(LoadingPage, makeLoadingPage());
  pages_->insertWidget(FoundPage, makeFoundPage());
  pages_->insertWidget(MissingPage, makeMissingPage());
  pages_->insertWidget(FailedPage, makeFailedPage());

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(header);
  layout->addWidget(pages_, 1);

  connect(reload_, &QToolButton::clicked, this, &DatasetPanel::reload);
  connect(loader_, &DatasetLoader::loaded, this, &DatasetPanel::onLoaded);
  connect(document_, &ProjectDocument::changed, this, &DatasetPanel::onDocumentChanged);
  connect(document_, &ProjectDocument::filePathChanged, this, &DatasetPanel::onDocumentChanged);
  onDocumentChanged();
}

QBoxLayout* DatasetPanel::makeHeader() {
  title_ = new QLabel;
  title_->setObjectName(QStringLiteral("datasetTitle"));
  QFont titleFont = title_->font();
  titleFont.setBold(true);
  titleFont.setPointSizeF(titleFont.pointSizeF() * 1.2);
  title_->setFont(titleFont);
  busy_ = new QLabel(tr("Loading…"));
  busy_->setEnabled(false);
  busy_->hide();
  reload_ = new QToolButton;
  reload_->setIcon(style()->standardIcon(QStyle::SP_BrowserReload));
  reload_->setToolTip(tr("Look for the dataset again"));
  reload_->setAutoRaise(true);
  auto* header = new QHBoxLayout;
  header->addWidget(title_);
  header->addWidget(busy_);
  header->addStretch(1);
  header->addWidget(reload_);
  return header;
}

// Shown only when there is nothing older to keep on screen.
QWidget* DatasetPanel::makeLoadingPage() {
  auto* loading = new QWidget;
  auto* loadingLayout = new QVBoxLayout(loading);
  loadingLabel_ = new QLabel;
  auto* spinner = new QProgressBar;
  spinner->setRange(0, 0);
  spinner->setMaximumWidth(240);
  loadingLayout->addStretch(1);
  loadingLayout->addWidget(loadingLabel_, 0, Qt::AlignHCenter);
  loadingLayout->addWidget(spinner, 0, Qt::AlignHCenter);
  loadingLayout->addStretch(2);
  return loading;
}

// Found: facts, then the class table beside the samples.
QWidget* DatasetPanel::makeFoundPage() {
  auto* found = new QWidget;
  folder_ = selectableLabel();
  folder_->setObjectName(QStringLiteral("datasetFolder"));
  sizes_ = selectableLabel();
  sizes_->setObjectName(QStringLiteral("datasetSizes"));
  shape_ = selectableLabel();
  shape_->setObjectName(QStringLiteral("datasetFormat"));
  usage_ = selectableLabel();
  auto* facts = new QFormLayout;
  facts->setLabelAlignment(Qt::AlignRight | Qt::AlignTop);
  facts->addRow(tr("Folder:"), folder_);
  facts->addRow(tr("Images:"), sizes_);
  facts->addRow(tr("Format:"), shape_);
  facts->addRow(tr("Project uses:"), usage_);
  table_ = new QTableWidget(0, 3);
  table_->setObjectName(QStringLiteral("datasetClassTable"));
  table_->setHorizontalHeaderLabels({tr("Class"), tr("Training"), tr("Test")});
  table_->verticalHeader()->hide();
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setAlternatingRowColors(true);
  table_->setShowGrid(false);
  table_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
  table_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
  table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
  grid_ = new widgets::ImageGrid;
  grid_->setObjectName(QStringLiteral("datasetSamples"));
  grid_->setZoom(2);
  grid_->setPlaceholderText(tr("No samples"));
  auto* split = new QSplitter(Qt::Horizontal);
  split->setChildrenCollapsible(false);
  split->addWidget(table_);
  split->addWidget(grid_);
  split->setStretchFactor(0, 0);
  split->setStretchFactor(1, 1);
  auto* foundLayout = new QVBoxLayout(found);
  foundLayout->setContentsMargins(0, 0, 0, 0);
  foundLayout->addLayout(facts);
  foundLayout->addWidget(split, 1);
  return found;
}

// Missing: where we looked, and the ways out.
QWidget* DatasetPanel::makeMissingPage() {
  auto* missing = new QWidget;
  missingTitle_ = new QLabel;
  missingTitle_->setObjectName(QStringLiteral("datasetMissingTitle"));
  missingTitle_->setFont(title_->font());
  missingText_ = selectableLabel();
  missingText_->setObjectName(QStringLiteral("datasetMissingText"));
  download_ = new QPushButton(tr("Download CIFAR-10…"));
  download_->setObjectName(QStringLiteral("datasetDownload"));
  auto* chooseMissing = new QPushButton(tr("Choose Folder…"));
  auto* missingButtons = new QHBoxLayout;
  missingButtons->addWidget(download_);
  missingButtons->addWidget(chooseMissing);
  missingButtons->addStretch(1);
  auto* warning = new QLabel;
  warning->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning).pixmap(32, 32));
  auto* missingText = new QVBoxLayout;
  missingText->addWidget(missingTitle_);
  missingText->addWidget(missingText_);
  missingText->addSpacing(6);
  missingText->addLayout(missingButtons);
  missingText->addStretch(1);
  auto* missingLayout = new QHBoxLayout(missing);
  missingLayout->addWidget(warning, 0, Qt::AlignTop);
  missingLayout->addLayout(missingText, 1);
  connect(download_, &QPushButton::clicked, this, &DatasetPanel::showDownloadDialog);
  connect(chooseMissing, &QPushButton::clicked, this, &DatasetPanel::chooseFolder);
  return missing;
}

// Failed: the engine's message (unreadable files, unknown dataset name).
QWidget* DatasetPanel::makeFailedPage() {
  auto* failed = new QWidget;
  failedText_ = selectableLabel();
  failedText_->setObjectName(QStringLiteral("datasetError"));
  auto* chooseFailed = new QPushButton(tr("Choose Folder…"));
  auto* failedIcon = new QLabel;
  failedIcon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxCritical).pixmap(32, 32));
  auto* failedText = new QVBoxLayout;
  failedText->addWidget(failedText_);
  failedText->addWidget(chooseFailed, 0, Qt::AlignLeft);
  failedText->addStretch(1);
  auto* failedLayout = new QHBoxLayout(failed);
  failedLayout->addWidget(failedIcon, 0, Qt::AlignTop);
  failedLayout->addLayout(failedText, 1);
  connect(chooseFailed, &QPushButton::clicked, this, &DatasetPanel::chooseFolder);
  return failed;
}

DatasetPanel::~DatasetPanel() = default;

QString DatasetPanel::messageText() const {
  if (state_ == State::NotFound) return missingTitle_->text() + QLatin1Char('\n') + missingText_->text();
  if (state_ == State::Failed) return failedText_->text();
  return {};
}

DatasetRequest DatasetPanel::currentRequest() const {
  return datasetRequestFor(*document_, DatasetRequest{}.samplesPerClass);
}

void DatasetPanel::onDocumentChanged() {
  requestLoad(false);
}

void DatasetPanel::reload() {
  requestLoad(true);
}

void DatasetPanel::requestLoad(bool force) {
  if (!document_->isOpen()) {
    haveRequest_ = false;
    title_->setText(tr("Dataset"));
    pages_->setCurrentIndex(NoProjectPage);
    return setState(State::NoProject);
  }
  const DatasetRequest request = currentRequest();
  // Most edits touch other settings: load only when the dataset's own settings changed.
  if (!force && haveRequest_ && sameDatasetSettings(request, lastRequest_)) return;
  lastRequest_ = request;
  haveRequest_ = true;
  lastRequest_.id = loader_->request(request);
  title_->setText(datasetTitle(request.name));
  loadingLabel_->setText(tr("Looking for %1…").arg(datasetTitle(request.name)));
  busy_->show();
  // Keep a dataset on screen while its replacement loads; otherwise show the loading page.
  if (state_ != State::Found) pages_->setCurrentIndex(LoadingPage);
  setState(State::Loading);
}

void DatasetPanel::onLoaded(const DatasetSummary& summary) {
  summary_ = summary;
  busy_->hide();
  title_->setText(summary.title);
  switch (summary.state) {
    case DatasetSummary::State::Found:
      showFound(summary);
      setState(State::Found);
      break;
    case DatasetSummary::State::NotFound:
      showMissing(summary);
      setState(State::NotFound);
      break;
    case DatasetSummary::State::Failed:
      failedText_->setText(tr("The dataset could not be loaded:\n%1").arg(summary.error));
      pages_->setCurrentIndex(FailedPage);
      setState(State::Failed);
      break;
  }
  Q_EMIT datasetChanged(summary);
}

void DatasetPanel::showFound(const DatasetSummary& s) {
  folder_->setText(QDir::toNativeSeparators(s.folder));
  sizes_->setText(tr("%1 for training, %2 for testing").arg(number(s.trainSize), number(s.testSize)));
  const QString colour = s.channels == 1   ? tr("grayscale")
                         : s.channels == 3 ? tr("RGB")
                                           : tr("%1 channels").arg(s.channels);
  const int classes = int(s.classNames.size());
  shape_->setText(tr("%1 × %2 pixels, %3").arg(s.width).arg(s.height).arg(colour) +
                  (classes == 0   ? tr(", no labels (kNN and probes are off)")
                   : classes == 1 ? tr(", 1 class")
                                  : tr(", %1 classes").arg(classes)));
  sizes_->setToolTip(s.heldOut);  // how the test split was drawn, if it was
  const bool limited = s.trainUsed != s.trainSize || s.testUsed != s.testSize;
  usage_->setText(
      limited
          ? tr("%1 for training, %2 for testing (the project's limits)").arg(number(s.trainUsed), number(s.testUsed))
          : tr("all of them"));
  if (!s.skippedFiles.isEmpty()) {
    usage_->setText(usage_->text() + QLatin1String("; ") +
                    tr("%n unreadable file(s) left out", nullptr, int(s.skippedFiles.size())));
    usage_->setToolTip(s.skippedFiles.join(QLatin1Char('\n')));
  } else {
    usage_->setToolTip({});
  }

  table_->setRowCount(0);
  table_->setRowCount(int(s.classNames.size()) + 1);
  qint64 train = 0, test = 0;
  for (int c = 0; c < s.classNames.size(); ++c) {
    const qint64 trainCount = s.trainCounts.value(c, 0);
    const qint64 testCount = s.testCounts.value(c, 0);
    table_->setItem(c, 0, new QTableWidgetItem(s.classNames[c]));
    table_->setItem(c, 1, countItem(trainCount));
    table_->setItem(c, 2, countItem(testCount));
    train += trainCount;
    test += testCount;
  }
  const int total = int(s.classNames.size());
  QFont bold = table_->font();
  bold.setBold(true);
  table_->setItem(total, 0, new QTableWidgetItem(tr("Total")));
  table_->setItem(total, 1, countItem(train));
  table_->setItem(total, 2, countItem(test));
  for (int col = 0; col < 3; ++col) table_->item(total, col)->setFont(bold);
  // Narrow enough to leave the room to the samples, wide enough for names and counts.
  table_->setMinimumWidth(table_->fontMetrics().horizontalAdvance(QStringLiteral("automobile")) +
                          2 * table_->fontMetrics().horizontalAdvance(QStringLiteral(" Training ")) + 24);

  QVector<widgets::ImageGridItem> items;
  items.reserve(s.samples.size());
  for (int i = 0; i < s.samples.size(); ++i) {
    const int label = s.sampleLabels.value(i, -1);
    if (label < 0) {  // unlabelled: the file's name
      const QString file = s.sampleFiles.value(i);
      items.push_back({s.samples[i], QFileInfo(file).fileName(), {}, {}, file});
      continue;
    }
    const QString name = s.classNames.value(label, QString::number(label));
    items.push_back({s.samples[i], name, {}, {}, tr("%1 (class %2)").arg(name).arg(label)});
  }
  grid_->setItems(std::move(items));
  pages_->setCurrentIndex(FoundPage);
}

void DatasetPanel::showMissing(const DatasetSummary& s) {
  missingTitle_->setText(tr("%1 was not found").arg(s.title));
  QStringList lines;
  for (const QString& dir : s.searched)
    lines << QStringLiteral("&nbsp;&nbsp;") + QDir::toNativeSeparators(dir).toHtmlEscaped();
  QString text = tr("Searched, in order:") + QStringLiteral("<br><tt>") + lines.join(QStringLiteral("<br>")) +
                 QStringLiteral("</tt><br><br>");
  text += s.downloadable ? tr("Download it, choose the folder that holds it, or set SIMCLR_DATA_DIR.")
                         : tr("Choose the folder that holds it, or set SIMCLR_DATA_DIR.");
  missingText_->setTextFormat(Qt::RichText);
  missingText_->setText(text);
  download_->setVisible(s.downloadable);
  pages_->setCurrentIndex(MissingPage);
}

void DatasetPanel::setState(State state) {
  if (state_ == state) return;
  state_ = state;
  Q_EMIT stateChanged(state);
}

DownloadDialog* DatasetPanel::showDownloadDialog() {
  if (!dialog_) {
    dialog_ = new DownloadDialog(this);
    dialog_->setWindowModality(Qt::WindowModal);
    connect(dialog_, &DownloadDialog::downloaded, this, &DatasetPanel::onDownloaded);
    connect(dialog_, &QDialog::finished, dialog_, &QObject::deleteLater);
    connect(dialog_, &QObject::destroyed, this, [this] { dialog_ = nullptr; });
  }
  dialog_->show();
  dialog_->raise();
  dialog_->activateWindow();
  return dialog_;
}

void DatasetPanel::onDownloaded(const QString& folder) {
  // The default destination is one of the searched places; elsewhere, point the project at it.
  const DatasetRequest r = currentRequest();
  try {
    locate_dataset(r.name.toStdString(), r.path.toStdString(), r.baseDir.toStdString());
  } catch (const std::exception&) {
    document_->setValue("/dataset/path", folder.toStdString());
  }
  reload();
}

void DatasetPanel::chooseFolder() {
  const QString start = summary_.folder.isEmpty() ? QDir::homePath() : summary_.folder;
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Choose the dataset folder"), start);
  if (!dir.isEmpty()) document_->setValue("/dataset/path", dir.toStdString());
}

}  // namespace simclr::gui

#include "app/gui/explore/explore_panel.h"

#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTimer>
#include <QVBoxLayout>

#include "engine/core/atomic_file.h"
#include "engine/core/job.h"
#include "engine/explore/near_duplicates.h"
#include "widgets/image_grid.h"
#include "widgets/progress_display.h"

namespace simclr::gui {

using Kind = ExploreRequest::Kind;

namespace {
// A row of labelled fields that lets each take only the width it needs.
QWidget* fieldRow(std::initializer_list<std::pair<QString, QWidget*>> fields) {
  auto* row = new QWidget;
  auto* layout = new QHBoxLayout(row);
  layout->setContentsMargins(0, 0, 0, 0);
  for (const auto& [label, field] : fields) {
    layout->addWidget(new QLabel(label));
    layout->addWidget(field);
  }
  layout->addStretch(1);
  return row;
}
}  // namespace

ExplorePanel::ExplorePanel(QWidget* parent)
    : QWidget(parent),
      job_(new ExploreJob(this)),
      kind_(new QComboBox),
      features_(new QComboBox),
      parameters_(new QStackedWidget),
      threshold_(new QDoubleSpinBox),
      k_(new QSpinBox),
      shown_(new QSpinBox),
      count_(new QSpinBox),
      seed_(new QSpinBox),
      save_(new QPushButton(tr("Save CSV"))),
      summary_(new QLabel),
      grid_(new widgets::ImageGrid),
      pause_(new QTimer(this)) {
  kind_->setObjectName(QStringLiteral("exploreKind"));
  kind_->addItem(tr("Near-duplicates"), int(Kind::Duplicates));
  kind_->addItem(tr("Most unusual"), int(Kind::Outliers));
  kind_->addItem(tr("Diverse subset"), int(Kind::Subset));
  kind_->setToolTip(
      tr("Near-duplicates: images whose embeddings are nearly the same.\n"
         "Most unusual: images far from their nearest neighbours (outliers, rare content).\n"
         "Diverse subset: k-center greedy picks that cover the embedding (a coreset)."));
  features_->addItem(tr("h (backbone)"), QStringLiteral("h"));
  features_->addItem(tr("z (projection)"), QStringLiteral("z"));
  features_->setToolTip(tr("Which embedding to compare: the backbone's h (used downstream) or the head's z"));

  threshold_->setObjectName(QStringLiteral("duplicateThreshold"));
  threshold_->setRange(0.9, 1.0);
  threshold_->setDecimals(4);
  threshold_->setSingleStep(0.0005);
  threshold_->setValue(DuplicateOptions{}.threshold);
  threshold_->setToolTip(tr("Cosine similarity at or above which two images are duplicates. The default %1 found "
                            "planted copies in CIFAR-10 and Fashion-MNIST with no false group on early runs; a "
                            "well-trained encoder may need a lower value: check the groups.")
                             .arg(DuplicateOptions{}.threshold));
  k_->setRange(1, 100);
  k_->setValue(10);
  k_->setToolTip(tr("Each image's score is its mean distance to this many nearest images, the features whitened "
                    "(in units of the collection's own spread)"));
  shown_->setRange(10, 2000);
  shown_->setValue(100);
  shown_->setToolTip(tr("How many of the most unusual images to show (the CSV ranks all of them)"));
  count_->setRange(1, 100000);
  count_->setValue(100);
  count_->setToolTip(tr("How many images to choose"));
  seed_->setRange(0, 1 << 30);
  seed_->setToolTip(tr("Picks the first image; the same seed chooses the same subset"));
  parameters_->addWidget(fieldRow({{tr("Threshold"), threshold_}}));
  parameters_->addWidget(fieldRow({{tr("k"), k_}, {tr("Show"), shown_}}));
  parameters_->addWidget(fieldRow({{tr("Count"), count_}, {tr("Seed"), seed_}}));

  save_->setObjectName(QStringLiteral("exploreSave"));
  save_->setEnabled(false);
  save_->setToolTip(tr("Write the result as <run>/explore/<name>.csv, as simclr-cli does"));
  summary_->setWordWrap(true);
  grid_->setPlaceholderText(tr("Select a run in the Runs dock to look through its images with its encoder"));

  auto* top = new QHBoxLayout;
  top->addWidget(kind_);
  top->addWidget(features_);
  top->addWidget(parameters_, 1);
  top->addWidget(save_);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addLayout(top);
  layout->addWidget(summary_);
  layout->addLayout(widgets::makeProgressRow(&progress_, &cancel_));
  layout->addWidget(grid_, 1);

  pause_->setSingleShot(true);
  pause_->setInterval(250);
  connect(pause_, &QTimer::timeout, this, &ExplorePanel::requestNow);
  connect(kind_, &QComboBox::currentIndexChanged, this, [this](int index) {
    parameters_->setCurrentIndex(index);
    requestSoon();
  });
  connect(features_, &QComboBox::currentIndexChanged, this, &ExplorePanel::requestSoon);
  connect(threshold_, &QDoubleSpinBox::valueChanged, this, &ExplorePanel::requestSoon);
  for (QSpinBox* box : {k_, shown_, count_, seed_})
    connect(box, &QSpinBox::valueChanged, this, &ExplorePanel::requestSoon);
  connect(save_, &QPushButton::clicked, this, [this] {
    QString error;
    const QString file = saveCsv(&error);
    if (file.isEmpty())
      Q_EMIT logMessage(int(LogLevel::Error), tr("Explore: %1").arg(error));
    else
      Q_EMIT logMessage(int(LogLevel::Info), tr("Explore: saved %1").arg(QDir::toNativeSeparators(file)));
  });
  connect(cancel_, &QPushButton::clicked, job_, &ExploreJob::cancel);
  connect(job_, &ExploreJob::resultReady, this, &ExplorePanel::showResult);
  connect(job_, &ExploreJob::busyChanged, this, [this](bool busy) {
    widgets::showBusy(progress_, busy);
    cancel_->setEnabled(busy);
  });
  connect(job_, &ExploreJob::progressReported, this,
          [this](const JobProgress& p) { widgets::showProgress(progress_, p.step, p.total, p.stage); });
  connect(job_, &ExploreJob::logMessage, this, &ExplorePanel::logMessage);
  widgets::showBusy(progress_, false);
  cancel_->setEnabled(false);
}

void ExplorePanel::setRun(const QString& runDir) {
  if (runDir == job_->runDir()) return;
  job_->setRun(runDir);
  result_ = ExploreResult{};
  grid_->clear();
  summary_->clear();
  save_->setEnabled(false);
  grid_->setPlaceholderText(runDir.isEmpty() ? tr("Select a run in the Runs dock to look through its images with "
                                                  "its encoder")
                                             : tr("Computing…"));
  stale_ = true;
  if (isVisible()) requestSoon();
}

void ExplorePanel::refresh() {
  if (job_->runDir().isEmpty()) return;
  stale_ = true;
  if (isVisible()) requestSoon();
}

ExploreRequest ExplorePanel::currentRequest() const {
  ExploreRequest r;
  r.kind = Kind(kind_->currentData().toInt());
  r.features = features_->currentData().toString();
  r.threshold = threshold_->value();
  r.k = k_->value();
  r.count = r.kind == Kind::Outliers ? shown_->value() : count_->value();
  r.seed = quint64(seed_->value());
  return r;
}

void ExplorePanel::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  if (stale_) requestSoon();  // nothing is computed for a dock nobody looks at
}

void ExplorePanel::requestSoon() {
  stale_ = true;
  if (!job_->runDir().isEmpty()) pause_->start();
}

void ExplorePanel::requestNow() {
  if (job_->runDir().isEmpty()) return;
  stale_ = false;
  job_->request(currentRequest());
}

void ExplorePanel::showResult(const ExploreResult& result) {
  result_ = result;
  if (!result.error.isEmpty()) {
    summary_->setText(result.error);
    grid_->clear();
    grid_->setPlaceholderText(tr("Nothing to show: %1").arg(result.error));
    save_->setEnabled(false);
    Q_EMIT logMessage(int(LogLevel::Error), tr("Explore: %1").arg(result.error));
    return;
  }
  const QString among = result.split == QLatin1String("all") ? tr("all images (training and held-out)")
                                                             : tr("the %1 split").arg(result.split);
  summary_->setText(tr("%1. Looking through %2; hover an image for its file.").arg(result.summary, among));
  grid_->setPlaceholderText(result.request.kind == Kind::Duplicates
                                ? tr("No near-duplicates at this threshold: lower it to see the closest pairs")
                                : tr("Nothing found"));
  grid_->setItems(result.items);
  save_->setEnabled(true);
}

QString ExplorePanel::saveCsv(QString* error) {
  const auto fail = [error](const QString& text) {
    if (error) *error = text;
    return QString();
  };
  if (result_.csvName.isEmpty() || job_->runDir().isEmpty()) return fail(tr("there is no result to save"));
  const QString file = QDir(job_->runDir()).filePath(QStringLiteral("explore/") + result_.csvName);
  try {
    QDir(job_->runDir()).mkpath(QStringLiteral("explore"));
    write_file_atomically(file.toStdString(), result_.csv);
  } catch (const std::exception& e) {
    return fail(QString::fromStdString(e.what()));
  }
  return file;
}

}  // namespace simclr::gui

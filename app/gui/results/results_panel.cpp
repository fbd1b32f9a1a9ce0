#include "app/gui/results/results_panel.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMap>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QSignalBlocker>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "app/gui/results/result_files.h"
#include "engine/core/error.h"
#include "engine/project/run_summary.h"
#include "widgets/accuracy_bar_chart.h"
#include "widgets/sweep_chart.h"

namespace simclr::gui {
namespace {

const QColor kPaperColor(0xa0, 0xa0, 0xa6);
const double kNaN = std::nan("");

QLabel* makeText(QWidget* parent, const char* objectName) {
  auto* label = new QLabel(parent);
  label->setObjectName(QLatin1String(objectName));
  label->setWordWrap(true);
  label->setTextFormat(Qt::RichText);
  label->setTextInteractionFlags(Qt::TextSelectableByMouse);
  return label;
}

QString percent(double v) {
  return QStringLiteral("%1 %").arg(v, 0, 'f', 2);
}
QString runName(const QString& runDir) {
  return QFileInfo(runDir).fileName();
}
QString code(const QString& text) {
  return QStringLiteral("<code>%1</code>").arg(text.toHtmlEscaped());
}

}  // namespace

ResultsPanel::ResultsPanel(QWidget* parent) : QWidget(parent) {
  tabs_ = new QTabWidget(this);
  tabs_->setObjectName(QStringLiteral("resultsTabs"));
  tabs_->setDocumentMode(true);

  // Figure 10: one run's representations.
  auto* figure10 = new QWidget(tabs_);
  figure10Label_ = makeText(figure10, "figure10Label");
  figure10Chart_ = new widgets::AccuracyBarChart(figure10);
  figure10Chart_->setTitle(tr("MLP test top-1 by representation"));
  auto* f10Layout = new QVBoxLayout(figure10);
  f10Layout->addWidget(figure10Label_);
  f10Layout->addWidget(figure10Chart_, 1);
  tabs_->addTab(figure10, tr("Representations (Figure 10)"));

  // Figure 11: batch-size sweeps.
  auto* sweep = new QWidget(tabs_);
  sweepBox_ = new QComboBox(sweep);
  sweepBox_->setObjectName(QStringLiteral("sweepBox"));
  sweepBox_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  sweepLabel_ = makeText(sweep, "sweepLabel");
  sweepChart_ = new widgets::SweepChart(sweep);
  sweepTable_ = new QTableWidget(sweep);
  sweepTable_->setObjectName(QStringLiteral("sweepTable"));
  sweepTable_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  sweepTable_->setAlternatingRowColors(true);
  sweepTable_->verticalHeader()->setVisible(false);
  sweepTable_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  auto* split = new QSplitter(Qt::Horizontal, sweep);
  split->addWidget(sweepChart_);
  split->addWidget(sweepTable_);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  auto* pick = new QHBoxLayout;
  pick->addWidget(new QLabel(tr("Sweep:"), sweep));
  pick->addWidget(sweepBox_);
  pick->addStretch(1);
  auto* sweepLayout = new QVBoxLayout(sweep);
  sweepLayout->addLayout(pick);
  sweepLayout->addWidget(sweepLabel_);
  sweepLayout->addWidget(split, 1);
  tabs_->addTab(sweep, tr("Batch-size sweep (Figure 11)"));
  connect(sweepBox_, qOverload<int>(&QComboBox::currentIndexChanged), this, &ResultsPanel::showSweep);

  // Figure 12: encoders compared.
  auto* vit = new QWidget(tabs_);
  vitLabel_ = makeText(vit, "vitLabel");
  vitChart_ = new widgets::AccuracyBarChart(vit);
  vitChart_->setTitle(tr("Best top-1 of each run by encoder"));
  auto* vitLayout = new QVBoxLayout(vit);
  vitLayout->addWidget(vitLabel_);
  vitLayout->addWidget(vitChart_, 1);
  tabs_->addTab(vit, tr("ViT comparison (Figure 12)"));

  auto* refreshButton = new QPushButton(tr("Refresh"), this);
  refreshButton->setObjectName(QStringLiteral("resultsRefresh"));
  refreshButton->setToolTip(tr("Read the result files again"));
  auto* exportButton = new QPushButton(tr("Export…"), this);
  exportButton->setObjectName(QStringLiteral("resultsExport"));
  exportButton->setToolTip(tr("Save the chart shown as PNG, SVG or PDF, or its numbers as CSV"));
  connect(refreshButton, &QPushButton::clicked, this, &ResultsPanel::refresh);
  connect(exportButton, &QPushButton::clicked, this, &ResultsPanel::exportWithDialog);
  auto* buttons = new QHBoxLayout;
  buttons->addStretch(1);
  buttons->addWidget(exportButton);
  buttons->addWidget(refreshButton);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(tabs_, 1);
  layout->addLayout(buttons);
  refresh();
}

void ResultsPanel::setRunsRoot(const QString& root) {
  if (root_ == root) return;
  root_ = root;
  refreshSweeps();
  refreshVit();
}

void ResultsPanel::setRun(const QString& runDir) {
  if (runDir_ == runDir) return;
  runDir_ = runDir;
  refreshFigure10();
}

void ResultsPanel::refresh() {
  refreshFigure10();
  refreshSweeps();
  refreshVit();
}

void ResultsPanel::refreshFigure10() {
  figure10Chart_->clear();
  figure10Chart_->setVisible(false);
  if (runDir_.isEmpty()) {
    figure10Label_->setText(tr("Select a run in the Runs dock to see its Figure 10 results."));
    return;
  }
  const QString name = runName(runDir_);
  const QString file = newestEvaluationFile(runDir_, QStringLiteral("figure10-step-"), QStringLiteral(".csv"));
  if (file.isEmpty()) {
    figure10Label_->setText(
        tr("Run <b>%1</b> has no Figure 10 results yet. Compute them (an MLP on raw pixels, h, PCA "
           "and t-SNE of h) with:<br>%2")
            .arg(name.toHtmlEscaped(),
                 code(QStringLiteral("simclr-cli evaluate %1 paper-figure10").arg(QDir::toNativeSeparators(runDir_)))));
    return;
  }
  Figure10Table table;
  try {
    table = readFigure10Csv(file);
  } catch (const Error& e) {
    figure10Label_->setText(tr("Cannot show Figure 10 of <b>%1</b>: %2")
                                .arg(name.toHtmlEscaped(), QString::fromStdString(e.what()).toHtmlEscaped()));
    return;
  }
  QStringList categories;
  widgets::AccuracySeries ours{tr("Ours"), QColor(), {}};
  widgets::AccuracySeries paper{tr("Paper"), kPaperColor, {}};
  // The split sizes of the first row, and those of any row that differs (t-SNE's subset).
  const auto sizeOf = [](const Figure10Row& row) {
    return QStringLiteral("%1 / %2").arg(row.trainSize).arg(row.testSize);
  };
  QString sizes = sizeOf(table.rows.first());
  QStringList differing;
  for (const Figure10Row& row : table.rows) {
    categories << row.label;
    ours.values << row.testTop1;
    paper.values << row.paperTestTop1;
    if (sizeOf(row) != sizeOf(table.rows.first())) differing << QStringLiteral("%1: %2").arg(row.label, sizeOf(row));
  }
  if (!differing.isEmpty()) sizes += QStringLiteral("; ") + differing.join(QStringLiteral("; "));
  figure10Chart_->setData(categories, {ours, paper});
  figure10Chart_->setVisible(true);
  figure10Label_->setText(tr("Run <b>%1</b>, checkpoint step %2: MLP test top-1 per representation "
                             "(train / test images: %3). Paper: the down-scaled SimCLR study's Figure 10. "
                             "<br><small>%4</small>")
                              .arg(name.toHtmlEscaped(), table.step >= 0 ? QString::number(table.step) : tr("unknown"),
                                   sizes.toHtmlEscaped(), QDir::toNativeSeparators(file).toHtmlEscaped()));
}

bool ResultsPanel::showSweepFolder(const QString& sweepDir) {
  refresh();
  const QString wanted = QFileInfo(sweepDir).canonicalFilePath();
  for (int i = 0; i < sweepBox_->count(); ++i)
    if (!wanted.isEmpty() && QFileInfo(sweepBox_->itemData(i).toString()).canonicalPath() == wanted) {
      sweepBox_->setCurrentIndex(i);  // shows it through currentIndexChanged
      tabs_->setCurrentIndex(SweepTab);
      return true;
    }
  return false;
}

void ResultsPanel::refreshSweeps() {
  const QString current = sweepBox_->currentData().toString();
  {
    const QSignalBlocker block(sweepBox_);
    sweepBox_->clear();
    for (const QString& file : findSweepFiles(root_)) sweepBox_->addItem(QFileInfo(file).absoluteDir().dirName(), file);
    const int again = sweepBox_->findData(current);
    if (again >= 0) sweepBox_->setCurrentIndex(again);
  }
  sweepBox_->setEnabled(sweepBox_->count() > 0);
  if (sweepBox_->count() == 0)
    showRunsByBatchSize();
  else
    showSweep(sweepBox_->currentIndex());
}

void ResultsPanel::showSweep(int index) {
  sweepChart_->clear();
  sweepTable_->clear();
  sweepTable_->setRowCount(0);
  sweepTable_->setColumnCount(0);
  const QString file = sweepBox_->itemData(index).toString();
  if (file.isEmpty()) return;
  SweepTable table;
  try {
    table = readSweepCsv(file);
  } catch (const Error& e) {
    sweepChart_->setVisible(false);
    sweepTable_->setVisible(false);
    sweepLabel_->setText(
        tr("Cannot show the sweep <b>%1</b>: %2")
            .arg(sweepBox_->itemText(index).toHtmlEscaped(), QString::fromStdString(e.what()).toHtmlEscaped()));
    return;
  }
  widgets::SweepSeries knn{tr("kNN top-1"), QColor(), {}, {}};
  widgets::SweepSeries linear{tr("Linear probe"), QColor(), {}, {}};
  QVector<double> throughputBatch, throughput;
  QMap<QString, int> statusCount;
  for (const SweepRow& row : table.rows) {
    knn.batchSizes << double(row.batchSize);
    knn.values << row.knnTop1;
    linear.batchSizes << double(row.batchSize);
    linear.values << row.linearTop1;
    throughputBatch << double(row.batchSize);
    throughput << row.viewsPerSecond;
    ++statusCount[row.status.isEmpty() ? tr("no status") : row.status];
  }
  sweepChart_->setTitle(tr("Top-1 against batch size: %1").arg(table.name));
  sweepChart_->setData({knn, linear});
  if (std::any_of(throughput.cbegin(), throughput.cend(), [](double v) { return std::isfinite(v); }))
    sweepChart_->setThroughput(tr("views/s"), throughputBatch, throughput);
  sweepChart_->setVisible(true);

  sweepTable_->setColumnCount(int(table.header.size()));
  sweepTable_->setHorizontalHeaderLabels(table.header);
  sweepTable_->setRowCount(int(table.rows.size()));
  for (int r = 0; r < table.rows.size(); ++r)
    for (int c = 0; c < table.rows[r].fields.size(); ++c) {
      auto* item = new QTableWidgetItem(table.rows[r].fields[c]);
      bool numeric = false;
      table.rows[r].fields[c].toDouble(&numeric);
      if (numeric) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
      sweepTable_->setItem(r, c, item);
    }
  sweepTable_->setVisible(true);

  QStringList counts;
  for (auto it = statusCount.constBegin(); it != statusCount.constEnd(); ++it)
    counts << QStringLiteral("%1 %2").arg(it.value()).arg(it.key());
  sweepLabel_->setText(
      tr("Sweep <b>%1</b>: %2 batch sizes (%3). kNN and linear-probe top-1 on the "
         "test split; empty fields were not measured. Paper values are not available "
         "for this figure.<br><small>%4</small>")
          .arg(table.name.toHtmlEscaped())
          .arg(table.rows.size())
          .arg(counts.join(QStringLiteral(", ")).toHtmlEscaped(), QDir::toNativeSeparators(file).toHtmlEscaped()));
}

void ResultsPanel::showRunsByBatchSize() {
  sweepChart_->clear();
  sweepTable_->clear();
  sweepTable_->setRowCount(0);
  sweepTable_->setColumnCount(0);
  sweepTable_->setVisible(false);
  if (root_.isEmpty()) {
    sweepChart_->setVisible(false);
    sweepLabel_->setText(tr("Open a project to see its batch-size sweeps."));
    return;
  }
  // The best kNN of the project's runs at each batch size: a sweep made of ordinary runs.
  QMap<qint64, double> best;
  QMap<qint64, int> runs;
  for (const RunFolder& run : list_runs(root_.toStdString())) {
    const RunSummary s = read_run_summary(run);
    const std::optional<double> knn = s.evaluated_knn_top1 ? s.evaluated_knn_top1 : s.knn_top1;
    if (s.batch_size <= 0 || !knn) continue;
    ++runs[s.batch_size];
    best[s.batch_size] = std::max(best.value(s.batch_size, 0.0), 100 * *knn);
  }
  const QString how = code(QStringLiteral("simclr-cli sweep PROJECT"));
  if (best.isEmpty()) {
    sweepChart_->setVisible(false);
    sweepLabel_->setText(tr("No batch-size sweep yet, and no run with a kNN accuracy to compare. "
                            "Run one with %1 (the project's sweep.batch_sizes).")
                             .arg(how));
    return;
  }
  widgets::SweepSeries series{tr("kNN top-1 (runs)"), QColor(), {}, {}};
  for (auto it = best.constBegin(); it != best.constEnd(); ++it) {
    series.batchSizes << double(it.key());
    series.values << it.value();
  }
  sweepChart_->setTitle(tr("kNN top-1 of the project's runs by batch size"));
  sweepChart_->setData({series});
  sweepChart_->setVisible(true);
  int total = 0;
  for (int n : runs) total += n;
  sweepLabel_->setText(tr("No batch-size sweep yet: showing the best kNN top-1 (full test split where "
                          "evaluated, else the monitor) of %1 run(s) at %2 batch size(s). Runs differ in "
                          "more than batch size; for a controlled sweep run %3.")
                           .arg(total)
                           .arg(best.size())
                           .arg(how));
}

void ResultsPanel::refreshVit() {
  vitChart_->clear();
  vitChart_->setVisible(false);
  if (root_.isEmpty()) {
    vitLabel_->setText(tr("Open a project to compare its encoders."));
    return;
  }
  struct Entry {
    QString category, line;
    double top1;
    bool vit;
  };
  QVector<Entry> entries;
  int vitRuns = 0;
  for (const RunFolder& run : list_runs(root_.toStdString())) {
    const QString dir = QString::fromStdString(run.dir().string());
    const RunAccuracy accuracy = readBestRunAccuracy(dir);
    if (!accuracy.valid) continue;
    const EncoderLabel encoder = readEncoderLabel(dir);
    vitRuns += encoder.isVit;
    const QString name = runName(dir);
    entries << Entry{encoder.text + QLatin1Char('\n') + name,
                     tr("%1, <b>%2</b>: %3 %4 at step %5")
                         .arg(encoder.text.toHtmlEscaped(), name.toHtmlEscaped(), percent(accuracy.top1),
                              accuracy.metric.toHtmlEscaped())
                         .arg(accuracy.step),
                     accuracy.top1, encoder.isVit};
  }
  // ViTs first, each group in run order.
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.vit > b.vit; });
  if (entries.isEmpty()) {
    vitLabel_->setText(tr("No run has an accuracy yet. Train a run (the kNN monitor measures one), "
                          "or evaluate one with %1.")
                           .arg(code(QStringLiteral("simclr-cli evaluate RUN finetune"))));
    return;
  }
  QStringList categories, lines;
  widgets::AccuracySeries ours{tr("Ours"), QColor(), {}};
  for (const Entry& e : entries) {
    categories << e.category;
    ours.values << e.top1;
    lines << e.line;
  }
  vitChart_->setData(categories, {ours});
  vitChart_->setVisible(true);
  QString text =
      tr("Each run's best available top-1: the fine-tune probe where it was run, else kNN "
         "on the full test split, else the final kNN monitor. Paper values are not "
         "available for this figure.");
  if (vitRuns == 0) text += tr(" No ViT run yet: set model.encoder to \"vit\" in a project to add one.");
  vitLabel_->setText(text + QStringLiteral("<br>") + lines.join(QStringLiteral("<br>")));
}

bool ResultsPanel::exportCurrentChart(const QString& file, QString* error) {
  const int tab = tabs_->currentIndex();
  if (QFileInfo(file).suffix().compare(QLatin1String("csv"), Qt::CaseInsensitive) == 0) {
    const QString csv = tab == SweepTab ? sweepChart_->toCsv() : (tab == VitTab ? vitChart_ : figure10Chart_)->toCsv();
    QSaveFile out(file);
    if (out.open(QIODevice::WriteOnly) && out.write(csv.toUtf8()) >= 0 && out.commit()) return true;
    if (error) *error = tr("Cannot write \"%1\": %2").arg(QDir::toNativeSeparators(file), out.errorString());
    return false;
  }
  const QSize size(1000, 560);
  if (tab == SweepTab) return sweepChart_->saveImage(file, size, error);
  return (tab == VitTab ? vitChart_ : figure10Chart_)->saveImage(file, size, error);
}

void ResultsPanel::exportWithDialog() {
  static const char* names[] = {"figure10", "batch-size-sweep", "encoders"};
  const QString start = QDir(runDir_.isEmpty() ? QDir::homePath() : runDir_)
                            .filePath(QLatin1String(names[tabs_->currentIndex()]) + QStringLiteral(".png"));
  const QString file =
      QFileDialog::getSaveFileName(this, tr("Export Chart"), start,
                                   tr("PNG image (*.png);;SVG image (*.svg);;PDF document (*.pdf);;CSV table (*.csv)"));
  if (file.isEmpty()) return;
  QString error;
  if (!exportCurrentChart(file, &error)) QMessageBox::warning(this, tr("Export Chart"), error);
}

}  // namespace simclr::gui

#include "app/gui/training/runs_panel.h"

#include <QDesktopServices>
#include <QDir>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QSignalBlocker>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>

#include "engine/project/run_failure.h"
#include "engine/project/run_summary.h"

namespace simclr::gui {

namespace {
enum Column { Name, State, Steps, Loss, Knn, EvalKnn, Batch, Device, Time, ColumnCount };
constexpr int kDirRole = Qt::UserRole;
constexpr int kStandInRole = Qt::UserRole + 1;  // a started run listed before its folder is

QString formatDuration(double seconds) {
  if (seconds <= 0) return {};
  const int s = static_cast<int>(seconds + 0.5);
  return s >= 3600 ? QStringLiteral("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60)
                   : QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60);
}
}  // namespace

RunsPanel::RunsPanel(QWidget* parent) : QWidget(parent) {
  tree_ = new QTreeWidget(this);
  tree_->setObjectName(QStringLiteral("runsTree"));
  tree_->setColumnCount(ColumnCount);
  tree_->setHeaderLabels({tr("Run"), tr("State"), tr("Steps"), tr("Final loss"), tr("kNN monitor"), tr("kNN full test"),
                          tr("Batch"), tr("Device"), tr("Time")});
  tree_->setRootIsDecorated(false);
  tree_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  tree_->setAlternatingRowColors(true);
  tree_->setSortingEnabled(true);
  tree_->sortByColumn(Name, Qt::AscendingOrder);
  // The figures keep their width; the name takes what is left, elided in the middle (the
  // date and time at its end stay readable), so a narrow dock shows every column.
  tree_->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
  tree_->header()->setSectionResizeMode(Name, QHeaderView::Stretch);
  tree_->header()->setStretchLastSection(false);
  tree_->setTextElideMode(Qt::ElideMiddle);
  tree_->setContextMenuPolicy(Qt::CustomContextMenu);
  placeholder_ = new QLabel(tr("No runs yet: start training to create one."), this);
  placeholder_->setAlignment(Qt::AlignCenter);
  placeholder_->setEnabled(false);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(tree_);
  layout->addWidget(placeholder_);

  // Changes the program makes are made with the tree's signals blocked: this is the user.
  connect(tree_, &QTreeWidget::itemSelectionChanged, this, [this] {
    Q_EMIT selectionChanged(selectedRuns());
    Q_EMIT userSelected(selectedRuns());
  });
  connect(tree_, &QTreeWidget::customContextMenuRequested, this, &RunsPanel::showContextMenu);
  refresh();
}

void RunsPanel::setRunsRoot(const QString& root) {
  if (root_ == root) return;
  root_ = root;
  refresh();
}

void RunsPanel::setActiveRun(const QString& runDir, bool keepSelection) {
  activeRun_ = runDir.isEmpty() ? QString() : QDir(runDir).absolutePath();
  refresh();
  if (activeRun_.isEmpty()) return;
  QStringList selection = keepSelection ? selectedRuns() : QStringList();
  if (!selection.contains(activeRun_)) selection << activeRun_;
  selectRuns(selection);
}

QTreeWidgetItem* RunsPanel::activeItem() const {
  if (activeRun_.isEmpty()) return nullptr;
  for (int i = 0; i < tree_->topLevelItemCount(); ++i)
    if (tree_->topLevelItem(i)->data(Name, kDirRole).toString() == activeRun_) return tree_->topLevelItem(i);
  return nullptr;
}

void RunsPanel::showActiveStep(qint64 step, double loss) {
  QTreeWidgetItem* item = activeItem();
  // The folder gets its config when the run opens: list it as the run it now is.
  if (!item || item->data(Name, kStandInRole).toBool()) {
    refresh();
    item = activeItem();
  }
  if (!item) return;
  item->setText(Steps, QString::number(step));
  item->setText(Loss, QString::number(loss, 'f', 4));
}

void RunsPanel::selectNewestIfNone() {
  if (selectedRuns().isEmpty() && !newestRun_.isEmpty()) selectRuns({newestRun_});
}

void RunsPanel::refresh() {
  const QStringList selected = selectedRuns();
  {
    const QSignalBlocker block(tree_);
    tree_->setSortingEnabled(false);
    tree_->clear();
    newestRun_.clear();
    if (!root_.isEmpty()) {
      for (const RunFolder& run : list_runs(root_.toStdString())) {
        const RunSummary s = read_run_summary(run);
        const QString dir = QDir(QString::fromStdString(s.dir.string())).absolutePath();
        auto* item = new QTreeWidgetItem(tree_);
        item->setData(Name, kDirRole, dir);
        item->setText(Name, QString::fromStdString(s.name));
        item->setToolTip(Name, dir);
        const bool active = dir == QDir(activeRun_).absolutePath();
        item->setText(State, active ? tr("running") : QString::fromStdString(s.state));
        // Another process trains it, or its process died ("interrupted": Resume continues it).
        if (s.process) item->setToolTip(State, QString::fromStdString(describe_process(*s.process)));
        // Stopped on an error: what it was (Resume continues it once the cause is fixed).
        if (s.state == "failed") item->setToolTip(State, QString::fromStdString(read_run_failure(run)));
        item->setText(Steps, s.total_steps > 0 ? QStringLiteral("%1 / %2").arg(s.steps_done).arg(s.total_steps)
                                               : QString::number(s.steps_done));
        if (s.final_loss) item->setText(Loss, QString::number(*s.final_loss, 'f', 4));
        if (s.knn_top1) item->setText(Knn, QStringLiteral("%1 %").arg(100 * *s.knn_top1, 0, 'f', 2));
        if (s.evaluated_knn_top1) {
          item->setText(EvalKnn, QStringLiteral("%1 %").arg(100 * *s.evaluated_knn_top1, 0, 'f', 2));
          item->setToolTip(EvalKnn, tr("Weighted kNN on the full splits at step %1").arg(s.evaluated_step));
        }
        if (s.batch_size > 0) item->setText(Batch, QString::number(s.batch_size));
        item->setText(Device, QString::fromStdString(s.device));
        item->setText(Time, formatDuration(s.train_seconds));
        for (int c : {Steps, Loss, Knn, EvalKnn, Batch}) item->setTextAlignment(c, Qt::AlignRight | Qt::AlignVCenter);
        if (selected.contains(dir)) item->setSelected(true);
        newestRun_ = dir;  // list_runs gives them oldest first
      }
    }
    if (!activeRun_.isEmpty() && !activeItem()) {  // started, its folder not written yet
      auto* item = new QTreeWidgetItem(tree_);
      item->setData(Name, kDirRole, activeRun_);
      item->setData(Name, kStandInRole, true);  // replaced once the folder is listed
      item->setText(Name, QFileInfo(activeRun_).fileName());
      item->setToolTip(Name, activeRun_);
      item->setText(State, tr("running"));
      item->setText(Steps, QStringLiteral("0"));
      if (selected.contains(activeRun_)) item->setSelected(true);
    }
    tree_->setSortingEnabled(true);
  }
  const bool empty = tree_->topLevelItemCount() == 0;
  tree_->setVisible(!empty);
  placeholder_->setVisible(empty);
  placeholder_->setText(root_.isEmpty() ? tr("Open a project to see its runs.")
                                        : tr("No runs yet: start training to create one."));
  if (selectedRuns() != selected) Q_EMIT selectionChanged(selectedRuns());
}

QStringList RunsPanel::selectedRuns() const {
  QStringList dirs;
  for (int i = 0; i < tree_->topLevelItemCount(); ++i) {
    const QTreeWidgetItem* item = tree_->topLevelItem(i);
    if (item->isSelected()) dirs << item->data(Name, kDirRole).toString();
  }
  return dirs;
}

void RunsPanel::selectRuns(const QStringList& runDirs) {
  {
    const QSignalBlocker block(tree_);
    for (int i = 0; i < tree_->topLevelItemCount(); ++i) {
      QTreeWidgetItem* item = tree_->topLevelItem(i);
      item->setSelected(runDirs.contains(item->data(Name, kDirRole).toString()));
    }
  }
  Q_EMIT selectionChanged(selectedRuns());
}

int RunsPanel::runCount() const {
  return tree_->topLevelItemCount();
}

void RunsPanel::showContextMenu(const QPoint& pos) {
  QTreeWidgetItem* item = tree_->itemAt(pos);
  if (!item) return;
  const QString dir = item->data(Name, kDirRole).toString();
  QMenu menu(this);
  QAction* resume = menu.addAction(tr("Resume Training"));
  resume->setEnabled(item->text(State) != tr("completed") && item->text(State) != tr("running"));
  QAction* follow = menu.addAction(tr("Follow Live"));
  follow->setToolTip(tr("Show its curves growing as another process (simclr-cli, a cluster job) writes it"));
  follow->setEnabled(dir != QDir(activeRun_).absolutePath());  // not the run trained here
  QAction* evaluate = menu.addAction(tr("Evaluate"));
  menu.addSeparator();
  QAction* open = menu.addAction(tr("Open Folder"));
  QAction* chosen = menu.exec(tree_->viewport()->mapToGlobal(pos));
  if (chosen == resume) Q_EMIT resumeRequested(dir);
  if (chosen == follow) Q_EMIT followRequested(dir);
  if (chosen == evaluate) Q_EMIT evaluateRequested(dir);
  if (chosen == open) QDesktopServices::openUrl(QUrl::fromLocalFile(dir));
}

}  // namespace simclr::gui

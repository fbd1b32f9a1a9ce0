#include "app/gui/training/runs_panel.h"

#include <algorithm>

#include <QDesktopServices>
#include <QDir>
#include <QEvent>
#include <QFileInfo>
#include <QHeaderView>
#include <QHelpEvent>
#include <QLabel>
#include <QMenu>
#include <QSignalBlocker>
#include <QScrollBar>
#include <QToolTip>
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
// What gives way first when the table is narrower than its columns.
constexpr int kLeastNeeded[] = {Time, Device, Batch};
// The name keeps about this many characters before columns give way (elided in the middle).
constexpr int kNameChars = 16;

// What each column's short title stands for, in its header's tooltip.
QString columnHelp(int column) {
  const QString help[ColumnCount] = {QObject::tr("The run's folder: the project's name, the date and the time"),
                                     QObject::tr("completed, running, stopped, interrupted or failed"),
                                     QObject::tr("Steps done (of the steps planned)"),
                                     QObject::tr("The contrastive loss at the last step"),
                                     QObject::tr("kNN accuracy of the monitor at its last check during training"),
                                     QObject::tr("Weighted kNN accuracy on the full splits (Evaluate)"),
                                     QObject::tr("Batch size"),
                                     QObject::tr("The device it trained on"),
                                     QObject::tr("Training time")};
  return help[column];
}

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
  // Short titles, so that the figures fit a narrow dock; the header's tooltips say more.
  tree_->setHeaderLabels({tr("Run"), tr("State"), tr("Steps"), tr("Loss"), tr("kNN"), tr("Full kNN"), tr("Batch"),
                          tr("Device"), tr("Time")});
  for (int c = 0; c < ColumnCount; ++c) tree_->headerItem()->setToolTip(c, columnHelp(c));
  tree_->setRootIsDecorated(false);
  tree_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  tree_->setAlternatingRowColors(true);
  tree_->setSortingEnabled(true);
  tree_->sortByColumn(Name, Qt::AscendingOrder);
  // The figures keep their width; the name takes what is left, elided in the middle (the
  // date and time at its end stay readable); fitColumns() hides what does not fit.
  tree_->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
  tree_->header()->setSectionResizeMode(Name, QHeaderView::Stretch);
  tree_->header()->setStretchLastSection(false);
  tree_->setTextElideMode(Qt::ElideMiddle);
  tree_->setContextMenuPolicy(Qt::CustomContextMenu);
  tree_->installEventFilter(this);              // its width fits the columns
  tree_->viewport()->installEventFilter(this);  // tooltips
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
        if (s.knn_top1) {
          item->setText(Knn, QStringLiteral("%1 %").arg(100 * *s.knn_top1, 0, 'f', 2));
        } else if (s.pair_top1) {  // no labels: the label-free monitor's figure, marked as such
          item->setText(Knn, tr("pairs %1 %").arg(100 * *s.pair_top1, 0, 'f', 1));
          item->setToolTip(Knn, tr("No labels: positive-pair retrieval of the last monitor (kNN needs labels)"));
        }
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
  fitColumns();  // the new contents, in the present width (a new width refits on its resize)
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

bool RunsPanel::eventFilter(QObject* watched, QEvent* event) {
  if (watched == tree_ && event->type() == QEvent::Resize) fitColumns();
  if (watched == tree_->viewport()) {
    if (event->type() == QEvent::ToolTip) {
      // Over a run, the columns hidden for want of room show with the cell's own tooltip.
      const auto* help = static_cast<QHelpEvent*>(event);
      const QTreeWidgetItem* item = tree_->itemAt(help->pos());
      const QString hidden = item ? hiddenColumnsText(item) : QString();
      if (!hidden.isEmpty()) {
        const QString own = item->toolTip(tree_->columnAt(help->pos().x()));
        QToolTip::showText(help->globalPos(), own.isEmpty() ? hidden : own + QStringLiteral("\n\n") + hidden,
                           tree_->viewport(), tree_->visualItemRect(item));
        return true;
      }
    }
  }
  return QWidget::eventFilter(watched, event);
}

// The figures need their contents' width and the name about kNameChars characters; when
// the viewport is narrower than that, the least needed columns are hidden in turn (never a
// sideways scroll bar for them) and their values go to the row's tooltip.
void RunsPanel::fitColumns() {
  if (fitting_) return;  // hiding a column can resize the viewport
  fitting_ = true;
  QHeaderView* header = tree_->header();
  for (int c : kLeastNeeded) tree_->setColumnHidden(c, false);  // a hidden section measures 0
  // The column widths that ResizeToContents gives (sizeHintForColumn is public here).
  const QAbstractItemView* view = tree_;
  const auto needed = [&](int c) { return std::max(header->sectionSizeHint(c), view->sizeHintForColumn(c)); };
  int width = std::min(needed(Name), tree_->fontMetrics().averageCharWidth() * kNameChars);
  for (int c = State; c < ColumnCount; ++c) width += needed(c);
  // The tree's width less a vertical scroll bar, shown or not: measured on the viewport, the
  // columns would change the scroll bars, the scroll bars the viewport, and so on for ever.
  const int available = tree_->contentsRect().width() - tree_->verticalScrollBar()->sizeHint().width();
  QStringList hidden;
  for (int c : kLeastNeeded) {
    const bool hide = width > available;
    if (hide) {
      width -= needed(c);
      hidden.prepend(tree_->headerItem()->text(c));
    }
    tree_->setColumnHidden(c, hide);
  }
  tree_->headerItem()->setToolTip(
      Name, hidden.isEmpty() ? columnHelp(Name)
                             : columnHelp(Name) + QStringLiteral("\n\n") +
                                   tr("Hidden in this width: %1. Point at a run to see them, or widen the dock.")
                                       .arg(hidden.join(QStringLiteral(", "))));
  fitting_ = false;
}

QString RunsPanel::hiddenColumnsText(const QTreeWidgetItem* item) const {
  QStringList lines;
  for (int c : {Batch, Device, Time})
    if (tree_->isColumnHidden(c) && !item->text(c).isEmpty())
      lines << QStringLiteral("%1: %2").arg(tree_->headerItem()->text(c), item->text(c));
  return lines.join(QLatin1Char('\n'));
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

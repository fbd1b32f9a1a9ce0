#pragma once
// The runs of the open project, read from their folders (runs/ beside the project): state,
// steps, final loss and kNN accuracy. Selecting several overlays their curves in the
// charts; the context menu resumes, follows or evaluates a run, or opens its folder.
// The table fits its dock's width: when the figures do not fit beside a readable name,
// Time, Device and Batch give way (in that order) and show in the row's tooltip instead.
#include <QString>
#include <QStringList>
#include <QWidget>

class QTreeWidget;
class QTreeWidgetItem;
class QLabel;

namespace simclr::gui {

class RunsPanel : public QWidget {
  Q_OBJECT
 public:
  explicit RunsPanel(QWidget* parent = nullptr);

  void setRunsRoot(const QString& root);  // empty: no project
  QString runsRoot() const { return root_; }
  // The run being trained now shows as "running" from the moment it starts, before its
  // folder holds anything, and is selected (alone, or added to the selection with
  // keepSelection: a sweep's earlier points stay overlaid); an empty runDir ends that.
  void setActiveRun(const QString& runDir, bool keepSelection = false);
  // The running run's latest step and loss, as they arrive.
  void showActiveStep(qint64 step, double loss);
  // Selects the newest run when none is selected (a project just opened), so that the
  // analysis docks have a run to work on.
  void selectNewestIfNone();
  void refresh();

  QStringList selectedRuns() const;  // run folders, in list order
  void selectRuns(const QStringList& runDirs);
  int runCount() const;
  QTreeWidget* tree() const { return tree_; }

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 Q_SIGNALS:
  void selectionChanged(const QStringList& runDirs);
  void userSelected(const QStringList& runDirs);  // by a click or a key, not by the program
  void resumeRequested(const QString& runDir);
  void evaluateRequested(const QString& runDir);
  void followRequested(const QString& runDir);  // follow its metrics live (another process writes it)

 private:
  void showContextMenu(const QPoint& pos);
  QTreeWidgetItem* activeItem() const;
  void fitColumns();
  QString hiddenColumnsText(const QTreeWidgetItem* item) const;

  QString root_;
  QString activeRun_;
  QString newestRun_;  // by the time its config was written
  QTreeWidget* tree_ = nullptr;
  QLabel* placeholder_ = nullptr;
  bool fitting_ = false;
};

}  // namespace simclr::gui

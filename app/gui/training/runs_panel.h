#pragma once
// The runs of the open project, read from their folders (runs/ beside the project): state,
// steps, final loss and kNN accuracy. Selecting several overlays their curves in the
// charts; the context menu resumes, follows or evaluates a run, or opens its folder.
#include <QString>
#include <QStringList>
#include <QWidget>

class QTreeWidget;
class QLabel;

namespace simclr::gui {

class RunsPanel : public QWidget {
  Q_OBJECT
 public:
  explicit RunsPanel(QWidget* parent = nullptr);

  void setRunsRoot(const QString& root);  // empty: no project
  QString runsRoot() const { return root_; }
  // The run being trained now shows as "running" (its folder has no status yet).
  void setActiveRun(const QString& runDir);
  void refresh();

  QStringList selectedRuns() const;  // run folders, in list order
  void selectRuns(const QStringList& runDirs);
  int runCount() const;
  QTreeWidget* tree() const { return tree_; }

 Q_SIGNALS:
  void selectionChanged(const QStringList& runDirs);
  void resumeRequested(const QString& runDir);
  void evaluateRequested(const QString& runDir);
  void followRequested(const QString& runDir);  // follow its metrics live (another process writes it)

 private:
  void showContextMenu(const QPoint& pos);

  QString root_;
  QString activeRun_;
  QTreeWidget* tree_ = nullptr;
  QLabel* placeholder_ = nullptr;
};

}  // namespace simclr::gui

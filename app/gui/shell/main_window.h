#pragma once
// The workbench window: assembles the docks and their controllers, the menus, toolbar and
// status bar. Work happens in the controllers (project, training) and the docked panels;
// this class wires them together and handles closing.
#include <QMainWindow>
#include <QPointer>
#include <QString>

#include "app/gui/jobs/metric_types.h"
#include "engine/project/project_config.h"

class QAction;
class QDockWidget;
class QMenu;
class QSpinBox;

namespace simclr::widgets {
class LogView;
}

class QStackedWidget;

namespace simclr::gui {

class AppSettings;
class AugmentationPreview;
class EmbeddingPanel;
class DatasetPanel;
class EvaluationController;
struct EvaluationOutcome;
class EventLoopLatency;
class FollowedRun;
class ProjectController;
class ProjectDocument;
class ProjectEditor;
class ResultsPanel;
class NeighbourPanel;
class ExplorePanel;
class RunsPanel;
class StartPage;
class TrainingCharts;
class TrainingController;
class TrainingStatus;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  // settings: the application's settings (tests pass an INI-backed one). Not owned.
  explicit MainWindow(AppSettings& settings, QWidget* parent = nullptr);
  ~MainWindow() override;

  bool openProject(const QString& file);
  // Starts training the open project (asks to save a new project first). Returns the run
  // folder, or empty when it could not start (the reason was shown). A project with
  // sweep.batch_sizes runs its whole batch-size sweep instead; the sweep folder is returned.
  QString startTraining();
  // Runs started from now on end after this many steps (0 = as the project says).
  void setMaxStepsOverride(int steps) { maxStepsOverride_ = steps; }
  // Continues a stopped run from its latest checkpoint.
  QString resumeTraining(const QString& runDir);
  // kNN of the run on its full splits, in the background; false when one is running.
  bool evaluateRun(const QString& runDir);
  // File ▸ Open Run…: the charts follow the run folder live as another process writes it.
  // False (the reason was shown) when training here or runDir is not a run folder.
  bool followRun(const QString& runDir);

  ProjectDocument& document() { return *document_; }
  TrainingController& training() { return *training_; }
  EvaluationController& evaluation() { return *evaluation_; }
  ProjectEditor* projectEditor() const { return editor_; }
  DatasetPanel* datasetPanel() const { return dataset_; }
  AugmentationPreview* augmentationPreview() const { return augmentations_; }
  EmbeddingPanel* embeddingPanel() const { return embeddings_; }
  ResultsPanel* resultsPanel() const { return results_; }
  NeighbourPanel* neighbourPanel() const { return neighbours_; }
  ExplorePanel* explorePanel() const { return explore_; }
  TrainingCharts* charts() const { return charts_; }
  StartPage* startPage() const { return start_; }  // shown while no project is open
  RunsPanel* runsPanel() const { return runs_; }
  widgets::LogView* logView() const { return log_; }
  TrainingStatus* trainingStatus() const { return status_; }
  FollowedRun& followedRun() { return *followed_; }
  // Processes per run: 1 trains in this process, N > 1 launches simclr-cli --nproc-per-node N.
  QSpinBox* processesBox() const { return processes_; }
  EventLoopLatency& latency() { return *latency_; }
  // Closing while training asks first; tests answer for the user with this.
  void setCloseWhileTrainingAnswer(bool stopAndClose) { closeAnswer_ = stopAndClose ? 1 : 0; }

  QAction* action(const QString& objectName) const;

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void createCentre();
  void createActions();
  void createMenus();
  void createToolBar();
  void createDocks();
  // The arrangement a first start gets, and View > Reset Layout: the project on the left, the
  // training charts in the centre, the augmentation preview on the right with the analysis
  // docks behind it, runs and log below the charts; sized for the window as it is.
  void applyDefaultLayout();
  // A size that fits the screen's available area (the saved geometry when it still fits).
  void fitToScreen();
  QDockWidget* dock(const char* objectName) const;
  QDockWidget* addDock(QWidget* widget, const QString& title, const QString& objectName, Qt::DockWidgetArea area);
  void connectTraining();
  void onProjectOpened();
  void onDocumentChanged();
  void onTrainingState();
  void onTrainingFinished(const simclr::gui::TrainingOutcome& outcome);
  void onEvaluationFinished(const simclr::gui::EvaluationOutcome& outcome);
  void onLog(int level, const QString& text);
  void updateTitle();
  void updateDevice();
  void showAbout();
  bool ensureRunnableProject();
  simclr::ProjectConfig runConfig() const;
  bool isSweepProject() const;  // the open project has sweep.batch_sizes: Start runs the sweep
  // Starts (or resumes) the run in processesBox() simclr-cli processes, saving the project first.
  QString startInProcesses(const QString& resumeRunDir);
  void connectFollowedRun();

  AppSettings& settings_;
  ProjectDocument* document_;
  TrainingController* training_;
  EvaluationController* evaluation_;
  EventLoopLatency* latency_;
  ProjectController* projects_;
  FollowedRun* followed_ = nullptr;

  TrainingCharts* charts_ = nullptr;
  StartPage* start_ = nullptr;
  QStackedWidget* centre_ = nullptr;
  RunsPanel* runs_ = nullptr;
  ProjectEditor* editor_ = nullptr;
  DatasetPanel* dataset_ = nullptr;
  AugmentationPreview* augmentations_ = nullptr;
  EmbeddingPanel* embeddings_ = nullptr;
  ResultsPanel* results_ = nullptr;
  NeighbourPanel* neighbours_ = nullptr;
  ExplorePanel* explore_ = nullptr;
  widgets::LogView* log_ = nullptr;
  TrainingStatus* status_ = nullptr;
  QSpinBox* processes_ = nullptr;
  QMenu* viewMenu_ = nullptr;
  QMenu* recentMenu_ = nullptr;
  QMenu* templateMenu_ = nullptr;

  QAction* newAction_ = nullptr;
  QAction* openAction_ = nullptr;
  QAction* openRunAction_ = nullptr;
  QAction* saveAction_ = nullptr;
  QAction* saveAsAction_ = nullptr;
  QAction* quitAction_ = nullptr;
  QAction* startAction_ = nullptr;
  QAction* pauseAction_ = nullptr;
  QAction* stopAction_ = nullptr;
  QAction* resumeAction_ = nullptr;
  QAction* evaluateAction_ = nullptr;
  QAction* aboutAction_ = nullptr;

  int maxStepsOverride_ = 0;
  QString sweepStatus_;   // "sweep point i/N: batch B" while a sweep runs
  int closeAnswer_ = -1;  // -1 ask, 0 keep training, 1 stop and close
  bool closeAfterStop_ = false;
};

}  // namespace simclr::gui

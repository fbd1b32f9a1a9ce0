#include "app/gui/shell/main_window.h"

#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QScreen>
#include <QScrollArea>
#include <QMenuBar>
#include <QMessageBox>
#include <QSpinBox>
#include <QStackedWidget>
#include <QStatusBar>
#include <QThread>
#include <QToolBar>

#include "app/gui/shell/app_settings.h"
#include "app/gui/shell/app_theme.h"
#include "app/gui/shell/expected_times.h"
#include "app/gui/augmentation/augmentation_preview.h"
#include "app/gui/dataset/dataset_panel.h"
#include "app/gui/embedding/embedding_panel.h"
#include "app/gui/results/evaluation_controller.h"
#include "app/gui/explore/explore_panel.h"
#include "app/gui/neighbours/neighbour_panel.h"
#include "app/gui/processes/followed_run.h"
#include "app/gui/shell/event_loop_latency.h"
#include "app/gui/project/project_controller.h"
#include "app/gui/project/project_document.h"
#include "app/gui/project/project_editor.h"
#include "app/gui/shell/resource_paths.h"
#include "app/gui/shell/start_page.h"
#include "app/gui/results/results_panel.h"
#include "app/gui/training/runs_panel.h"
#include "app/gui/training/training_charts.h"
#include "app/gui/training/training_controller.h"
#include "app/gui/training/training_status.h"
#include "engine/core/device.h"
#include "engine/core/error.h"
#include "engine/core/version.h"
#include "engine/experiments/batch_size_sweep.h"
#include "engine/project/run_folder.h"
#include "engine/train/trainer.h"
#include "widgets/log_view.h"
#include "widgets/metric_chart.h"

namespace simclr::gui {

MainWindow::MainWindow(AppSettings& settings, QWidget* parent)
    : QMainWindow(parent),
      settings_(settings),
      document_(new ProjectDocument(this)),
      training_(new TrainingController(this)),
      evaluation_(new EvaluationController(this)),
      latency_(new EventLoopLatency(20, this)),
      projects_(new ProjectController(*document_, settings_, this)) {
  setObjectName(QStringLiteral("MainWindow"));
  setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks | QMainWindow::AllowNestedDocks);
  createCentre();
  status_ = new TrainingStatus(this);
  statusBar()->addPermanentWidget(status_, 1);
  followed_ = new FollowedRun(charts_, status_, this);

  createActions();
  createMenus();
  createToolBar();
  createDocks();
  connectTraining();
  connectFollowedRun();

  connect(projects_, &ProjectController::projectOpened, this, &MainWindow::onProjectOpened);
  connect(document_, &ProjectDocument::changed, this, &MainWindow::onDocumentChanged);
  connect(document_, &ProjectDocument::modifiedChanged, this, &MainWindow::updateTitle);
  connect(document_, &ProjectDocument::filePathChanged, this, [this] {
    runs_->setRunsRoot(document_->filePath().isEmpty()
                           ? QString()
                           : QFileInfo(document_->filePath()).absoluteDir().filePath(QStringLiteral("runs")));
    results_->setRunsRoot(runs_->runsRoot());
    runs_->selectNewestIfNone();
    updateTitle();
  });
  connect(runs_, &RunsPanel::selectionChanged, charts_, &TrainingCharts::showRuns);
  connect(runs_, &RunsPanel::resumeRequested, this, &MainWindow::resumeTraining);
  connect(runs_, &RunsPanel::evaluateRequested, this, &MainWindow::evaluateRun);
  connect(runs_, &RunsPanel::selectionChanged, this, &MainWindow::onTrainingState);
  // A run the user picks is to be looked at: the analysis docks come to the front.
  connect(runs_, &RunsPanel::userSelected, this, [this](const QStringList& runs) {
    if (runs.size() == 1 && !training_->isBusy()) dock("embeddingsDock")->raise();
  });
  // The embedding panel looks at the one selected run.
  connect(runs_, &RunsPanel::selectionChanged, this, [this](const QStringList& runs) {
    if (runs.size() == 1) embeddings_->setRun(runs.first());
    if (runs.size() == 1) results_->setRun(runs.first());
    if (runs.size() == 1) neighbours_->setRun(runs.first());
    if (runs.size() == 1) explore_->setRun(runs.first());
  });
  // A point clicked in the embedding scatter opens in the neighbour browser.
  connect(embeddings_, &EmbeddingPanel::queryChanged, this, [this](qint64 row) {
    if (neighbours_->runDir() != embeddings_->runDir()) neighbours_->setRun(embeddings_->runDir());
    neighbours_->openQuery(embeddings_->layout().settings.split, row);
    // Brought forward where it does not hide the scatter the point was clicked in (the
    // Embeddings dock lists the point's neighbours itself).
    if (!tabifiedDockWidgets(dock("embeddingsDock")).contains(dock("neighboursDock"))) dock("neighboursDock")->raise();
  });
  connect(neighbours_, &NeighbourPanel::logMessage, this, &MainWindow::onLog);
  connect(explore_, &ExplorePanel::logMessage, this, &MainWindow::onLog);
  connect(embeddings_, &EmbeddingPanel::logMessage, this, &MainWindow::onLog);
  connect(latency_, &EventLoopLatency::measured, status_, &TrainingStatus::showLatency);

  widgets::MetricChart* loss = charts_->chart(TrainingCharts::Loss);
  loss->setSmoothing(settings_.value(settings::ChartSmoothing));
  loss->setLogScale(settings_.value(settings::ChartLogScale));
  connect(loss, &widgets::MetricChart::smoothingChanged, this,
          [this](double weight) { settings_.setValue(settings::ChartSmoothing, weight); });
  connect(loss, &widgets::MetricChart::logScaleChanged, this,
          [this](bool on) { settings_.setValue(settings::ChartLogScale, on); });

  fitToScreen();
  if (!restoreState(settings_.value(settings::WindowState))) applyDefaultLayout();
  onDocumentChanged();
  onTrainingState();
  updateTitle();
}

MainWindow::~MainWindow() = default;

QAction* MainWindow::action(const QString& objectName) const {
  return findChild<QAction*>(objectName);
}

// The centre: the start page until a project is open, then the training charts.
void MainWindow::createCentre() {
  charts_ = new TrainingCharts(this);
  start_ = new StartPage(this);
  start_->setExpectedTimes(new ExpectedTimes(settings_, this));
  centre_ = new QStackedWidget(this);
  centre_->addWidget(start_);
  centre_->addWidget(charts_);
  setCentralWidget(centre_);
  connect(start_, &StartPage::openProjectRequested, this, &MainWindow::openProject);
  connect(start_, &StartPage::newFromTemplateRequested, projects_, &ProjectController::newFromTemplate);
  connect(start_, &StartPage::openFolderRequested, this,
          [this](const QString& folder) { projects_->newForImageFolder(folder, quickstartProject()); });
  connect(start_, &StartPage::openOtherRequested, projects_, qOverload<>(&ProjectController::open));
}

void MainWindow::createActions() {
  auto make = [this](const QString& text, const char* name, QKeySequence shortcut, const QString& tip) {
    auto* a = new QAction(text, this);
    a->setObjectName(QString::fromLatin1(name));
    a->setShortcut(shortcut);
    a->setStatusTip(tip);
    a->setToolTip(shortcut.isEmpty() ? tip
                                     : QStringLiteral("%1 (%2)").arg(tip, shortcut.toString(QKeySequence::NativeText)));
    return a;
  };
  newAction_ = make(tr("&New Project from Quickstart…"), "newProject", QKeySequence::New,
                    tr("Create a new project from the quickstart template"));
  openAction_ = make(tr("&Open Project…"), "openProject", QKeySequence::Open, tr("Open a project file"));
  openRunAction_ = make(tr("Open &Run…"), "openRun", {},
                        tr("Follow a run folder live as another process writes it (simclr-cli, a cluster job)"));
  saveAction_ = make(tr("&Save"), "saveProject", QKeySequence::Save, tr("Save the project"));
  saveAsAction_ = make(tr("Save &As…"), "saveProjectAs", QKeySequence::SaveAs, tr("Save the project to a new file"));
  quitAction_ = make(tr("&Quit"), "quit", QKeySequence::Quit, tr("Quit the workbench"));
  startAction_ = make(tr("&Start Training"), "startTraining", QKeySequence(Qt::CTRL | Qt::Key_R),
                      tr("Train the project in a new run"));
  pauseAction_ = make(tr("&Pause"), "pauseTraining", QKeySequence(Qt::CTRL | Qt::Key_P),
                      tr("Pause or continue the running training"));
  pauseAction_->setCheckable(true);
  stopAction_ = make(tr("S&top"), "stopTraining", QKeySequence(Qt::CTRL | Qt::Key_Period),
                     tr("Stop training after the current step and save a checkpoint"));
  resumeAction_ = make(tr("&Resume Selected Run"), "resumeRun", QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R),
                       tr("Continue the selected run from its latest checkpoint"));
  evaluateAction_ = make(tr("&Evaluate Selected Run"), "evaluateRun", QKeySequence(Qt::CTRL | Qt::Key_E),
                         tr("kNN accuracy of the selected run on the full test split"));
  aboutAction_ = make(tr("&About SimCLR Workbench"), "about", {}, tr("Versions of the workbench and its libraries"));

  connect(newAction_, &QAction::triggered, this, [this] {
    const QString quickstart = quickstartProject();
    if (quickstart.isEmpty())
      QMessageBox::warning(this, tr("New Project"),
                           tr("The bundled quickstart project was not found in:\n%1")
                               .arg(projectTemplateDirs().join(QLatin1Char('\n'))));
    else
      projects_->newFromTemplate(quickstart);
  });
  connect(openAction_, &QAction::triggered, projects_, &ProjectController::open);
  connect(openRunAction_, &QAction::triggered, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open Run"), runs_->runsRoot());
    if (!dir.isEmpty()) followRun(dir);
  });
  connect(saveAction_, &QAction::triggered, projects_, &ProjectController::save);
  connect(saveAsAction_, &QAction::triggered, projects_, &ProjectController::saveAs);
  connect(quitAction_, &QAction::triggered, this, &QWidget::close);
  connect(startAction_, &QAction::triggered, this, &MainWindow::startTraining);
  connect(pauseAction_, &QAction::triggered, this, [this](bool paused) {
    if (paused)
      training_->pause();
    else
      training_->resume();
  });
  connect(stopAction_, &QAction::triggered, training_, &TrainingController::stop);
  connect(resumeAction_, &QAction::triggered, this, [this] {
    const QStringList selected = runs_->selectedRuns();
    if (selected.size() == 1) resumeTraining(selected.first());
  });
  connect(evaluateAction_, &QAction::triggered, this, [this] {
    const QStringList selected = runs_->selectedRuns();
    if (selected.size() == 1) evaluateRun(selected.first());
  });
  connect(aboutAction_, &QAction::triggered, this, &MainWindow::showAbout);
}

void MainWindow::createMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  templateMenu_ = file->addMenu(tr("New Project from &Template"));
  templateMenu_->setObjectName(QStringLiteral("templateMenu"));
  projects_->fillTemplateMenu(templateMenu_);
  file->addAction(newAction_);
  file->addAction(openAction_);
  recentMenu_ = file->addMenu(tr("Open &Recent"));
  recentMenu_->setObjectName(QStringLiteral("recentMenu"));
  projects_->attachRecentMenu(recentMenu_);
  file->addAction(openRunAction_);
  file->addSeparator();
  file->addAction(saveAction_);
  file->addAction(saveAsAction_);
  file->addSeparator();
  file->addAction(quitAction_);

  QMenu* train = menuBar()->addMenu(tr("&Training"));
  for (QAction* a : {startAction_, pauseAction_, stopAction_}) train->addAction(a);
  train->addSeparator();
  train->addAction(resumeAction_);
  train->addAction(evaluateAction_);

  viewMenu_ = menuBar()->addMenu(tr("&View"));
  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(aboutAction_);
}

void MainWindow::createToolBar() {
  QToolBar* bar = addToolBar(tr("Main"));
  bar->setObjectName(QStringLiteral("mainToolBar"));
  bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
  for (QAction* a : {openAction_, saveAction_}) bar->addAction(a);
  bar->addSeparator();
  processes_ = new QSpinBox(bar);
  processes_->setObjectName(QStringLiteral("processesBox"));
  processes_->setRange(1, 64);
  processes_->setPrefix(tr("Processes: "));
  processes_->setToolTip(
      tr("1: train inside the workbench. N > 1: data-parallel in N local simclr-cli processes "
         "(the batch is split over them; Stop saves a checkpoint; no Pause)"));
  processes_->setValue(settings_.value(settings::TrainingProcesses));
  connect(processes_, &QSpinBox::valueChanged, this, [this](int n) {
    settings_.setValue(settings::TrainingProcesses, n);
    onTrainingState();
  });
  bar->addWidget(processes_);
  for (QAction* a : {startAction_, pauseAction_, stopAction_}) bar->addAction(a);
  bar->addSeparator();
  bar->addAction(evaluateAction_);
}

QDockWidget* MainWindow::addDock(QWidget* widget, const QString& title, const QString& objectName,
                                 Qt::DockWidgetArea area) {
  auto* dock = new QDockWidget(title, this);
  dock->setObjectName(objectName);  // saveState() keys the layout by object name
  // In a scroll area: a dock narrower than its panel's minimum scrolls, instead of pushing
  // the window past the screen's edge.
  auto* scroll = new QScrollArea;
  scroll->setObjectName(objectName + QStringLiteral("Scroll"));
  scroll->setFrameShape(QFrame::NoFrame);
  scroll->setWidgetResizable(true);
  scroll->setWidget(widget);
  dock->setWidget(scroll);
  addDockWidget(area, dock);
  viewMenu_->addAction(dock->toggleViewAction());
  return dock;
}

void MainWindow::createDocks() {
  editor_ = new ProjectEditor(document_, this);
  addDock(editor_, tr("Project"), QStringLiteral("projectDock"), Qt::LeftDockWidgetArea);
  dataset_ = new DatasetPanel(document_, this);
  addDock(dataset_, tr("Dataset"), QStringLiteral("datasetDock"), Qt::LeftDockWidgetArea);
  runs_ = new RunsPanel(this);
  addDock(runs_, tr("Runs"), QStringLiteral("runsDock"), Qt::BottomDockWidgetArea);
  log_ = new widgets::LogView(this);
  addDock(log_, tr("Log"), QStringLiteral("logDock"), Qt::BottomDockWidgetArea);
  augmentations_ = new AugmentationPreview(document_, this);
  addDock(augmentations_, tr("Augmentations"), QStringLiteral("augmentationsDock"), Qt::RightDockWidgetArea);
  embeddings_ = new EmbeddingPanel(this);
  addDock(embeddings_, tr("Embeddings"), QStringLiteral("embeddingsDock"), Qt::RightDockWidgetArea);
  neighbours_ = new NeighbourPanel(this);
  addDock(neighbours_, tr("Neighbours"), QStringLiteral("neighboursDock"), Qt::RightDockWidgetArea);
  results_ = new ResultsPanel(this);
  addDock(results_, tr("Results"), QStringLiteral("resultsDock"), Qt::RightDockWidgetArea);
  explore_ = new ExplorePanel(this);
  addDock(explore_, tr("Explore"), QStringLiteral("exploreDock"), Qt::RightDockWidgetArea);
  // The side docks run the window's full height; runs and log sit under the charts.
  setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
  setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
  // Two workspaces in one dock area: the preview leaves the training charts most of the
  // window; an analysis dock brought forward (a run picked, a point clicked) takes most of
  // it, so the scatter and the neighbours lie side by side.
  for (const char* name : {"augmentationsDock", "embeddingsDock", "neighboursDock", "resultsDock", "exploreDock"}) {
    QDockWidget* d = dock(name);
    const bool analysis = qstrcmp(name, "augmentationsDock") != 0;
    connect(d, &QDockWidget::visibilityChanged, this, [this, d, analysis](bool visible) {
      if (!visible || d->isFloating() || dockWidgetArea(d) != Qt::RightDockWidgetArea) return;
      resizeDocks({d}, {width() * (analysis ? 62 : 36) / 100}, Qt::Horizontal);
    });
  }
  viewMenu_->addSeparator();
  // Light or dark (Qt 6.4 cannot follow the desktop's scheme): applied at once, remembered.
  QMenu* themes = viewMenu_->addMenu(tr("&Theme"));
  auto* themeGroup = new QActionGroup(themes);
  const Theme current = themeFromName(settings_.value(settings::Theme));
  for (const Theme theme : {Theme::Light, Theme::Dark}) {
    QAction* action = themes->addAction(theme == Theme::Dark ? tr("&Dark") : tr("&Light"));
    action->setObjectName(QStringLiteral("theme-") + themeName(theme));
    action->setCheckable(true);
    action->setChecked(theme == current);
    themeGroup->addAction(action);
    connect(action, &QAction::triggered, this, [this, theme] {
      applyTheme(theme);
      settings_.setValue(settings::Theme, themeName(theme));
    });
  }
  auto* reset = viewMenu_->addAction(tr("&Reset Layout"), this, &MainWindow::applyDefaultLayout);
  reset->setObjectName(QStringLiteral("resetLayout"));
  reset->setStatusTip(tr("Put every dock back where it was at the first start"));
}

QDockWidget* MainWindow::dock(const char* objectName) const {
  return findChild<QDockWidget*>(QString::fromLatin1(objectName));
}

void MainWindow::applyDefaultLayout() {
  const auto place = [this](Qt::DockWidgetArea area, std::initializer_list<const char*> names) {
    QDockWidget* first = nullptr;
    for (const char* name : names) {
      QDockWidget* d = dock(name);
      d->setFloating(false);
      addDockWidget(area, d);
      d->show();
      if (first) tabifyDockWidget(first, d);
      if (!first) first = d;
    }
    first->raise();
    return first;
  };
  QDockWidget* left = place(Qt::LeftDockWidgetArea, {"projectDock", "datasetDock"});
  QDockWidget* right = place(Qt::RightDockWidgetArea,
                             {"augmentationsDock", "embeddingsDock", "neighboursDock", "resultsDock", "exploreDock"});
  QDockWidget* bottom = place(Qt::BottomDockWidgetArea, {"runsDock", "logDock"});
  // Shares of the window: the charts keep the middle, the preview gets room for its views.
  const int width = this->width(), height = this->height();
  resizeDocks({left, right}, {width * 26 / 100, width * 36 / 100}, Qt::Horizontal);
  resizeDocks({bottom}, {std::max(120, height * 22 / 100)}, Qt::Vertical);
}

void MainWindow::fitToScreen() {
  QScreen* screen = this->screen() ? this->screen() : QGuiApplication::primaryScreen();
  if (!screen) return resize(1400, 900);
  const QRect available = screen->availableGeometry();
  if (restoreGeometry(settings_.value(settings::WindowGeometry)) && available.contains(frameGeometry())) return;
  // A little short of the whole area, for the frame the window manager adds.
  const QSize size(std::min(1600, available.width() * 94 / 100), std::min(1000, available.height() * 92 / 100));
  resize(size);
  move(available.center() - QPoint(size.width() / 2, size.height() / 2));
}

void MainWindow::connectTraining() {
  connect(training_, &TrainingController::stateChanged, this, &MainWindow::onTrainingState);
  connect(training_, &TrainingController::stepReported, charts_, &TrainingCharts::addStep);
  connect(training_, &TrainingController::monitorReported, charts_, &TrainingCharts::addMonitor);
  connect(training_, &TrainingController::stepReported, status_, &TrainingStatus::showStep);
  connect(training_, &TrainingController::stepReported, runs_,
          [this](const StepMetrics& m) { runs_->showActiveStep(m.step, m.loss); });
  connect(training_, &TrainingController::progressReported, status_, &TrainingStatus::showProgress);
  connect(training_, &TrainingController::logMessage, this, &MainWindow::onLog);
  connect(training_, &TrainingController::checkpointSaved, runs_, &RunsPanel::refresh);
  connect(training_, &TrainingController::finished, this, &MainWindow::onTrainingFinished);
  connect(evaluation_, &EvaluationController::progressReported, status_, &TrainingStatus::showProgress);
  connect(evaluation_, &EvaluationController::logMessage, this, &MainWindow::onLog);
  connect(evaluation_, &EvaluationController::finished, this, &MainWindow::onEvaluationFinished);
  // New evaluations and finished runs change what the Results dock shows.
  connect(evaluation_, &EvaluationController::finished, results_, &ResultsPanel::refresh);
  connect(training_, &TrainingController::finished, results_, &ResultsPanel::refresh);
  connect(training_, &TrainingController::finished, explore_, &ExplorePanel::refresh);
  connect(training_, &TrainingController::runStarted, this, [this](const QString& runDir) {
    followed_->stop();
    // simclr-cli's run is read from the start of its metrics by the controller's follower.
    charts_->beginLiveRun(runDir, !training_->isProcessRun());
    runs_->setActiveRun(runDir);
    status_->reset();
    latency_->start();
  });
  // A sweep: each point is shown like a run starting (its own curves, named bs-NNNN after
  // its batch size; the points before it stay overlaid), and the status bar says which.
  connect(training_, &TrainingController::metricsRestarted, this,
          [this](const QString& runDir) { charts_->beginLiveRun(runDir, /*loadExisting=*/false); });
  connect(training_, &TrainingController::sweepStarted, this, [this](const QString& sweepDir, int points) {
    followed_->stop();
    sweepStatus_ = tr("sweep %1: %2 batch sizes").arg(QFileInfo(sweepDir).fileName()).arg(points);
    statusBar()->showMessage(sweepStatus_);
    status_->reset();
    latency_->start();
  });
  connect(training_, &TrainingController::sweepPointStarted, this,
          [this](int number, int count, qint64 batchSize, const QString& runDir) {
            charts_->endLiveRun();
            charts_->beginLiveRun(runDir);
            runs_->setActiveRun(runDir, /*keepSelection=*/true);
            status_->reset();
            sweepStatus_ = tr("sweep point %1/%2: batch %3").arg(number).arg(count).arg(batchSize);
            onTrainingState();
          });
  connect(training_, &TrainingController::sweepPointDone, this, [this](qint64 batchSize, const QString& status) {
    onLog(int(status == QLatin1String("failed") ? LogLevel::Warning : LogLevel::Info),
          tr("sweep point batch %1: %2").arg(batchSize).arg(status));
    runs_->refresh();
    results_->refresh();  // sweep.csv was rewritten
  });
}

void MainWindow::connectFollowedRun() {
  connect(followed_, &FollowedRun::logMessage, this, &MainWindow::onLog);
  connect(followed_, &FollowedRun::stateChanged, this, [this](const QString& runDir, const QString& state) {
    onLog(int(LogLevel::Info), tr("%1: %2").arg(QFileInfo(runDir).fileName(), state));
    runs_->refresh();  // the run may be one of the project's
  });
  connect(runs_, &RunsPanel::followRequested, this, &MainWindow::followRun);
}

bool MainWindow::followRun(const QString& runDir) {
  if (training_->isBusy()) {
    QMessageBox::information(this, tr("Open Run"),
                             tr("The charts show the run being trained here: stop it before following another run."));
    return false;
  }
  QString error;
  if (!followed_->follow(runDir, &error)) {
    QMessageBox::warning(this, tr("Open Run"), error);
    return false;
  }
  return true;
}

bool MainWindow::openProject(const QString& file) {
  return projects_->openFile(file);
}

bool MainWindow::ensureRunnableProject() {
  if (!document_->isOpen()) {
    QMessageBox::information(this, tr("Start Training"), tr("Open or create a project first."));
    return false;
  }
  if (!document_->isValid()) {
    QMessageBox::warning(
        this, tr("Start Training"),
        tr("The project has invalid settings:\n%1").arg(QString::fromStdString(join_issues(document_->issues()))));
    return false;
  }
  // Runs are stored beside the project file, so a new project needs one.
  if (document_->filePath().isEmpty() && !projects_->saveAs()) return false;
  return true;
}

bool MainWindow::isSweepProject() const {
  // From the JSON, not config(): an invalid document has no config but still a sweep section.
  const nlohmann::json sizes = document_->value("/sweep/batch_sizes");
  return sizes.is_array() && !sizes.empty();
}

ProjectConfig MainWindow::runConfig() const {
  ProjectConfig config = document_->config();
  if (maxStepsOverride_ > 0) config.training.max_steps = maxStepsOverride_;
  return config;
}

QString MainWindow::startTraining() {
  if (training_->isBusy() || !ensureRunnableProject()) return {};
  if (processes_->value() > 1) return startInProcesses({});
  // A project with sweep.batch_sizes is a batch-size sweep: Start runs all of it.
  if (isSweepProject())
    return training_->startSweep(runConfig(), {}, {}, settings_.value(settings::DeviceOverride),
                                 settings_.value(settings::ThreadsOverride));
  return training_->start(runConfig(), {}, {}, settings_.value(settings::DeviceOverride),
                          settings_.value(settings::ThreadsOverride));
}

QString MainWindow::resumeTraining(const QString& runDir) {
  if (training_->isBusy() || !ensureRunnableProject()) return {};
  // A point of a sweep continues the whole sweep (from that point on) when the open
  // project is a sweep; otherwise the point is resumed as a plain run.
  const QString parent = QFileInfo(runDir).absolutePath();
  if (isSweepProject() && is_sweep_folder(parent.toStdString()))
    return training_->startSweep(runConfig(), parent, {}, settings_.value(settings::DeviceOverride),
                                 settings_.value(settings::ThreadsOverride));
  if (processes_->value() > 1) return startInProcesses(runDir);
  return training_->start(runConfig(), runDir, {}, settings_.value(settings::DeviceOverride),
                          settings_.value(settings::ThreadsOverride));
}

QString MainWindow::startInProcesses(const QString& resumeRunDir) {
  if (isSweepProject()) {
    QMessageBox::information(this, tr("Start Training"),
                             tr("The workbench runs a batch-size sweep in one process: set Processes to 1 to run "
                                "it here. To train every point with %1 processes, run it from a terminal:\n\n"
                                "simclr-cli sweep '%2' --nproc-per-node %1")
                                 .arg(processes_->value())
                                 .arg(document_->filePath()));
    return {};
  }
  // simclr-cli reads the project file: unsaved changes would not be trained.
  if (document_->isModified()) {
    if (!projects_->save()) return {};
    onLog(int(LogLevel::Info), tr("Saved %1: simclr-cli reads the project from its file").arg(document_->filePath()));
  }
  return training_->startProcesses(runConfig(), processes_->value(), resumeRunDir, {},
                                   settings_.value(settings::DeviceOverride),
                                   settings_.value(settings::ThreadsOverride));
}

bool MainWindow::evaluateRun(const QString& runDir) {
  if (evaluation_->isBusy()) {
    onLog(int(LogLevel::Warning), tr("An evaluation is already running."));
    return false;
  }
  onLog(int(LogLevel::Info),
        tr("Evaluating %1: kNN (k = 200) on the full training and test splits…").arg(QFileInfo(runDir).fileName()));
  evaluation_->evaluate(runDir);
  onTrainingState();
  return true;
}

void MainWindow::onEvaluationFinished(const EvaluationOutcome& outcome) {
  const QString name = QFileInfo(outcome.runDir).fileName();
  if (outcome.ok)
    onLog(int(LogLevel::Info), tr("%1 at step %2: kNN top-1 %3 %, top-5 %4 % (k = %5, %6 s); saved %7")
                                   .arg(name)
                                   .arg(outcome.step)
                                   .arg(100 * outcome.top1, 0, 'f', 2)
                                   .arg(100 * outcome.top5, 0, 'f', 2)
                                   .arg(outcome.k)
                                   .arg(outcome.seconds, 0, 'f', 1)
                                   .arg(outcome.resultFile));
  else
    onLog(int(LogLevel::Error), tr("Evaluation of %1 failed: %2").arg(name, outcome.error));
  if (!training_->isBusy()) status_->reset();
  runs_->refresh();
  onTrainingState();
}

void MainWindow::onProjectOpened() {
  charts_->showRuns({});
  updateTitle();
  onLog(
      int(LogLevel::Info),
      tr("Opened project %1").arg(document_->filePath().isEmpty() ? document_->displayName() : document_->filePath()));
}

void MainWindow::onDocumentChanged() {
  const bool open = document_->isOpen();
  if (!open) start_->refresh(settings_.value(settings::RecentProjects));
  centre_->setCurrentWidget(open ? static_cast<QWidget*>(charts_) : start_);
  const bool sweep = open && isSweepProject();
  startAction_->setText(sweep ? tr("&Start Sweep") : tr("&Start Training"));
  startAction_->setStatusTip(sweep ? tr("Run the project's batch-size sweep, one run per batch size")
                                   : tr("Train the project in a new run"));
  saveAction_->setEnabled(open);
  saveAsAction_->setEnabled(open);
  updateDevice();
  onTrainingState();
}

void MainWindow::onTrainingState() {
  const auto state = training_->state();
  const bool idle = state == TrainingController::State::Idle;
  startAction_->setEnabled(idle && document_->isOpen());
  processes_->setEnabled(idle);
  pauseAction_->setEnabled(training_->canPause() &&
                           (state == TrainingController::State::Running || state == TrainingController::State::Paused));
  pauseAction_->setChecked(state == TrainingController::State::Paused);
  pauseAction_->setText(state == TrainingController::State::Paused ? tr("&Continue") : tr("&Pause"));
  stopAction_->setEnabled(state == TrainingController::State::Running || state == TrainingController::State::Paused);
  const bool oneRun = runs_->selectedRuns().size() == 1;
  resumeAction_->setEnabled(idle && document_->isOpen() && oneRun);
  evaluateAction_->setEnabled(oneRun && !evaluation_->isBusy());
  if (state == TrainingController::State::Stopping)
    statusBar()->showMessage(tr("Stopping after the current step; saving a checkpoint…"));
  else if (state == TrainingController::State::Paused)
    statusBar()->showMessage(training_->isSweep() ? tr("Paused (%1)").arg(sweepStatus_) : tr("Paused"));
  else if (state == TrainingController::State::Running && training_->isSweep())
    statusBar()->showMessage(sweepStatus_);
  else
    statusBar()->clearMessage();
}

void MainWindow::onTrainingFinished(const TrainingOutcome& outcome) {
  latency_->stop();
  const LatencySummary lat = latency_->summary();
  if (lat.samples > 0)
    onLog(int(LogLevel::Info), tr("Interface latency during the run: median %1 ms, 99th percentile %2 ms, max %3 ms "
                                  "(%4 samples)")
                                   .arg(lat.medianMs, 0, 'f', 1)
                                   .arg(lat.p99Ms, 0, 'f', 1)
                                   .arg(lat.maxMs, 0, 'f', 1)
                                   .arg(lat.samples));
  charts_->endLiveRun();
  runs_->setActiveRun({});
  status_->reset();
  if (!outcome.runDir.isEmpty() && is_sweep_folder(outcome.runDir.toStdString())) {
    sweepStatus_.clear();
    results_->showSweepFolder(outcome.runDir);
    onLog(int(LogLevel::Info), tr("Sweep %1 %2; its table: %3")
                                   .arg(QFileInfo(outcome.runDir).fileName(), outcome.state,
                                        QDir(outcome.runDir).filePath(QStringLiteral("sweep.md"))));
  }
  if (outcome.state == QLatin1String("failed") && !closeAfterStop_)
    QMessageBox::critical(this, outcome.badInput ? tr("Cannot Train This Project") : tr("Training Failed"),
                          outcome.error);
  if (closeAfterStop_) close();
}

void MainWindow::onLog(int level, const QString& text) {
  log_->appendMessage(static_cast<widgets::LogView::Severity>(level), text);
  if (level >= int(LogLevel::Warning)) statusBar()->showMessage(text, 8000);
}

void MainWindow::updateTitle() {
  const QString name = document_->isOpen() ? document_->displayName() : tr("No project");
  setWindowTitle(
      QStringLiteral("%1%2 — SimCLR Workbench").arg(name, document_->isModified() ? QStringLiteral("*") : QString()));
  setWindowModified(document_->isModified());
}

void MainWindow::updateDevice() {
  if (!document_->isOpen() || !document_->isValid()) {
    status_->setDevice({});
    return;
  }
  try {
    TrainOptions options;
    options.device_override = settings_.value(settings::DeviceOverride).toStdString();
    options.threads_override = settings_.value(settings::ThreadsOverride);
    const ProjectConfig resolved = resolve_for_device(document_->config(), options);
    const torch::Device device = resolve_device(resolved.training.device);
    const int threads = resolved.training.threads > 0 ? int(resolved.training.threads) : QThread::idealThreadCount();
    status_->setDevice(device.is_cuda() ? QString::fromStdString(describe_device(device))
                                        : tr("CPU · %1 threads").arg(threads));
  } catch (const Error& e) {
    status_->setDevice(tr("device: %1").arg(QString::fromStdString(e.what())));
  }
}

void MainWindow::showAbout() {
  QMessageBox::about(
      this, tr("About SimCLR Workbench"),
      tr("<h3>SimCLR Workbench %1</h3>"
         "<p>Train and understand self-supervised image encoders.</p>"
         "<table><tr><td>LibTorch</td><td>%2</td></tr>"
         "<tr><td>CUDA</td><td>%3</td></tr>"
         "<tr><td>Qt</td><td>%4</td></tr></table>")
          .arg(QString::fromStdString(engine_version()), QString::fromStdString(torch_version()),
               cuda_available() ? tr("available") : tr("not available"), QString::fromLatin1(qVersion())));
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (training_->isBusy()) {
    bool stopAndClose = closeAnswer_ == 1;
    if (closeAnswer_ < 0)
      stopAndClose = QMessageBox::question(this, tr("Training in Progress"),
                                           tr("A training run is in progress. Stop it (a checkpoint is saved) "
                                              "and quit?")) == QMessageBox::Yes;
    if (stopAndClose) {
      closeAfterStop_ = true;
      training_->stop();  // onTrainingFinished closes the window once the checkpoint is saved
    }
    event->ignore();
    return;
  }
  if (!projects_->maybeSave()) {
    closeAfterStop_ = false;
    event->ignore();
    return;
  }
  settings_.setValue(settings::WindowGeometry, saveGeometry());
  settings_.setValue(settings::WindowState, saveState());
  event->accept();
}

}  // namespace simclr::gui

#include "app/gui/neighbours/neighbour_panel.h"

#include <QTabWidget>
#include <QVBoxLayout>

#include "app/gui/neighbours/neighbour_controller.h"
#include "app/gui/neighbours/positive_pair_job.h"
#include "widgets/neighbour_browser.h"
#include "widgets/positive_pair_view.h"

namespace simclr::gui {

using widgets::NeighbourBrowser;
using widgets::PositivePairView;

NeighbourPanel::NeighbourPanel(QWidget* parent)
    : QWidget(parent), controller_(new NeighbourController(this)), pairJob_(new PositivePairJob(this)) {
  browser_ = new NeighbourBrowser;
  pairView_ = new PositivePairView;
  tabs_ = new QTabWidget;
  tabs_->addTab(browser_, tr("Nearest neighbours"));
  tabs_->addTab(pairView_, tr("Positive pair"));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(tabs_);

  connect(browser_, &NeighbourBrowser::requested, controller_, &NeighbourController::request);
  connect(browser_, &NeighbourBrowser::cancelRequested, controller_, &NeighbourController::cancel);
  connect(browser_, &NeighbourBrowser::inspectRequested, this, &NeighbourPanel::inspectPositivePair);
  connect(controller_, &NeighbourController::resultReady, browser_, &NeighbourBrowser::showResult);
  connect(controller_, &NeighbourController::meanPrecisionReady, browser_, &NeighbourBrowser::setMeanPrecision);
  connect(controller_, &NeighbourController::busyChanged, browser_, &NeighbourBrowser::setBusy);
  connect(controller_, &NeighbourController::progressReported, browser_,
          [this](const JobProgress& p) { browser_->setProgress(p.step, p.total, p.stage); });
  connect(controller_, &NeighbourController::logMessage, this, &NeighbourPanel::logMessage);

  connect(pairView_, &PositivePairView::requested, pairJob_, &PositivePairJob::request);
  connect(pairView_, &PositivePairView::cancelRequested, pairJob_, &PositivePairJob::cancel);
  connect(pairView_, &PositivePairView::negativeActivated, this,
          [this](qint64 trainRow) { openQuery(QStringLiteral("train"), trainRow); });
  connect(pairJob_, &PositivePairJob::resultReady, pairView_, &PositivePairView::showResult);
  connect(pairJob_, &PositivePairJob::busyChanged, pairView_, &PositivePairView::setBusy);
  connect(pairJob_, &PositivePairJob::progressReported, pairView_,
          [this](const JobProgress& p) { pairView_->setProgress(p.step, p.total, p.stage); });
  connect(pairJob_, &PositivePairJob::logMessage, this, &NeighbourPanel::logMessage);
}

NeighbourPanel::~NeighbourPanel() {
  // Stop the jobs before the widgets their results would reach are gone.
  delete controller_;
  delete pairJob_;
}

void NeighbourPanel::setRun(const QString& runDir) {
  if (runDir == runDir_) return;
  runDir_ = runDir;
  controller_->setRun(runDir);
  pairJob_->setRun(runDir);
  browser_->clear();
  pairView_->clear();
  browser_->setBusy(false);
  pairView_->setBusy(false);
}

void NeighbourPanel::openQuery(const QString& split, qint64 row) {
  if (runDir_.isEmpty() || row < 0) return;
  tabs_->setCurrentWidget(browser_);
  browser_->openQuery(split, row);
}

void NeighbourPanel::inspectPositivePair(const QString& split, qint64 row) {
  if (runDir_.isEmpty() || row < 0) return;
  tabs_->setCurrentWidget(pairView_);
  pairView_->inspect(split, row);
}

}  // namespace simclr::gui

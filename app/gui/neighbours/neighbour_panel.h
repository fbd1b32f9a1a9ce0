#pragma once
// The "Neighbours" dock: the neighbour browser and the positive-pair inspector of one run,
// each answered by its background job (NeighbourController, PositivePairJob). The embedding
// panel opens a clicked point here; "Inspect positive pair" opens the query in the inspector
// tab, and a hardest negative clicked there becomes the browser's next query.
#include <QString>
#include <QWidget>

class QTabWidget;

namespace simclr::widgets {
class NeighbourBrowser;
class PositivePairView;
}  // namespace simclr::widgets

namespace simclr::gui {

class NeighbourController;
class PositivePairJob;

class NeighbourPanel : public QWidget {
  Q_OBJECT
 public:
  explicit NeighbourPanel(QWidget* parent = nullptr);
  ~NeighbourPanel() override;

  // Another run clears the history, the results and the loaded features.
  void setRun(const QString& runDir);
  QString runDir() const { return runDir_; }
  // Row `row` of `split` ("train" or "test") becomes the browser's query.
  void openQuery(const QString& split, qint64 row);
  void inspectPositivePair(const QString& split, qint64 row);

  widgets::NeighbourBrowser* browser() const { return browser_; }
  widgets::PositivePairView* pairView() const { return pairView_; }
  NeighbourController* controller() const { return controller_; }
  PositivePairJob* pairJob() const { return pairJob_; }
  QTabWidget* tabs() const { return tabs_; }

 Q_SIGNALS:
  void logMessage(int level, const QString& text);

 private:
  QString runDir_;
  QTabWidget* tabs_;
  widgets::NeighbourBrowser* browser_;
  widgets::PositivePairView* pairView_;
  NeighbourController* controller_;
  PositivePairJob* pairJob_;
};

}  // namespace simclr::gui

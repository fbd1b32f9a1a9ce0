#pragma once
// The Results dock: the paper's accuracy figures for what this project has produced.
//  - "Representations (Figure 10)": the selected run's MLP accuracies on raw pixels, h, PCA
//    and t-SNE next to the paper's (<run>/evaluation/figure10-step-*.csv, the newest).
//  - "Batch-size sweep (Figure 11)": a sweep folder's kNN and linear top-1 against batch
//    size (<runs>/<sweep>/sweep.csv) with its table; without a sweep, the project's runs'
//    kNN by batch size.
//  - "ViT comparison (Figure 12)": every run's best accuracy (fine-tune, else full kNN,
//    else the kNN monitor), ViT encoders labelled by heads/layers next to ResNets.
// The files are a few KB, so they are read on the GUI thread when the run, the runs folder
// or Refresh asks.
#include <QString>
#include <QWidget>

class QComboBox;
class QLabel;
class QTabWidget;
class QTableWidget;

namespace simclr::widgets {
class AccuracyBarChart;
class SweepChart;
}  // namespace simclr::widgets

namespace simclr::gui {

class ResultsPanel : public QWidget {
  Q_OBJECT
 public:
  enum Tab { Figure10Tab, SweepTab, VitTab };

  explicit ResultsPanel(QWidget* parent = nullptr);

  void setRunsRoot(const QString& root);  // empty: no project
  QString runsRoot() const { return root_; }
  void setRun(const QString& runDir);  // the run Figure 10 shows; empty: none
  QString runDir() const { return runDir_; }
  // Reads every file again.
  void refresh();
  // Reads the files again and shows this sweep folder in the sweep tab (a sweep just run);
  // false when the folder holds no sweep.csv under the runs folder.
  bool showSweepFolder(const QString& sweepDir);

  // Writes the current tab's chart: .png, .svg, .pdf, or .csv for its numbers.
  bool exportCurrentChart(const QString& file, QString* error = nullptr);

  QTabWidget* tabs() const { return tabs_; }
  widgets::AccuracyBarChart* figure10Chart() const { return figure10Chart_; }
  QLabel* figure10Label() const { return figure10Label_; }
  QComboBox* sweepBox() const { return sweepBox_; }
  widgets::SweepChart* sweepChart() const { return sweepChart_; }
  QLabel* sweepLabel() const { return sweepLabel_; }
  QTableWidget* sweepTable() const { return sweepTable_; }
  widgets::AccuracyBarChart* vitChart() const { return vitChart_; }
  QLabel* vitLabel() const { return vitLabel_; }

 private:
  void refreshFigure10();
  void refreshSweeps();
  void showSweep(int index);
  void showRunsByBatchSize();
  void refreshVit();
  void exportWithDialog();

  QString root_;
  QString runDir_;
  QTabWidget* tabs_ = nullptr;
  widgets::AccuracyBarChart* figure10Chart_ = nullptr;
  QLabel* figure10Label_ = nullptr;
  QComboBox* sweepBox_ = nullptr;
  widgets::SweepChart* sweepChart_ = nullptr;
  QLabel* sweepLabel_ = nullptr;
  QTableWidget* sweepTable_ = nullptr;
  widgets::AccuracyBarChart* vitChart_ = nullptr;
  QLabel* vitLabel_ = nullptr;
};

}  // namespace simclr::gui

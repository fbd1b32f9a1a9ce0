#pragma once

#include <QString>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QSlider;
class QToolButton;

namespace simclr::widgets {

class MetricChart;

// A MetricChart under a one-line toolbar: smoothing slider with its value, log-scale check
// box, Step/Epoch axis choice, reset-view and export buttons. The controls follow the chart
// (changing the chart through its API updates them) and have object names so tests and
// style sheets can find them:
//   "smoothingSlider" (0..99 = weight 0.00..0.99), "smoothingLabel", "logScaleCheck",
//   "xAxisCombo" (item 0 Step, 1 Epoch), "resetViewButton", "exportButton".
class ChartPanel : public QWidget {
  Q_OBJECT

 public:
  explicit ChartPanel(QWidget* parent = nullptr);

  MetricChart* chart() const { return chart_; }

  // What the export button does once a file is chosen: PNG/SVG/PDF image or CSV data, by
  // the file's extension. No dialog, so tests and scripts can call it.
  bool exportTo(const QString& file, QString* error = nullptr);

 Q_SIGNALS:
  void exported(const QString& file);

 private:
  void syncControls();
  void chooseExportFile();

  MetricChart* chart_ = nullptr;
  QSlider* smoothing_ = nullptr;
  QLabel* smoothingValue_ = nullptr;
  QCheckBox* logScale_ = nullptr;
  QComboBox* xAxis_ = nullptr;
  QToolButton* reset_ = nullptr;
  QToolButton* export_ = nullptr;
  QString lastExportDir_;
};

}  // namespace simclr::widgets

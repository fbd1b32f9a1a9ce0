#include "widgets/chart_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>
#include <QSignalBlocker>
#include <QSlider>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "widgets/metric_chart.h"

namespace simclr::widgets {
namespace {
// The slider works in hundredths; 0.99 is the strongest smoothing worth offering.
constexpr int kSliderScale = 100;
constexpr int kSliderMax = 99;

QString weightText(double weight) {
  return QString::number(weight, 'f', 2);
}
}  // namespace

ChartPanel::ChartPanel(QWidget* parent) : QWidget(parent) {
  chart_ = new MetricChart(this);

  auto* smoothingCaption = new QLabel(tr("Smoothing"), this);
  smoothing_ = new QSlider(Qt::Horizontal, this);
  smoothing_->setObjectName(QStringLiteral("smoothingSlider"));
  smoothing_->setRange(0, kSliderMax);
  smoothing_->setSingleStep(1);
  smoothing_->setPageStep(10);
  smoothing_->setMinimumWidth(60);
  smoothing_->setMaximumWidth(160);
  smoothing_->setToolTip(tr("Exponential moving average weight (0 = raw values)"));
  smoothingCaption->setBuddy(smoothing_);
  smoothingValue_ = new QLabel(this);
  smoothingValue_->setObjectName(QStringLiteral("smoothingLabel"));
  // Fixed width so the toolbar doesn't jitter while the slider moves.
  smoothingValue_->setMinimumWidth(smoothingValue_->fontMetrics().horizontalAdvance(QStringLiteral("0.00")) + 4);

  logScale_ = new QCheckBox(tr("Log scale"), this);
  logScale_->setObjectName(QStringLiteral("logScaleCheck"));

  auto* axisCaption = new QLabel(tr("X axis"), this);
  xAxis_ = new QComboBox(this);
  xAxis_->setObjectName(QStringLiteral("xAxisCombo"));
  xAxis_->addItem(tr("Step"), QVariant::fromValue(MetricChart::XAxis::Step));
  xAxis_->addItem(tr("Epoch"), QVariant::fromValue(MetricChart::XAxis::Epoch));
  axisCaption->setBuddy(xAxis_);

  reset_ = new QToolButton(this);
  reset_->setObjectName(QStringLiteral("resetViewButton"));
  reset_->setText(tr("Reset view"));
  reset_->setToolTip(tr("Show all data and follow new points (also: double-click the chart)"));
  export_ = new QToolButton(this);
  export_->setObjectName(QStringLiteral("exportButton"));
  export_->setText(tr("Export…"));
  export_->setToolTip(tr("Save the chart as PNG, SVG or PDF, or its data as CSV"));

  // A tool bar, not a row of widgets: what does not fit a narrow chart moves into its »
  // overflow menu instead of being crushed.
  auto* toolbar = new QToolBar(this);
  toolbar->setObjectName(QStringLiteral("chartToolBar"));
  toolbar->setIconSize(QSize(16, 16));
  toolbar->setContentsMargins(2, 0, 2, 0);
  toolbar->addWidget(smoothingCaption);
  toolbar->addWidget(smoothing_);
  toolbar->addWidget(smoothingValue_);
  toolbar->addSeparator();
  toolbar->addWidget(logScale_);
  toolbar->addSeparator();
  toolbar->addWidget(axisCaption);
  toolbar->addWidget(xAxis_);
  auto* spacer = new QWidget(toolbar);
  spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
  toolbar->addWidget(spacer);
  toolbar->addWidget(reset_);
  toolbar->addWidget(export_);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(0);
  layout->addWidget(toolbar);
  layout->addWidget(chart_, 1);

  connect(smoothing_, &QSlider::valueChanged, this,
          [this](int value) { chart_->setSmoothing(value / double(kSliderScale)); });
  connect(logScale_, &QCheckBox::toggled, chart_, &MetricChart::setLogScale);
  connect(xAxis_, qOverload<int>(&QComboBox::currentIndexChanged), this,
          [this](int) { chart_->setXAxis(xAxis_->currentData().value<MetricChart::XAxis>()); });
  connect(reset_, &QToolButton::clicked, chart_, &MetricChart::resetView);
  connect(export_, &QToolButton::clicked, this, &ChartPanel::chooseExportFile);

  // The chart is the single source of truth; the controls mirror it.
  connect(chart_, &MetricChart::smoothingChanged, this, &ChartPanel::syncControls);
  connect(chart_, &MetricChart::logScaleChanged, this, &ChartPanel::syncControls);
  connect(chart_, &MetricChart::xAxisChanged, this, &ChartPanel::syncControls);
  syncControls();
}

void ChartPanel::syncControls() {
  const QSignalBlocker blockSlider(smoothing_);
  const QSignalBlocker blockCheck(logScale_);
  const QSignalBlocker blockCombo(xAxis_);
  const double weight = chart_->smoothing();
  smoothing_->setValue(int(std::lround(weight * kSliderScale)));
  smoothingValue_->setText(weightText(weight));
  logScale_->setChecked(chart_->logScale());
  xAxis_->setCurrentIndex(chart_->xAxis() == MetricChart::XAxis::Step ? 0 : 1);
}

bool ChartPanel::exportTo(const QString& file, QString* error) {
  const bool csv = QFileInfo(file).suffix().compare(QLatin1String("csv"), Qt::CaseInsensitive) == 0;
  const bool ok = csv ? chart_->exportCsv(file, error) : chart_->exportImage(file, error);
  if (ok) Q_EMIT exported(file);
  return ok;
}

void ChartPanel::chooseExportFile() {
  const QStringList filters = {tr("PNG image (*.png)"), tr("SVG image (*.svg)"), tr("PDF document (*.pdf)"),
                               tr("CSV data (*.csv)")};
  static const char* const suffixes[] = {"png", "svg", "pdf", "csv"};
  QString selected = filters.first();
  const QString start =
      QDir(lastExportDir_.isEmpty() ? QDir::homePath() : lastExportDir_).filePath(QStringLiteral("chart.png"));
  QString file =
      QFileDialog::getSaveFileName(this, tr("Export Chart"), start, filters.join(QStringLiteral(";;")), &selected);
  if (file.isEmpty()) return;
  // Some platform dialogs return the name as typed: add the chosen filter's extension.
  if (QFileInfo(file).suffix().isEmpty()) {
    const int index = std::max(0, int(filters.indexOf(selected)));
    file += QLatin1Char('.') + QLatin1String(suffixes[index]);
  }
  lastExportDir_ = QFileInfo(file).absolutePath();
  QString error;
  if (!exportTo(file, &error)) QMessageBox::warning(this, tr("Export Failed"), error);
}

}  // namespace simclr::widgets

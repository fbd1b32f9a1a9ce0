#include "widgets/chart_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QSignalBlocker>
#include <QSlider>
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
  m_chart = new MetricChart(this);

  auto* smoothingCaption = new QLabel(tr("Smoothing"), this);
  m_smoothing = new QSlider(Qt::Horizontal, this);
  m_smoothing->setObjectName(QStringLiteral("smoothingSlider"));
  m_smoothing->setRange(0, kSliderMax);
  m_smoothing->setSingleStep(1);
  m_smoothing->setPageStep(10);
  m_smoothing->setMinimumWidth(100);
  m_smoothing->setMaximumWidth(180);
  m_smoothing->setToolTip(tr("Exponential moving average weight (0 = raw values)"));
  smoothingCaption->setBuddy(m_smoothing);
  m_smoothingValue = new QLabel(this);
  m_smoothingValue->setObjectName(QStringLiteral("smoothingLabel"));
  // Fixed width so the toolbar doesn't jitter while the slider moves.
  m_smoothingValue->setMinimumWidth(m_smoothingValue->fontMetrics().horizontalAdvance(QStringLiteral("0.00")) + 4);

  m_logScale = new QCheckBox(tr("Log scale"), this);
  m_logScale->setObjectName(QStringLiteral("logScaleCheck"));

  auto* axisCaption = new QLabel(tr("X axis"), this);
  m_xAxis = new QComboBox(this);
  m_xAxis->setObjectName(QStringLiteral("xAxisCombo"));
  m_xAxis->addItem(tr("Step"), QVariant::fromValue(MetricChart::XAxis::Step));
  m_xAxis->addItem(tr("Epoch"), QVariant::fromValue(MetricChart::XAxis::Epoch));
  axisCaption->setBuddy(m_xAxis);

  m_reset = new QToolButton(this);
  m_reset->setObjectName(QStringLiteral("resetViewButton"));
  m_reset->setText(tr("Reset view"));
  m_reset->setToolTip(tr("Show all data and follow new points (also: double-click the chart)"));
  m_export = new QToolButton(this);
  m_export->setObjectName(QStringLiteral("exportButton"));
  m_export->setText(tr("Export…"));
  m_export->setToolTip(tr("Save the chart as PNG, SVG or PDF, or its data as CSV"));

  auto* toolbar = new QHBoxLayout;
  toolbar->setContentsMargins(6, 4, 6, 0);
  toolbar->setSpacing(6);
  toolbar->addWidget(smoothingCaption);
  toolbar->addWidget(m_smoothing);
  toolbar->addWidget(m_smoothingValue);
  toolbar->addSpacing(12);
  toolbar->addWidget(m_logScale);
  toolbar->addSpacing(12);
  toolbar->addWidget(axisCaption);
  toolbar->addWidget(m_xAxis);
  toolbar->addStretch(1);
  toolbar->addWidget(m_reset);
  toolbar->addWidget(m_export);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(2);
  layout->addLayout(toolbar);
  layout->addWidget(m_chart, 1);

  connect(m_smoothing, &QSlider::valueChanged, this,
          [this](int value) { m_chart->setSmoothing(value / double(kSliderScale)); });
  connect(m_logScale, &QCheckBox::toggled, m_chart, &MetricChart::setLogScale);
  connect(m_xAxis, qOverload<int>(&QComboBox::currentIndexChanged), this,
          [this](int) { m_chart->setXAxis(m_xAxis->currentData().value<MetricChart::XAxis>()); });
  connect(m_reset, &QToolButton::clicked, m_chart, &MetricChart::resetView);
  connect(m_export, &QToolButton::clicked, this, &ChartPanel::chooseExportFile);

  // The chart is the single source of truth; the controls mirror it.
  connect(m_chart, &MetricChart::smoothingChanged, this, &ChartPanel::syncControls);
  connect(m_chart, &MetricChart::logScaleChanged, this, &ChartPanel::syncControls);
  connect(m_chart, &MetricChart::xAxisChanged, this, &ChartPanel::syncControls);
  syncControls();
}

void ChartPanel::syncControls() {
  const QSignalBlocker blockSlider(m_smoothing);
  const QSignalBlocker blockCheck(m_logScale);
  const QSignalBlocker blockCombo(m_xAxis);
  const double weight = m_chart->smoothing();
  m_smoothing->setValue(int(std::lround(weight * kSliderScale)));
  m_smoothingValue->setText(weightText(weight));
  m_logScale->setChecked(m_chart->logScale());
  m_xAxis->setCurrentIndex(m_chart->xAxis() == MetricChart::XAxis::Step ? 0 : 1);
}

bool ChartPanel::exportTo(const QString& file, QString* error) {
  const bool csv = QFileInfo(file).suffix().compare(QLatin1String("csv"), Qt::CaseInsensitive) == 0;
  const bool ok = csv ? m_chart->exportCsv(file, error) : m_chart->exportImage(file, error);
  if (ok) Q_EMIT exported(file);
  return ok;
}

void ChartPanel::chooseExportFile() {
  const QStringList filters = {tr("PNG image (*.png)"), tr("SVG image (*.svg)"), tr("PDF document (*.pdf)"),
                               tr("CSV data (*.csv)")};
  static const char* const suffixes[] = {"png", "svg", "pdf", "csv"};
  QString selected = filters.first();
  const QString start =
      QDir(m_lastExportDir.isEmpty() ? QDir::homePath() : m_lastExportDir).filePath(QStringLiteral("chart.png"));
  QString file =
      QFileDialog::getSaveFileName(this, tr("Export Chart"), start, filters.join(QStringLiteral(";;")), &selected);
  if (file.isEmpty()) return;
  // Some platform dialogs return the name as typed: add the chosen filter's extension.
  if (QFileInfo(file).suffix().isEmpty()) {
    const int index = std::max(0, int(filters.indexOf(selected)));
    file += QLatin1Char('.') + QLatin1String(suffixes[index]);
  }
  m_lastExportDir = QFileInfo(file).absolutePath();
  QString error;
  if (!exportTo(file, &error)) QMessageBox::warning(this, tr("Export Failed"), error);
}

}  // namespace simclr::widgets

#include "widgets/accuracy_bar_chart.h"

#include <QEvent>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "widgets/chart_style.h"
#include "widgets/plot_export.h"
#include "widgets/qcustomplot_include.h"

namespace simclr::widgets {
namespace {

constexpr double kGroupWidth = 0.8;   // of the unit distance between categories
constexpr double kMaxBarSlot = 0.45;  // one or two series: bars no wider than this
constexpr double kBarFill = 0.9;      // of a bar's slot: a small gap between neighbours
constexpr double kLabelPadPx = 3.0;   // hover: bars shorter than this still get their tooltip

QString formatPercent(double v) {
  return QString::number(v, 'f', 1);
}

}  // namespace

AccuracyBarChart::AccuracyBarChart(QWidget* parent) : QWidget(parent) {
  m_plot = makeTitledPlot(this, QStringLiteral("accuracyPlot"), &m_titleElement);

  m_plot->xAxis->grid()->setVisible(false);
  m_plot->xAxis->setTickLength(0, 0);
  m_plot->xAxis->setSubTicks(false);
  m_plot->yAxis->setRange(0, 100);

  connect(m_plot, &QCustomPlot::mouseMove, this, &AccuracyBarChart::onPlotMouseMove);
  m_plot->installEventFilter(this);
  setValueLabel(tr("Top-1 accuracy (%)"));
  rebuild();
}

AccuracyBarChart::~AccuracyBarChart() {
  m_plot->removeEventFilter(this);
  disconnect(m_plot, nullptr, this, nullptr);
}

void AccuracyBarChart::setData(const QStringList& categories, const QVector<AccuracySeries>& series) {
  m_categories = categories;
  m_series = series;
  for (int i = 0; i < m_series.size(); ++i) {
    AccuracySeries& s = m_series[i];
    if (!s.color.isValid()) s.color = chartPaletteColor(i);
    s.values.resize(m_categories.size(), std::nan(""));  // pads with NaN, drops extras
    for (int c = 0; c < s.values.size(); ++c)
      if (!std::isfinite(s.values[c])) s.values[c] = std::nan("");
  }
  rebuild();
}

void AccuracyBarChart::clear() {
  setData({}, {});
}

void AccuracyBarChart::setTitle(const QString& title) {
  m_title = title;
  setTitleText(m_titleElement, title);
  m_plot->replot();
}

void AccuracyBarChart::setValueLabel(const QString& label) {
  m_valueLabel = label;
  m_plot->yAxis->setLabel(label);
  m_plot->replot();
}

void AccuracyBarChart::setAutoRange(bool on) {
  m_autoRange = on;
  updateRange();
  m_plot->replot();
}

QCPBars* AccuracyBarChart::bars(int seriesIndex) const {
  return seriesIndex >= 0 && seriesIndex < m_bars.size() ? m_bars[seriesIndex] : nullptr;
}

double AccuracyBarChart::barWidth() const {
  const double n = double(std::max<qsizetype>(1, m_series.size()));
  return std::min(kGroupWidth / n, kMaxBarSlot);
}

double AccuracyBarChart::barKey(int seriesIndex, int category) const {
  const double n = double(std::max<qsizetype>(1, m_series.size()));
  return category + (seriesIndex - (n - 1) / 2.0) * barWidth();
}

void AccuracyBarChart::rebuild() {
  m_plot->clearPlottables();
  for (QCPItemText* label : std::as_const(m_labels)) m_plot->removeItem(label);
  m_bars.clear();
  m_labels.clear();

  QFont labelFont = font();
  labelFont.setPointSizeF(labelFont.pointSizeF() * 0.85);
  for (int s = 0; s < m_series.size(); ++s) {
    const AccuracySeries& series = m_series[s];
    auto* bars = new QCPBars(m_plot->xAxis, m_plot->yAxis);
    bars->setName(series.name);
    bars->setWidthType(QCPBars::wtPlotCoords);
    bars->setWidth(barWidth() * kBarFill);
    bars->setPen(QPen(series.color.darker(115), 1));
    bars->setBrush(series.color);
    bars->setSelectable(QCP::stNone);
    for (int c = 0; c < m_categories.size(); ++c) {
      const double v = series.values[c];
      if (std::isnan(v)) continue;  // no number from this source: no bar, no label
      const double key = barKey(s, c);
      bars->addData(key, v);
      auto* label = new QCPItemText(m_plot);
      label->setClipToAxisRect(false);
      label->position->setType(QCPItemPosition::ptPlotCoords);
      label->position->setCoords(key, v);
      label->setPositionAlignment(Qt::AlignBottom | Qt::AlignHCenter);
      label->setPadding(QMargins(0, 0, 0, 2));
      label->setFont(labelFont);
      label->setColor(chartTextColor());
      label->setText(formatPercent(v));
      m_labels << label;
    }
    m_bars << bars;
  }

  auto ticker = QSharedPointer<QCPAxisTickerText>::create();
  for (int c = 0; c < m_categories.size(); ++c) ticker->addTick(c, wrapTickLabel(m_categories[c]));
  m_plot->xAxis->setTicker(ticker);
  m_plot->xAxis->setRange(-0.6, std::max<qsizetype>(1, m_categories.size()) - 0.4);
  m_plot->legend->setVisible(!m_series.isEmpty());
  updateRange();
  m_plot->replot();
}

void AccuracyBarChart::updateRange() {
  double top = 0;
  for (const AccuracySeries& s : std::as_const(m_series))
    for (double v : s.values)
      if (!std::isnan(v)) top = std::max(top, v);
  double upper = 100;
  if (m_autoRange)
    upper = top > 0 ? top * 1.15 : 10;  // room for the value labels above the tallest bar
  else if (top > 92)
    upper = std::max(108.0, top * 1.08);
  m_plot->yAxis->setRange(0, upper);
}

bool AccuracyBarChart::savePng(const QString& file, int width, int height, double scale, QString* error) {
  return exportPlot(m_plot, file, QSize(width, height), scale, m_title, error);
}

bool AccuracyBarChart::saveSvg(const QString& file, int width, int height, QString* error) {
  return exportPlot(m_plot, file, QSize(width, height), 1.0, m_title, error);
}

bool AccuracyBarChart::savePdf(const QString& file, int width, int height, QString* error) {
  return exportPlot(m_plot, file, QSize(width, height), 1.0, m_title, error);
}

bool AccuracyBarChart::saveImage(const QString& file, QSize size, QString* error) {
  return exportPlot(m_plot, file, size, 1.0, m_title, error);
}

QString AccuracyBarChart::toCsv() const {
  QString csv = QStringLiteral("category");
  for (const AccuracySeries& s : m_series) csv += QLatin1Char(',') + csvField(s.name);
  csv += QLatin1Char('\n');
  for (int c = 0; c < m_categories.size(); ++c) {
    csv += csvField(m_categories[c]);
    for (const AccuracySeries& s : m_series) csv += QLatin1Char(',') + csvNumber(s.values[c]);
    csv += QLatin1Char('\n');
  }
  return csv;
}

bool AccuracyBarChart::eventFilter(QObject* watched, QEvent* event) {
  if (watched == m_plot && event->type() == QEvent::Leave && m_tooltipShown) {
    m_tooltipShown = false;
    QToolTip::hideText();
  }
  return QWidget::eventFilter(watched, event);
}

void AccuracyBarChart::onPlotMouseMove(QMouseEvent* event) {
  const QPointF pos = event->position();
  const QCPAxis* x = m_plot->xAxis;
  const QCPAxis* y = m_plot->yAxis;
  for (int s = 0; s < m_series.size(); ++s) {
    for (int c = 0; c < m_categories.size(); ++c) {
      const double v = m_series[s].values[c];
      if (std::isnan(v)) continue;
      const double key = barKey(s, c);
      const double half = barWidth() * kBarFill / 2;
      const double left = x->coordToPixel(key - half), right = x->coordToPixel(key + half);
      const double base = y->coordToPixel(0), top = y->coordToPixel(v);
      const QRectF rect =
          QRectF(QPointF(left, std::min(base, top) - kLabelPadPx), QPointF(right, std::max(base, top))).normalized();
      if (!rect.contains(pos)) continue;
      QToolTip::showText(
          event->globalPosition().toPoint(),
          QStringLiteral("<b>%1</b><br>%2: %3 %")
              .arg(m_series[s].name.toHtmlEscaped(), m_categories[c].toHtmlEscaped(), QString::number(v, 'f', 2)),
          m_plot);
      m_tooltipShown = true;
      return;
    }
  }
  if (m_tooltipShown) {
    m_tooltipShown = false;
    QToolTip::hideText();
  }
}

}  // namespace simclr::widgets

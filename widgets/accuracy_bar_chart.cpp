#include "widgets/accuracy_bar_chart.h"

#include <QEvent>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "widgets/chart_style.h"
#include "widgets/csv_writer.h"
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
  plot_ = makeTitledPlot(this, QStringLiteral("accuracyPlot"), &titleElement_);

  plot_->xAxis->grid()->setVisible(false);
  plot_->xAxis->setTickLength(0, 0);
  plot_->xAxis->setSubTicks(false);
  plot_->yAxis->setRange(0, 100);

  connect(plot_, &QCustomPlot::mouseMove, this, &AccuracyBarChart::onPlotMouseMove);
  plot_->installEventFilter(this);
  setValueLabel(tr("Top-1 accuracy (%)"));
  rebuild();
}

AccuracyBarChart::~AccuracyBarChart() {
  plot_->removeEventFilter(this);
  disconnect(plot_, nullptr, this, nullptr);
}

void AccuracyBarChart::setData(const QStringList& categories, const QVector<AccuracySeries>& series) {
  categories_ = categories;
  series_ = series;
  for (int i = 0; i < series_.size(); ++i) {
    AccuracySeries& s = series_[i];
    if (!s.color.isValid()) s.color = chartPaletteColor(i);
    s.values.resize(categories_.size(), std::nan(""));  // pads with NaN, drops extras
    for (int c = 0; c < s.values.size(); ++c)
      if (!std::isfinite(s.values[c])) s.values[c] = std::nan("");
  }
  rebuild();
}

void AccuracyBarChart::clear() {
  setData({}, {});
}

void AccuracyBarChart::setTitle(const QString& title) {
  title_ = title;
  setTitleText(titleElement_, title);
  plot_->replot();
}

void AccuracyBarChart::setValueLabel(const QString& label) {
  valueLabel_ = label;
  plot_->yAxis->setLabel(label);
  plot_->replot();
}

void AccuracyBarChart::setAutoRange(bool on) {
  autoRange_ = on;
  updateRange();
  plot_->replot();
}

QCPBars* AccuracyBarChart::bars(int seriesIndex) const {
  return seriesIndex >= 0 && seriesIndex < bars_.size() ? bars_[seriesIndex] : nullptr;
}

double AccuracyBarChart::barWidth() const {
  const double n = double(std::max<qsizetype>(1, series_.size()));
  return std::min(kGroupWidth / n, kMaxBarSlot);
}

double AccuracyBarChart::barKey(int seriesIndex, int category) const {
  const double n = double(std::max<qsizetype>(1, series_.size()));
  return category + (seriesIndex - (n - 1) / 2.0) * barWidth();
}

void AccuracyBarChart::rebuild() {
  plot_->clearPlottables();
  for (QCPItemText* label : std::as_const(labels_)) plot_->removeItem(label);
  bars_.clear();
  labels_.clear();

  QFont labelFont = font();
  labelFont.setPointSizeF(labelFont.pointSizeF() * 0.85);
  for (int s = 0; s < series_.size(); ++s) {
    const AccuracySeries& series = series_[s];
    auto* bars = new QCPBars(plot_->xAxis, plot_->yAxis);
    bars->setName(series.name);
    bars->setWidthType(QCPBars::wtPlotCoords);
    bars->setWidth(barWidth() * kBarFill);
    bars->setPen(QPen(series.color.darker(115), 1));
    bars->setBrush(series.color);
    bars->setSelectable(QCP::stNone);
    for (int c = 0; c < categories_.size(); ++c) {
      const double v = series.values[c];
      if (std::isnan(v)) continue;  // no number from this source: no bar, no label
      const double key = barKey(s, c);
      bars->addData(key, v);
      auto* label = new QCPItemText(plot_);
      label->setClipToAxisRect(false);
      label->position->setType(QCPItemPosition::ptPlotCoords);
      label->position->setCoords(key, v);
      label->setPositionAlignment(Qt::AlignBottom | Qt::AlignHCenter);
      label->setPadding(QMargins(0, 0, 0, 2));
      label->setFont(labelFont);
      label->setColor(chartTextColor());
      label->setText(formatPercent(v));
      labels_ << label;
    }
    bars_ << bars;
  }

  auto ticker = QSharedPointer<QCPAxisTickerText>::create();
  for (int c = 0; c < categories_.size(); ++c) ticker->addTick(c, wrapTickLabel(categories_[c]));
  plot_->xAxis->setTicker(ticker);
  plot_->xAxis->setRange(-0.6, std::max<qsizetype>(1, categories_.size()) - 0.4);
  plot_->legend->setVisible(!series_.isEmpty());
  updateRange();
  plot_->replot();
}

void AccuracyBarChart::updateRange() {
  double top = 0;
  for (const AccuracySeries& s : std::as_const(series_))
    for (double v : s.values)
      if (!std::isnan(v)) top = std::max(top, v);
  double upper = 100;
  if (autoRange_)
    upper = top > 0 ? top * 1.15 : 10;  // room for the value labels above the tallest bar
  else if (top > 92)
    upper = std::max(108.0, top * 1.08);
  plot_->yAxis->setRange(0, upper);
}

bool AccuracyBarChart::savePng(const QString& file, int width, int height, double scale, QString* error) {
  return exportPlot(plot_, file, QSize(width, height), scale, title_, error);
}

bool AccuracyBarChart::saveSvg(const QString& file, int width, int height, QString* error) {
  return exportPlot(plot_, file, QSize(width, height), 1.0, title_, error);
}

bool AccuracyBarChart::savePdf(const QString& file, int width, int height, QString* error) {
  return exportPlot(plot_, file, QSize(width, height), 1.0, title_, error);
}

bool AccuracyBarChart::saveImage(const QString& file, QSize size, QString* error) {
  return exportPlot(plot_, file, size, 1.0, title_, error);
}

QString AccuracyBarChart::toCsv() const {
  CsvWriter csv;
  csv.field(QStringLiteral("category"));
  for (const AccuracySeries& s : series_) csv.field(s.name);
  csv.endRecord();
  for (int c = 0; c < categories_.size(); ++c) {
    csv.field(categories_[c]);
    for (const AccuracySeries& s : series_) csv.number(s.values[c]);
    csv.endRecord();
  }
  return csv.text();
}

bool AccuracyBarChart::eventFilter(QObject* watched, QEvent* event) {
  if (watched == plot_ && event->type() == QEvent::Leave && tooltipShown_) {
    tooltipShown_ = false;
    QToolTip::hideText();
  }
  return QWidget::eventFilter(watched, event);
}

void AccuracyBarChart::onPlotMouseMove(QMouseEvent* event) {
  const QPointF pos = event->position();
  const QCPAxis* x = plot_->xAxis;
  const QCPAxis* y = plot_->yAxis;
  for (int s = 0; s < series_.size(); ++s) {
    for (int c = 0; c < categories_.size(); ++c) {
      const double v = series_[s].values[c];
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
              .arg(series_[s].name.toHtmlEscaped(), categories_[c].toHtmlEscaped(), QString::number(v, 'f', 2)),
          plot_);
      tooltipShown_ = true;
      return;
    }
  }
  if (tooltipShown_) {
    tooltipShown_ = false;
    QToolTip::hideText();
  }
}

}  // namespace simclr::widgets

#include "widgets/chart_style.h"

#include <QVBoxLayout>

#include <cmath>

#include "widgets/metric_chart_series.h"
#include "widgets/qcustomplot_include.h"

namespace simclr::widgets {
namespace {

// `amount` of the way from a to b.
QColor mix(const QColor& a, const QColor& b, double amount) {
  return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * amount),
                          float(a.greenF() + (b.greenF() - a.greenF()) * amount),
                          float(a.blueF() + (b.blueF() - a.blueF()) * amount));
}

void applyChartColors(QCustomPlot* plot) {
  const ChartColors c = chartColors(plot->palette());
  plot->setBackground(c.background);
  for (QCPAxis* axis : {plot->xAxis, plot->yAxis}) {
    axis->setBasePen(QPen(c.axis));
    axis->setTickPen(QPen(c.axis));
    axis->setSubTickPen(QPen(c.axis));
    axis->setTickLabelColor(c.text);
    axis->setLabelColor(c.text);
    axis->grid()->setPen(QPen(c.grid, 0, Qt::SolidLine));
  }
  for (QCPAxis* frame : {plot->xAxis2, plot->yAxis2}) frame->setBasePen(QPen(c.grid));
  plot->legend->setTextColor(c.text);
  for (int i = 0; i < plot->legend->itemCount(); ++i)
    if (auto* item = qobject_cast<QCPPlottableLegendItem*>(plot->legend->item(i))) item->setTextColor(c.text);
  if (plot->legend->brush().style() != Qt::NoBrush) plot->legend->setBrush(c.legendFill);
  if (plot->legend->borderPen().style() != Qt::NoPen) plot->legend->setBorderPen(QPen(c.grid));
  for (int i = 0; i < plot->plotLayout()->elementCount(); ++i)
    if (auto* text = qobject_cast<QCPTextElement*>(plot->plotLayout()->elementAt(i))) text->setTextColor(c.text);
}

// Recolours a plot when the application's (or its own) palette changes.
class PaletteFollower : public QObject {
 public:
  PaletteFollower(QCustomPlot* plot, std::function<void(const ChartColors&)> extra)
      : QObject(plot), plot_(plot), extra_(std::move(extra)) {}
  void apply() {
    applyChartColors(plot_);
    if (extra_) extra_(chartColors(plot_->palette()));
  }

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override {
    const auto type = event->type();
    if (watched == plot_ && (type == QEvent::PaletteChange || type == QEvent::ApplicationPaletteChange)) {
      apply();
      plot_->replot(QCustomPlot::rpQueuedReplot);
    }
    return false;
  }

 private:
  QCustomPlot* plot_;
  std::function<void(const ChartColors&)> extra_;
};

}  // namespace

QColor chartPaletteColor(int index) {
  return seriesPaletteColor(index);
}

ChartColors chartColors(const QPalette& palette) {
  const QColor base = palette.color(QPalette::Base), text = palette.color(QPalette::Text);
  // On the light palette: #333 text, #8a8a8a axes, #e6e6e6 grid on white.
  ChartColors c{base, mix(text, base, 0.2), mix(text, base, 0.46), mix(text, base, 0.9), base};
  c.legendFill.setAlpha(215);
  return c;
}

QColor chartTextColor() {
  return chartColors(QPalette()).text;  // the application palette
}

void followPalette(QCustomPlot* plot, std::function<void(const ChartColors&)> extra) {
  auto* follower = new PaletteFollower(plot, std::move(extra));
  plot->installEventFilter(follower);
  follower->apply();
}

void styleChartAxes(QCustomPlot* plot) {
  for (QCPAxis* axis : {plot->xAxis, plot->yAxis}) {
    axis->setPadding(6);
    axis->grid()->setZeroLinePen(Qt::NoPen);
  }
  for (QCPAxis* frame : {plot->xAxis2, plot->yAxis2}) {
    frame->setVisible(true);
    frame->setTicks(false);
    frame->setTickLabels(false);
  }
  followPalette(plot);
}

void styleTitle(QCPTextElement* title, const QFont& base) {
  QFont font = base;
  font.setBold(true);
  font.setPointSizeF(base.pointSizeF() * 1.1);
  title->setFont(font);
  title->setTextColor(chartTextColor());
}

void placeLegendBelow(QCustomPlot* plot, const QFont& base) {
  QFont font = base;
  font.setPointSizeF(base.pointSizeF() * 0.9);
  QCPLegend* legend = plot->legend;
  legend->setFont(font);
  legend->setBrush(Qt::NoBrush);
  legend->setBorderPen(Qt::NoPen);
  legend->setSelectableParts(QCPLegend::spNone);
  legend->setIconSize(18, 10);
  legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
  legend->setWrap(0);
  const int row = plot->plotLayout()->rowCount();
  auto* holder = new QCPLayoutGrid;
  plot->plotLayout()->addElement(row, 0, holder);
  holder->setMargins(QMargins(6, 0, 6, 4));
  holder->addElement(0, 0, legend);  // takes it out of the axis rect's inset layout
  plot->plotLayout()->setRowStretchFactor(row, 0.001);
  legend->setVisible(true);
}

QString wrapTickLabel(const QString& label, int maxLine) {
  if (label.size() <= maxLine || label.contains(QLatin1Char('\n'))) return label;
  const int middle = int(label.size() / 2);
  int best = -1;
  for (int i = 0; i < label.size(); ++i)
    if (label[i] == QLatin1Char(' ') && (best < 0 || std::abs(i - middle) < std::abs(best - middle))) best = i;
  if (best < 0) return label;
  QString wrapped = label;
  wrapped[best] = QLatin1Char('\n');
  return wrapped;
}

QCustomPlot* makeTitledPlot(QWidget* owner, const QString& name, QCPTextElement** title) {
  auto* layout = new QVBoxLayout(owner);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* plot = new QCustomPlot(owner);
  plot->setObjectName(name);
  plot->setMinimumSize(240, 180);
  plot->setAutoAddPlottableToLegend(true);
  layout->addWidget(plot);
  styleChartAxes(plot);
  *title = new QCPTextElement(plot, QString());
  plot->plotLayout()->insertRow(0);
  plot->plotLayout()->addElement(0, 0, *title);
  styleTitle(*title, owner->font());
  placeLegendBelow(plot, owner->font());  // a row of its own: bars and points can use the whole axis
  return plot;
}

void setTitleText(QCPTextElement* title, const QString& text) {
  title->setText(text);
  title->setVisible(!text.isEmpty());
  title->setMargins(text.isEmpty() ? QMargins() : QMargins(8, 6, 8, 0));
}

}  // namespace simclr::widgets

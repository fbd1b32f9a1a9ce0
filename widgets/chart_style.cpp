#include "widgets/chart_style.h"

#include <QVBoxLayout>

#include <cmath>

#include "widgets/metric_chart_series.h"
#include "widgets/qcustomplot_include.h"

namespace simclr::widgets {
namespace {
const QColor kAxisColor(0x8a, 0x8a, 0x8a);
const QColor kGridColor(0xe6, 0xe6, 0xe6);
const QColor kTextColor(0x33, 0x33, 0x33);
}  // namespace

QColor chartPaletteColor(int index) {
  return seriesPaletteColor(index);
}
QColor chartTextColor() {
  return kTextColor;
}

void styleChartAxes(QCustomPlot* plot) {
  for (QCPAxis* axis : {plot->xAxis, plot->yAxis}) {
    axis->setBasePen(QPen(kAxisColor));
    axis->setTickPen(QPen(kAxisColor));
    axis->setSubTickPen(QPen(kAxisColor));
    axis->setTickLabelColor(kTextColor);
    axis->setLabelColor(kTextColor);
    axis->setPadding(6);
    axis->grid()->setPen(QPen(kGridColor, 0, Qt::SolidLine));
    axis->grid()->setZeroLinePen(Qt::NoPen);
  }
  for (QCPAxis* frame : {plot->xAxis2, plot->yAxis2}) {
    frame->setVisible(true);
    frame->setTicks(false);
    frame->setTickLabels(false);
    frame->setBasePen(QPen(kGridColor));
  }
}

void styleTitle(QCPTextElement* title, const QFont& base) {
  QFont font = base;
  font.setBold(true);
  font.setPointSizeF(base.pointSizeF() * 1.1);
  title->setFont(font);
  title->setTextColor(kTextColor);
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

#pragma once

// The look the QCustomPlot charts share: grey axes on the background and a faint grid (MetricChart,
// AccuracyBarChart, SweepChart), and for the titled charts (AccuracyBarChart, SweepChart) a
// bold title row above the plot and a one-line legend below it. Internal to simclr_widgets.

#include <QColor>
#include <QFont>
#include <QPalette>
#include <QString>

#include <functional>

class QCustomPlot;
class QCPTextElement;
class QWidget;

namespace simclr::widgets {

// Tableau 10, as MetricChart's series use; the index wraps.
QColor chartPaletteColor(int index);
// Text on charts: the application palette's text, softened towards the background.
QColor chartTextColor();

// The colours every chart takes from the palette (light or dark, View > Theme).
struct ChartColors {
  QColor background, text, axis, grid, legendFill;
};
ChartColors chartColors(const QPalette& palette);

// Colours `plot` from its palette now and again whenever the palette changes (then replots):
// background, axes, grid, legend, titles; `extra` recolours what the chart draws itself.
void followPalette(QCustomPlot* plot, std::function<void(const ChartColors&)> extra = {});

// The one axis style: pens, tick label colours and grid of the bottom and left axes; the top
// and right axes only close the frame (no ticks, so they never need the data range). The
// colours follow the palette.
void styleChartAxes(QCustomPlot* plot);
void styleTitle(QCPTextElement* title, const QFont& base);
// Moves the legend out of the axis rect into a new last row of the plot layout, laid out in
// one line, so it never covers bars or points.
void placeLegendBelow(QCustomPlot* plot, const QFont& base);
// The chart widgets' common frame: a styled QCustomPlot filling `owner` (named `name`),
// a title row above it (returned in *title) and the legend below it.
QCustomPlot* makeTitledPlot(QWidget* owner, const QString& name, QCPTextElement** title);
// Shows `text` as the title, or hides the row when it is empty.
void setTitleText(QCPTextElement* title, const QString& text);
// Breaks a long category label ("SimCLR embeddings (h)") at the space nearest its middle so
// neighbouring tick labels do not run into each other.
QString wrapTickLabel(const QString& label, int maxLine = 14);

}  // namespace simclr::widgets

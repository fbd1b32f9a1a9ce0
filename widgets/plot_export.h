#pragma once

// Exports shared by the chart widgets that draw with QCustomPlot (AccuracyBarChart,
// SweepChart): a plot rendered to PNG, SVG or PDF through a QSaveFile, so a failed export
// never leaves a truncated file or destroys an older one, and CSV field formatting.
// Internal to simclr_widgets; consumers use the widgets' own save functions.

#include <QSize>
#include <QString>

class QCustomPlot;

namespace simclr::widgets {

// Renders `plot` at `size` (device-independent pixels) into `file`, in the format its
// extension names (.png, .svg, .pdf). PNG pixels are size * pngScale. The "overlay" layer
// (hover markers) is left out. On failure returns false and, when given, sets *error to a
// message naming the file.
bool exportPlot(QCustomPlot* plot, const QString& file, QSize size, double pngScale, const QString& title,
                QString* error);

// RFC 4180: quotes a field only when it holds a separator, a quote or a line break.
QString csvField(const QString& text);
// Shortest text that reads back as the same double; empty for NaN (a value not measured).
QString csvNumber(double value);

}  // namespace simclr::widgets

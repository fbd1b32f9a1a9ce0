#pragma once

// The image export shared by the widgets that draw with QCustomPlot (MetricChart,
// EmbeddingScatter, AccuracyBarChart, SweepChart): a plot rendered to PNG, SVG or PDF through
// a QSaveFile, so a failed export never leaves a truncated file or destroys an older one.
// (Their CSV goes through CsvWriter, csv_writer.h.) Internal to simclr_widgets; consumers use
// the widgets' own save functions.

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

}  // namespace simclr::widgets

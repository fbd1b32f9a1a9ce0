#include "widgets/plot_export.h"

#include <QDir>
#include <QFileInfo>
#include <QPageSize>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSvgGenerator>

#include "widgets/qcustomplot_include.h"

namespace simclr::widgets {
namespace {

bool fail(QString* error, const QString& message) {
  if (error) *error = message;
  return false;
}

QString nativePath(const QString& file) {
  return QDir::toNativeSeparators(file);
}

// Paints the plot into a vector device (SVG generator, PDF writer).
bool paintVector(QCustomPlot* plot, QPaintDevice* device, QSize size) {
  QCPPainter painter;
  if (!painter.begin(device)) return false;
  painter.setMode(QCPPainter::pmVectorized);
  plot->toPainter(&painter, size.width(), size.height());
  return painter.end();
}

}  // namespace

bool exportPlot(QCustomPlot* plot, const QString& file, QSize size, double pngScale, const QString& title,
                QString* error) {
  const QString suffix = QFileInfo(file).suffix().toLower();
  if (suffix != QLatin1String("png") && suffix != QLatin1String("svg") && suffix != QLatin1String("pdf")) {
    return fail(error,
                QObject::tr("Cannot export \"%1\": unknown image format \"%2\" "
                            "(use .png, .svg or .pdf).")
                    .arg(nativePath(file), suffix.isEmpty() ? QObject::tr("no extension") : QLatin1Char('.') + suffix));
  }
  if (!size.isValid() || size.width() < 50 || size.height() < 50)
    return fail(error, QObject::tr("Cannot export \"%1\": the size %2x%3 is too small.")
                           .arg(nativePath(file))
                           .arg(size.width())
                           .arg(size.height()));
  QSaveFile out(file);
  if (!out.open(QIODevice::WriteOnly))
    return fail(error, QObject::tr("Cannot write \"%1\": %2").arg(nativePath(file), out.errorString()));

  QCPLayer* overlay = plot->layer(QStringLiteral("overlay"));
  const bool overlayVisible = overlay && overlay->visible();
  if (overlay) overlay->setVisible(false);  // hover markers are not part of a figure
  bool ok = false;
  if (suffix == QLatin1String("png")) {
    const QPixmap pixmap = plot->toPixmap(size.width(), size.height(), pngScale > 0 ? pngScale : 1.0);
    ok = !pixmap.isNull() && pixmap.save(&out, "PNG");
  } else if (suffix == QLatin1String("svg")) {
    QSvgGenerator generator;
    generator.setOutputDevice(&out);
    generator.setResolution(96);
    generator.setSize(size);
    generator.setViewBox(QRect(QPoint(0, 0), size));
    generator.setTitle(title);
    generator.setDescription(QObject::tr("Exported by SimCLR Workbench"));
    ok = paintVector(plot, &generator, size);
  } else {
    // One PDF point per device pixel: the page is exactly the chart, without margins.
    QPdfWriter writer(&out);
    writer.setCreator(QStringLiteral("SimCLR Workbench"));
    writer.setTitle(title);
    writer.setResolution(72);
    writer.setPageSize(QPageSize(QSizeF(size), QPageSize::Point, QString(), QPageSize::ExactMatch));
    writer.setPageMargins(QMarginsF(0, 0, 0, 0));
    ok = paintVector(plot, &writer, size);
  }
  if (overlay) overlay->setVisible(overlayVisible);
  // Rendering at the export size re-laid out the plot: lay it out for the screen again so
  // the mouse maps pixels to the right coordinates.
  plot->replot(QCustomPlot::rpQueuedReplot);
  if (!ok) {
    out.cancelWriting();
    return fail(
        error,
        QObject::tr("Cannot export \"%1\": rendering the %2 image failed.").arg(nativePath(file), suffix.toUpper()));
  }
  if (!out.commit())
    return fail(error, QObject::tr("Cannot write \"%1\": %2").arg(nativePath(file), out.errorString()));
  return true;
}

}  // namespace simclr::widgets

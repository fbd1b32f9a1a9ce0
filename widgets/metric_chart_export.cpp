// MetricChart's exports: images (PNG, SVG, PDF) and the data as CSV.
//
// Every format is rendered into a QSaveFile, so a failed or interrupted export never leaves
// a truncated file behind or destroys an older one. That is why PNG goes through toPixmap()
// and PDF through QPdfWriter + toPainter() instead of QCustomPlot's savePng()/savePdf(),
// which only write straight to a file name.

#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QPageSize>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QTextStream>

#include "widgets/ema_smoothing.h"
#include "widgets/metric_chart.h"
#include "widgets/metric_chart_series.h"
#include "widgets/qcustomplot_include.h"

namespace simclr::widgets {
namespace {

const QSize kFallbackSize(800, 500);
constexpr double kPngScale = 2.0;  // crisp on high-DPI screens and in documents

bool fail(QString* error, const QString& message) {
  if (error) *error = message;
  return false;
}

bool openForWriting(QSaveFile& out, QString* error) {
  if (out.open(QIODevice::WriteOnly)) return true;
  return fail(
      error,
      MetricChart::tr("Cannot write \"%1\": %2").arg(QDir::toNativeSeparators(out.fileName()), out.errorString()));
}

bool commit(QSaveFile& out, QString* error) {
  if (out.commit()) return true;
  return fail(
      error,
      MetricChart::tr("Cannot write \"%1\": %2").arg(QDir::toNativeSeparators(out.fileName()), out.errorString()));
}

// RFC 4180: quote a field only when it holds a separator, a quote or a line break.
QString csvField(const QString& text) {
  if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) && !text.contains(QLatin1Char('\n')) &&
      !text.contains(QLatin1Char('\r')))
    return text;
  QString quoted = text;
  quoted.replace(QLatin1String("\""), QLatin1String("\"\""));
  return QLatin1Char('"') + quoted + QLatin1Char('"');
}

// Shortest text that reads back as the same double.
QString csvNumber(double v) {
  return QString::number(v, 'g', QLocale::FloatingPointShortest);
}

}  // namespace

bool MetricChart::exportImage(const QString& file, QString* error, QSize size) {
  const QString suffix = QFileInfo(file).suffix().toLower();
  if (suffix != QLatin1String("png") && suffix != QLatin1String("svg") && suffix != QLatin1String("pdf")) {
    return fail(error, tr("Cannot export \"%1\": unknown image format \"%2\" "
                          "(use .png, .svg or .pdf).")
                           .arg(QDir::toNativeSeparators(file),
                                suffix.isEmpty() ? tr("no extension") : QLatin1Char('.') + suffix));
  }
  if (!size.isValid() || size.width() < 100 || size.height() < 80) {
    // A chart that was never shown has a meaningless size: use a sensible figure size.
    size = m_plot->isVisible() ? m_plot->size() : kFallbackSize;
    if (size.width() < 100 || size.height() < 80) size = kFallbackSize;
  }
  flush();  // export what the user would see after the next replot, including pending points
  QCPLayer* overlay = m_plot->layer(QStringLiteral("overlay"));
  const bool overlayVisible = overlay->visible();
  overlay->setVisible(false);  // the hover marker is not part of a figure

  QSaveFile out(file);
  bool ok = openForWriting(out, error);
  if (ok && suffix == QLatin1String("png")) {
    const QPixmap pixmap = m_plot->toPixmap(size.width(), size.height(), kPngScale);
    ok = pixmap.save(&out, "PNG");
  } else if (ok && suffix == QLatin1String("svg")) {
    QSvgGenerator generator;
    generator.setOutputDevice(&out);
    generator.setResolution(96);  // so the SVG's physical size matches the pixels on screen
    generator.setSize(size);
    generator.setViewBox(QRect(QPoint(0, 0), size));
    generator.setTitle(m_valueLabel);
    generator.setDescription(tr("Exported by SimCLR Workbench"));
    QCPPainter painter;
    ok = painter.begin(&generator);
    if (ok) {
      painter.setMode(QCPPainter::pmVectorized);
      m_plot->toPainter(&painter, size.width(), size.height());
      ok = painter.end();
    }
  } else if (ok) {
    // One PDF point per device pixel: the page is exactly the chart, without margins.
    QPdfWriter writer(&out);
    writer.setCreator(QStringLiteral("SimCLR Workbench"));
    writer.setTitle(m_valueLabel);
    writer.setResolution(72);
    writer.setPageSize(QPageSize(QSizeF(size), QPageSize::Point, QString(), QPageSize::ExactMatch));
    writer.setPageMargins(QMarginsF(0, 0, 0, 0));
    QCPPainter painter;
    ok = painter.begin(&writer);
    if (ok) {
      painter.setMode(QCPPainter::pmVectorized);
      m_plot->toPainter(&painter, size.width(), size.height());
      ok = painter.end();
    }
  }
  overlay->setVisible(overlayVisible);
  // Rendering at the export size re-laid out the plot; lay it out for the screen again so
  // mouse interaction maps pixels to the right coordinates.
  m_plot->replot(QCustomPlot::rpQueuedReplot);
  if (!out.isOpen()) return false;  // openForWriting already explained why
  if (!ok) {
    out.cancelWriting();
    return fail(error, tr("Cannot export \"%1\": rendering the %2 image failed.")
                           .arg(QDir::toNativeSeparators(file), suffix.toUpper()));
  }
  return commit(out, error);
}

bool MetricChart::exportCsv(const QString& file, QString* error) const {
  QSaveFile out(file);
  if (!openForWriting(out, error)) return false;
  QTextStream stream(&out);
  stream << "series,step,epoch,value,smoothed\n";
  for (const auto& s : m_series) {
    QVector<double> values;
    values.reserve(s->points.size());
    for (const MetricPoint& p : s->points) values.append(p.value);
    const QVector<double> smoothed = smoothEma(values, m_smoothing);
    const QString name = csvField(s->name);
    for (int i = 0; i < s->points.size(); ++i) {
      const MetricPoint& p = s->points[i];
      stream << name << ',' << csvNumber(p.step) << ',' << csvNumber(p.epoch) << ',' << csvNumber(p.value) << ','
             << csvNumber(smoothed[i]) << '\n';
    }
  }
  stream.flush();
  if (stream.status() != QTextStream::Ok) {
    out.cancelWriting();
    return fail(error, tr("Cannot write \"%1\": %2").arg(QDir::toNativeSeparators(file), out.errorString()));
  }
  return commit(out, error);
}

}  // namespace simclr::widgets

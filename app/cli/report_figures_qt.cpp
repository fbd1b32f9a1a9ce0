#include "app/cli/report_figures.h"

#include <cmath>
#include <memory>

#include <QApplication>
#include <QDir>

#include <sys/stat.h>
#include <unistd.h>

#include "engine/core/error.h"
#include "widgets/chart_rendering.h"

namespace simclr::cli {

namespace {

// One offscreen application for the process, made on first use (text needs the font
// database, which needs a QGuiApplication; the chart widgets need a QApplication).
void ensure_application() {
  if (QCoreApplication::instance()) return;
  qputenv("QT_QPA_PLATFORM", "offscreen");
  if (qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR")) {  // what Qt would use, without its warning
    const QByteArray dir = QDir::tempPath().toUtf8() + "/runtime-" + QByteArray::number(::getuid());
    ::mkdir(dir.constData(), 0700);
    qputenv("XDG_RUNTIME_DIR", dir);
  }
  static int argc = 1;
  static char name[] = "simclr-cli";
  static char* argv[] = {name, nullptr};
  static std::unique_ptr<QApplication> app = std::make_unique<QApplication>(argc, argv);
}

QVector<double> to_qvector(const std::vector<double>& values) {
  return QVector<double>(values.begin(), values.end());
}

}  // namespace

bool can_render_report_figures() {
  return true;
}

void render_report_figure(const ReportFigure& figure, const std::filesystem::path& file) {
  ensure_application();
  const QString path = QString::fromStdString(file.string());
  const QString title = QString::fromStdString(figure.title);
  QString error;
  bool ok = false;
  if (figure.kind == "sweep") {
    QVector<widgets::SweepSeries> series;
    for (const auto& s : figure.series)
      series.push_back({QString::fromStdString(s.name), QColor(), to_qvector(figure.x), to_qvector(s.values)});
    ok = widgets::renderSweepChart(path, title, series, QSize(900, 520), &error);
  } else {
    QStringList categories;
    for (const auto& c : figure.categories) categories << QString::fromStdString(c);
    QVector<widgets::AccuracySeries> series;
    for (const auto& s : figure.series)
      series.push_back({QString::fromStdString(s.name), QColor(), to_qvector(s.values)});
    ok = widgets::renderAccuracyChart(path, title, categories, series, QSize(900, 520), &error);
  }
  if (!ok) throw IoError(file.string() + ": cannot write the figure: " + error.toStdString());
}

}  // namespace simclr::cli

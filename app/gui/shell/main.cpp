// simclr-workbench: the desktop application.
//
//   simclr-workbench [PROJECT] [--start] [--max-steps N] [--screenshot FILE]
//
// --start trains the project once it is open; with --screenshot the window is saved as a
// PNG when that run ends and the application quits (what the screenshot test and the
// README's pictures use). --screenshot without --start saves the window once it is shown
// and quits (what the package test uses to check that the installed program starts).
#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QTimer>

#include "app/gui/shell/app_settings.h"
#include "app/gui/shell/event_loop_latency.h"
#include "app/gui/shell/main_window.h"
#include "app/gui/jobs/metric_types.h"
#include "app/gui/training/training_controller.h"
#include "engine/core/allocator_tuning.h"
#include "app/gui/shell/app_theme.h"
#include "engine/core/blas_tuning.h"
#include "engine/core/version.h"

int main(int argc, char** argv) {
  simclr::tune_blas_for_cpu(argv);  // first: it may restart the process with faster BLAS kernels
  simclr::tune_allocator_for_tensors();
  QApplication app(argc, argv);
  QCoreApplication::setOrganizationName(QStringLiteral("simclr-workbench"));
  QCoreApplication::setApplicationName(QStringLiteral("SimCLR Workbench"));
  QCoreApplication::setApplicationVersion(QString::fromStdString(simclr::engine_version()));

  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral("Train and understand self-supervised image encoders."));
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument(QStringLiteral("project"), QStringLiteral("A project file to open."));
  const QCommandLineOption start(QStringLiteral("start"), QStringLiteral("Start training once the project is open."));
  const QCommandLineOption maxSteps(QStringLiteral("max-steps"),
                                    QStringLiteral("Stop the run started with --start after N steps."),
                                    QStringLiteral("N"));
  const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                      QStringLiteral("Save the window as a PNG when the run ends (or, without "
                                                     "--start, once it is shown), then quit."),
                                      QStringLiteral("FILE"));
  parser.addOptions({start, maxSteps, screenshot});
  parser.process(app);

  simclr::gui::AppSettings settings;
  // Before any widget exists, so that every chart starts in the chosen colours.
  simclr::gui::applyTheme(simclr::gui::themeFromName(settings.value(simclr::gui::settings::Theme)));
  simclr::gui::MainWindow window(settings);
  window.show();

  const QStringList args = parser.positionalArguments();
  if (args.size() > 1) parser.showHelp(2);
  if (!args.isEmpty() && !window.openProject(args.first())) return 2;
  if (parser.isSet(maxSteps)) {
    bool ok = false;
    const int steps = parser.value(maxSteps).toInt(&ok);
    if (!ok || steps < 1) {
      qCritical("--max-steps: expected a positive number, got \"%s\"", qPrintable(parser.value(maxSteps)));
      return 2;
    }
    window.setMaxStepsOverride(steps);
  }
  if (parser.isSet(screenshot) && !parser.isSet(start)) {
    const QString file = QFileInfo(parser.value(screenshot)).absoluteFilePath();
    // After the first paints: the event loop must have laid out and drawn the docks.
    QTimer::singleShot(500, &window, [&window, file] {
      const bool saved = window.grab().save(file, "PNG");
      if (!saved) qCritical("could not write the screenshot %s", qPrintable(file));
      QCoreApplication::exit(saved ? 0 : 1);
    });
  } else if (parser.isSet(screenshot)) {
    const QString file = QFileInfo(parser.value(screenshot)).absoluteFilePath();
    QObject::connect(&window.training(), &simclr::gui::TrainingController::finished, &window,
                     [&window, file](const simclr::gui::TrainingOutcome& outcome) {
                       const simclr::gui::LatencySummary lat = window.latency().summary();
                       qInfo(
                           "run %s after %lld steps; interface latency: median %.1f ms, p99 %.1f ms, "
                           "max %.1f ms over %d samples",
                           qPrintable(outcome.state), static_cast<long long>(outcome.stepsDone), lat.medianMs,
                           lat.p99Ms, lat.maxMs, lat.samples);
                       // Let the charts' replot timer draw the last points first.
                       QTimer::singleShot(300, &window, [&window, file, outcome] {
                         const bool saved = window.grab().save(file, "PNG");
                         if (!saved) qCritical("could not write the screenshot %s", qPrintable(file));
                         QCoreApplication::exit(saved && outcome.state != QLatin1String("failed") ? 0 : 1);
                       });
                     });
  }
  if (parser.isSet(start))
    QTimer::singleShot(0, &window, [&window] {
      if (window.startTraining().isEmpty()) QCoreApplication::exit(1);
    });
  return app.exec();
}

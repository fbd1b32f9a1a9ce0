// The screenshot test: launches the real simclr-workbench on a copy of
// projects/quickstart.json under Xvfb (CTest wraps this test in xvfb-run), trains a few
// steps, lets the application save a PNG of its main window into this test's output
// folder, and checks the picture is a real window: the right size, many colours, and no
// large part of it blank. With CIFAR-10 in $SIMCLR_DATA_DIR it trains on the real data;
// otherwise on a small CIFAR-10-format fixture written here.
#include <QtTest>

#include <QDir>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>

#include "tests/support/dataset_fixtures.h"
#include "tests/support/temp_dir.h"

class TestScreenshot : public QObject {
  Q_OBJECT

  // Share of pixels in the most common colour of a region.
  static double dominantShare(const QImage& image, const QRect& region) {
    QHash<QRgb, int> counts;
    for (int y = region.top(); y <= region.bottom(); y += 2)
      for (int x = region.left(); x <= region.right(); x += 2) ++counts[image.pixel(x, y)];
    int best = 0, total = 0;
    for (int n : counts) {
      best = std::max(best, n);
      total += n;
    }
    return total ? double(best) / total : 1.0;
  }

 private Q_SLOTS:
  void trainsAFewStepsAndSavesANonBlankWindow() {
    const QDir out(QStringLiteral(SIMCLR_SCREENSHOT_OUTPUT_DIR));
    QVERIFY(out.mkpath(QStringLiteral(".")));
    simclr::test::TempDir work("gui-screenshot");
    const QString workDir = QString::fromStdString(work.path().string());

    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), workDir + QStringLiteral("/config"));  // no user settings
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("xcb"));  // the X server xvfb-run started
    const QString dataDir = env.value(QStringLiteral("SIMCLR_DATA_DIR"));
    const bool realData = !dataDir.isEmpty() && QFileInfo::exists(dataDir + QStringLiteral("/cifar-10-batches-bin"));
    if (!realData) {
      simclr::test::write_cifar10_folder(work.path() / "data" / "cifar-10-batches-bin", 200, 200, 7);
      env.insert(QStringLiteral("SIMCLR_DATA_DIR"), workDir + QStringLiteral("/data"));
    }
    qInfo("training on %s", realData ? "CIFAR-10 from SIMCLR_DATA_DIR" : "a CIFAR-10-format fixture");

    // A copy, so the run folder goes beside it and not into the source tree. Its kNN
    // monitor measures on class-balanced subsets, so the two kNN points (at the start and
    // the end) take seconds instead of embedding all 60 000 images twice.
    QFile source(QStringLiteral(SIMCLR_SOURCE_DIR "/projects/quickstart.json"));
    QVERIFY(source.open(QIODevice::ReadOnly));
    QJsonObject json = QJsonDocument::fromJson(source.readAll()).object();
    QVERIFY(!json.isEmpty());
    QJsonObject evaluation = json.value(QStringLiteral("evaluation")).toObject();
    evaluation.insert(QStringLiteral("monitor_bank_size"), 2000);
    evaluation.insert(QStringLiteral("monitor_test_size"), 500);
    json.insert(QStringLiteral("evaluation"), evaluation);
    const QString project = workDir + QStringLiteral("/quickstart.json");
    QFile copy(project);
    QVERIFY(copy.open(QIODevice::WriteOnly));
    copy.write(QJsonDocument(json).toJson());
    copy.close();
    const QString png = out.filePath(QStringLiteral("main-window.png"));
    QFile::remove(png);

    QProcess app;
    app.setProcessEnvironment(env);
    app.setProcessChannelMode(QProcess::ForwardedChannels);
    app.start(QStringLiteral(SIMCLR_WORKBENCH_EXE), {project, QStringLiteral("--start"), QStringLiteral("--max-steps"),
                                                     QStringLiteral("4"), QStringLiteral("--screenshot"), png});
    QVERIFY2(app.waitForStarted(), qPrintable(app.errorString()));
    QVERIFY2(app.waitForFinished(20 * 60 * 1000), "the workbench did not finish its run");
    QCOMPARE(app.exitStatus(), QProcess::NormalExit);
    QCOMPARE(app.exitCode(), 0);

    QImage shot(png);
    QVERIFY2(!shot.isNull(), qPrintable(png));
    QVERIFY(shot.width() >= 800 && shot.height() >= 500);
    QSet<QRgb> colours;
    for (int y = 0; y < shot.height(); y += 3)
      for (int x = 0; x < shot.width(); x += 3) colours.insert(shot.pixel(x, y));
    QVERIFY2(colours.size() > 50, qPrintable(QStringLiteral("only %1 colours").arg(colours.size())));
    // Each quarter of the window shows something: no quadrant is (nearly) one flat colour.
    const int w = shot.width() / 2, h = shot.height() / 2;
    for (const QRect& q : {QRect(0, 0, w, h), QRect(w, 0, w, h), QRect(0, h, w, h), QRect(w, h, w, h)})
      QVERIFY2(dominantShare(shot, q) < 0.97, "a quarter of the window is blank");
    qInfo("screenshot: %s (%dx%d, %lld colours)", qPrintable(png), shot.width(), shot.height(),
          static_cast<long long>(colours.size()));
  }
};

QTEST_GUILESS_MAIN(TestScreenshot)
#include "test_screenshot.moc"

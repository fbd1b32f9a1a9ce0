// The window-less chart rendering the CLI report uses: a file of the requested size and
// format, errors named.
#include <QtTest>

#include <QSet>
#include <QTemporaryDir>

#include <cmath>

#include "widgets/chart_rendering.h"

using namespace simclr::widgets;

namespace {
int distinctColours(const QImage& image) {
  QSet<QRgb> colours;
  for (int y = 0; y < image.height(); y += 2)
    for (int x = 0; x < image.width(); x += 2) colours.insert(image.pixel(x, y));
  return int(colours.size());
}
}  // namespace

class TestChartRendering : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void accuracyChartPng() {
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("figure10.png"));
    QString error;
    QVERIFY2(renderAccuracyChart(file, QStringLiteral("Figure 10"), {QStringLiteral("Raw pixels"), QStringLiteral("h")},
                                 {{QStringLiteral("Ours"), QColor(), {51.2, 48.6}},
                                  {QStringLiteral("Paper"), QColor(), {35.77, std::nan("")}}},
                                 QSize(600, 360), &error),
             qPrintable(error));
    const QImage image(file);
    QCOMPARE(image.size(), QSize(600, 360));
    QVERIFY(distinctColours(image) > 8);
    // Vector formats by extension.
    const QString svg = dir.filePath(QStringLiteral("figure10.svg"));
    QVERIFY(renderAccuracyChart(svg, QStringLiteral("Figure 10"), {QStringLiteral("a")},
                                {{QStringLiteral("Ours"), QColor(), {50}}}));
    QFile f(svg);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QVERIFY(f.readAll().contains("Figure 10"));
  }

  void sweepChartPng() {
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("sweep.png"));
    QString error;
    QVERIFY2(renderSweepChart(file, QStringLiteral("Figure 11"),
                              {{QStringLiteral("kNN top-1"), QColor(), {64, 128, 256}, {40, 45, 47}}}, QSize(500, 300),
                              &error, QStringLiteral("views/s"), {64, 128}, {300, 500}),
             qPrintable(error));
    const QImage image(file);
    QCOMPARE(image.size(), QSize(500, 300));
    QVERIFY(distinctColours(image) > 8);
  }

  void errorsAreNamed() {
    QString error;
    QVERIFY(!renderSweepChart(QStringLiteral("/nonexistent-simclr-dir/s.png"), QString(), {}, QSize(500, 300), &error));
    QVERIFY2(error.contains(QStringLiteral("nonexistent-simclr-dir")), qPrintable(error));
  }
};

QTEST_MAIN(TestChartRendering)
#include "test_chart_rendering.moc"

#include <QtTest>

#include <QSet>
#include <QTemporaryDir>
#include <QToolTip>

#include <cmath>

#include "tests/widgets/widget_shots.h"
#include "widgets/qcustomplot_include.h"
#include "widgets/sweep_chart.h"

using simclr::widgets::SweepChart;
using simclr::widgets::SweepSeries;

namespace {

const double kNaN = std::nan("");

// A sweep where batch 1024 ran out of memory for the linear probe (NaN).
QVector<SweepSeries> sweep() {
  return {{QStringLiteral("kNN top-1"), QColor(), {32, 64, 128, 256}, {40.5, 43.25, 45.8, 47.0}},
          {QStringLiteral("Linear probe"), QColor(), {64, 128, 256, 1024}, {48.0, 50.5, kNaN, 53.0}}};
}

QVector<double> keys(const QCPGraph* g) {
  QVector<double> out;
  for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it) out << it->key;
  return out;
}

QVector<double> values(const QCPGraph* g) {
  QVector<double> out;
  for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it) out << it->value;
  return out;
}

}  // namespace

class TestSweepChart : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void graphsHoldThePoints() {
    SweepChart chart;
    chart.setData(sweep());
    QCOMPARE(chart.plot()->graphCount(), 2);
    QCOMPARE(chart.graph(0)->name(), QStringLiteral("kNN top-1"));
    QCOMPARE(keys(chart.graph(0)), (QVector<double>{32, 64, 128, 256}));
    QCOMPARE(values(chart.graph(0)), (QVector<double>{40.5, 43.25, 45.8, 47.0}));
    // The NaN point is skipped; the line joins its neighbours.
    QCOMPARE(keys(chart.graph(1)), (QVector<double>{64, 128, 1024}));
    QCOMPARE(values(chart.graph(1)), (QVector<double>{48.0, 50.5, 53.0}));
    QVERIFY(!chart.graph(2));
    // log2 axis with a tick at every batch size that has a point.
    QCOMPARE(chart.plot()->xAxis->scaleType(), QCPAxis::stLogarithmic);
    QCOMPARE(chart.batchSizes(), (QVector<double>{32, 64, 128, 256, 1024}));
    auto ticker = chart.plot()->xAxis->ticker().dynamicCast<QCPAxisTickerText>();
    QVERIFY(ticker);
    QCOMPARE(ticker->ticks().keys(), (QList<double>{32, 64, 128, 256, 1024}));
    QCOMPARE(ticker->ticks().value(1024), QStringLiteral("1024"));
    const QCPRange x = chart.plot()->xAxis->range();
    QVERIFY(x.lower < 32 && x.upper > 1024);
    // y zooms to the values, with room, within 0..100.
    const QCPRange y = chart.plot()->yAxis->range();
    QVERIFY(y.lower < 40.5 && y.lower >= 0 && y.upper > 53.0 && y.upper <= 100);
    QCOMPARE(chart.plot()->legend->itemCount(), 2);
  }

  void throughputOnTheRightAxis() {
    SweepChart chart;
    chart.setData(sweep());
    QVERIFY(!chart.throughputGraph());
    chart.setThroughput(QStringLiteral("views/s"), {32, 64, 2048}, {100, 180, kNaN});
    QVERIFY(chart.throughputGraph());
    QCOMPARE(chart.throughputGraph()->valueAxis(), chart.plot()->yAxis2);
    QCOMPARE(values(chart.throughputGraph()), (QVector<double>{100, 180}));
    QVERIFY(chart.plot()->yAxis2->tickLabels());
    QCOMPARE(chart.plot()->yAxis2->label(), QStringLiteral("views/s"));
    chart.setThroughput(QString(), {}, {});
    QVERIFY(!chart.throughputGraph());
    QCOMPARE(chart.plot()->graphCount(), 2);
  }

  void hoverNamesSeriesBatchAndValue() {
    SweepChart chart;
    chart.resize(800, 500);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    chart.setData(sweep());
    chart.plot()->replot();
    const QPoint at(int(chart.plot()->xAxis->coordToPixel(128)) + 2, int(chart.plot()->yAxis->coordToPixel(50.5)) - 2);
    QTest::mouseMove(chart.plot(), at);
    QTRY_VERIFY(QToolTip::isVisible());
    QVERIFY2(QToolTip::text().contains(QStringLiteral("Linear probe")), qPrintable(QToolTip::text()));
    QVERIFY(QToolTip::text().contains(QStringLiteral("batch 128")));
    QVERIFY(QToolTip::text().contains(QStringLiteral("50.50 %")));
    // Far from every point: no read-out.
    QTest::mouseMove(chart.plot(),
                     QPoint(int(chart.plot()->xAxis->coordToPixel(512)), int(chart.plot()->yAxis->coordToPixel(42))));
    QTRY_VERIFY(!QToolTip::isVisible());
  }

  void savePngAndCsv() {
    QTemporaryDir dir;
    SweepChart chart;
    chart.setTitle(QStringLiteral("Batch-size sweep"));
    chart.setData(sweep());
    chart.setThroughput(QStringLiteral("views/s"), {32, 64}, {100, 180.5});
    const QString file = dir.filePath(QStringLiteral("sweep.png"));
    QString error;
    QVERIFY2(chart.savePng(file, 700, 420, 1.0, &error), qPrintable(error));
    const QImage image(file);
    QCOMPARE(image.size(), QSize(700, 420));
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 2)
      for (int x = 0; x < image.width(); x += 2) colours.insert(image.pixel(x, y));
    QVERIFY(colours.size() > 8);
    QCOMPARE(chart.toCsv(), QStringLiteral("batch_size,kNN top-1,Linear probe,views/s\n"
                                           "32,40.5,,100\n"
                                           "64,43.25,48,180.5\n"
                                           "128,45.8,50.5,\n"
                                           "256,47,,\n"
                                           "1024,,53,\n"));
  }

  void screenshot() {
    SIMCLR_SKIP_WITHOUT_SHOTS();
    SweepChart chart;
    chart.resize(820, 480);
    chart.setTitle(QStringLiteral("Top-1 against batch size (Figure 11)"));
    chart.setData(sweep());
    chart.setThroughput(QStringLiteral("views/s"), {32, 64, 128, 256}, {420, 510, 560, 590});
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    QVERIFY(simclr::widgets::testing::saveShot(chart, QStringLiteral("sweep_chart")));
  }
};

QTEST_MAIN(TestSweepChart)
#include "test_sweep_chart.moc"

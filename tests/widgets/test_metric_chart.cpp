#include <QtTest>

#include <QTemporaryDir>
#include <QToolTip>
#include <QWheelEvent>

#include <cmath>

#include "tests/widgets/widget_shots.h"
#include "widgets/metric_chart.h"
#include "widgets/qcustomplot_include.h"

using simclr::widgets::MetricChart;
using simclr::widgets::MetricPoint;

namespace {

// A loss-like curve: decaying with deterministic noise. Step = 10 per point, 40 steps per
// epoch, so step and epoch keys differ.
QVector<MetricPoint> lossCurve(int n, double scale = 1.0, int firstIndex = 0) {
  QVector<MetricPoint> points;
  for (int i = firstIndex; i < firstIndex + n; ++i) {
    const double noise = 0.15 * std::sin(i * 1.7) * std::cos(i * 0.31);
    points.append({10.0 * i, i / 40.0, scale * (0.5 + 4.0 * std::exp(-i / 60.0) + noise)});
  }
  return points;
}

QVector<double> keys(const QCPGraph* graph) {
  QVector<double> out;
  for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it) out << it->key;
  return out;
}

QVector<double> values(const QCPGraph* graph) {
  QVector<double> out;
  for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it) out << it->value;
  return out;
}

double analyticEma(const QVector<MetricPoint>& x, int n, double w) {
  double num = 0.0;
  for (int k = 0; k <= n; ++k) num += (1.0 - w) * std::pow(w, n - k) * x[k].value;
  return num / (1.0 - std::pow(w, n + 1));
}

void sendWheel(QWidget* target, QPoint pos, int delta) {
  QWheelEvent event(pos, target->mapToGlobal(pos), QPoint(), QPoint(0, delta), Qt::NoButton, Qt::NoModifier,
                    Qt::NoScrollPhase, false);
  QApplication::sendEvent(target, &event);
}

// The event sequence of a real double-click. QTest::mouseDClick on a widget sends only the
// double-click event and leaves the button marked as pressed for later QTest calls.
void doubleClick(QWidget* target, QPoint pos) {
  QTest::mouseClick(target, Qt::LeftButton, Qt::NoModifier, pos);
  QTest::mouseDClick(target, Qt::LeftButton, Qt::NoModifier, pos);
  QTest::mouseRelease(target, Qt::LeftButton, Qt::NoModifier, pos);
}

QByteArray readAll(const QString& file) {
  QFile f(file);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

}  // namespace

class TestMetricChart : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void pointsAppearAfterFlush() {
    MetricChart chart;
    const auto points = lossCurve(10);
    chart.appendPoints(QStringLiteral("run-A"), points);
    QCOMPARE(chart.pointCount(QStringLiteral("run-A")), 10);
    // Buffered: nothing is drawn before the timer or a flush.
    QCOMPARE(chart.graph(QStringLiteral("run-A"))->dataCount(), 0);
    QVERIFY(chart.hasPendingReplot());
    chart.flush();
    QVERIFY(!chart.hasPendingReplot());
    const QCPGraph* graph = chart.graph(QStringLiteral("run-A"));
    QCOMPARE(graph->dataCount(), 10);
    for (int i = 0; i < 10; ++i) {
      QCOMPARE(keys(graph)[i], points[i].step);
      QCOMPARE(values(graph)[i], points[i].value);
    }
  }

  void pointsAppearAfterTimer() {
    MetricChart chart;
    chart.appendPoint(QStringLiteral("run-A"), 0, 0, 1.5);
    chart.appendPoint(QStringLiteral("run-A"), MetricPoint{10, 0.1, 1.25});
    QTRY_COMPARE(chart.graph(QStringLiteral("run-A"))->dataCount(), 2);
    QCOMPARE(values(chart.graph(QStringLiteral("run-A"))), (QVector<double>{1.5, 1.25}));
  }

  void nearlyConstantCurveGetsReadableRange() {
    MetricChart chart;
    for (int i = 0; i < 5; ++i) chart.appendPoint(QStringLiteral("lr"), i, 0, 1e-3 - i * 1e-12);
    chart.flush();
    const QCPRange y = chart.plot()->yAxis->range();
    QVERIFY2(y.size() >= 2e-5 * 0.999, qPrintable(QString::number(y.size())));  // +-1 % of 1e-3
    QVERIFY(y.contains(1e-3));
    // A curve that really moves keeps its own tight range.
    chart.appendPoint(QStringLiteral("loss"), 0, 0, 5.0);
    chart.appendPoint(QStringLiteral("loss"), 1, 0, 4.0);
    chart.removeSeries(QStringLiteral("lr"));
    chart.flush();
    QVERIFY(chart.plot()->yAxis->range().size() < 1.2);
  }

  void burstsCoalesceReplots() {
    MetricChart chart;
    chart.resize(600, 400);
    const int before = chart.replotCount();
    for (const MetricPoint& p : lossCurve(1000)) chart.appendPoint(QStringLiteral("run-A"), p);
    QTRY_COMPARE(chart.graph(QStringLiteral("run-A"))->dataCount(), 1000);
    QTRY_VERIFY(!chart.hasPendingReplot());  // drawn, and no later replot is scheduled
    QVERIFY2(chart.replotCount() - before <= 2, qPrintable(QString::number(chart.replotCount() - before)));

    // A steady stream (ten bursts over ~200 ms) replots at the timer's pace, not per point:
    // at most one replot per interval elapsed (a loaded machine stretches the waits).
    const int streamStart = chart.replotCount();
    QElapsedTimer clock;
    clock.start();
    for (int burst = 0; burst < 10; ++burst) {
      chart.appendPoints(QStringLiteral("run-A"), lossCurve(100, 1.0, 1000 + 100 * burst));
      QTest::qWait(20);  // the stream's pace is the input: bursts closer than the replot interval
    }
    QTRY_COMPARE(chart.graph(QStringLiteral("run-A"))->dataCount(), 2000);
    const int replots = chart.replotCount() - streamStart;
    QVERIFY2(replots <= clock.elapsed() / chart.replotInterval() + 1, qPrintable(QString::number(replots)));
    QVERIFY(replots <= 10);
  }

  void smoothingDrawsEmaOverFaintRaw() {
    MetricChart chart;
    const auto points = lossCurve(80);
    chart.setSeries(QStringLiteral("run-A"), points);
    chart.flush();
    QVERIFY(!chart.rawGraph(QStringLiteral("run-A"))->visible());

    QSignalSpy spy(&chart, &MetricChart::smoothingChanged);
    chart.setSmoothing(0.6);
    QCOMPARE(spy.count(), 1);
    chart.flush();
    const QCPGraph* line = chart.graph(QStringLiteral("run-A"));
    const QCPGraph* raw = chart.rawGraph(QStringLiteral("run-A"));
    QVERIFY(raw->visible());
    QVERIFY(line->visible());
    QCOMPARE(raw->dataCount(), 80);
    QCOMPARE(line->dataCount(), 80);
    // Faint raw curve: same hue, low alpha; the smoothed curve is opaque.
    QCOMPARE(raw->pen().color().rgb(), line->pen().color().rgb());
    QVERIFY(raw->pen().color().alpha() < 128);
    QCOMPARE(line->pen().color().alpha(), 255);
    const QVector<double> smoothed = values(line);
    const QVector<double> rawValues = values(raw);
    for (int n = 0; n < points.size(); ++n) {
      QCOMPARE(rawValues[n], points[n].value);
      QVERIFY(std::abs(smoothed[n] - analyticEma(points, n, 0.6)) < 1e-12);
    }

    // Appends continue the running average where it left off.
    const auto more = lossCurve(20, 1.0, 80);
    chart.appendPoints(QStringLiteral("run-A"), more);
    chart.flush();
    const auto all = points + more;
    const QVector<double> continued = values(line);
    for (int n = 0; n < all.size(); ++n) QVERIFY(std::abs(continued[n] - analyticEma(all, n, 0.6)) < 1e-12);

    chart.setSmoothing(0.0);
    chart.flush();
    QVERIFY(!raw->visible());
    for (int n = 0; n < all.size(); ++n) QCOMPARE(values(line)[n], all[n].value);
  }

  void logScaleSwitchesAxisType() {
    MetricChart chart;
    chart.setSeries(QStringLiteral("run-A"), lossCurve(300));  // values 0.35 .. 4.5
    chart.flush();
    QCOMPARE(chart.plot()->yAxis->scaleType(), QCPAxis::stLinear);
    chart.setLogScale(true);
    chart.flush();
    QCOMPARE(chart.plot()->yAxis->scaleType(), QCPAxis::stLogarithmic);
    QVERIFY(dynamic_cast<QCPAxisTickerLog*>(chart.plot()->yAxis->ticker().data()));
    QVERIFY(chart.plot()->yAxis->range().lower > 0);
    // Less than two decades of data: 1-2-5 labels, so values below 1 get a label too.
    const QVector<double> ticks = chart.plot()->yAxis->tickVector();
    QVERIFY(std::any_of(ticks.begin(), ticks.end(), [](double t) { return std::abs(t - 0.5) < 1e-9; }));
    QVERIFY(std::any_of(ticks.begin(), ticks.end(), [](double t) { return std::abs(t - 2.0) < 1e-9; }));
    chart.setLogScale(false);
    QCOMPARE(chart.plot()->yAxis->scaleType(), QCPAxis::stLinear);
    QVERIFY(!dynamic_cast<QCPAxisTickerLog*>(chart.plot()->yAxis->ticker().data()));
  }

  void xAxisSwitchChangesKeys() {
    MetricChart chart;
    const auto points = lossCurve(30);
    chart.setSeries(QStringLiteral("run-A"), points);
    chart.flush();
    QCOMPARE(chart.plot()->xAxis->label(), QStringLiteral("Step"));
    QCOMPARE(keys(chart.graph(QStringLiteral("run-A"))).last(), points.last().step);
    chart.setXAxis(MetricChart::XAxis::Epoch);
    chart.flush();
    QCOMPARE(chart.plot()->xAxis->label(), QStringLiteral("Epoch"));
    const QVector<double> k = keys(chart.graph(QStringLiteral("run-A")));
    for (int i = 0; i < points.size(); ++i) QCOMPARE(k[i], points[i].epoch);
    // The view follows the new keys.
    QVERIFY(chart.plot()->xAxis->range().upper < points.last().step / 2);
  }

  void seriesManagement() {
    MetricChart chart;
    chart.appendPoints(QStringLiteral("run-A"), lossCurve(5));
    chart.appendPoints(QStringLiteral("run-B"), lossCurve(7));
    QCOMPARE(chart.seriesNames(), (QStringList{QStringLiteral("run-A"), QStringLiteral("run-B")}));
    QVERIFY(chart.seriesColor(QStringLiteral("run-A")) != chart.seriesColor(QStringLiteral("run-B")));
    chart.setSeries(QStringLiteral("run-A"), lossCurve(3));
    chart.flush();
    QCOMPARE(chart.graph(QStringLiteral("run-A"))->dataCount(), 3);
    QVERIFY(chart.plot()->legend->visible());
    chart.removeSeries(QStringLiteral("run-A"));
    QCOMPARE(chart.seriesNames(), QStringList{QStringLiteral("run-B")});
    QCOMPARE(chart.pointCount(QStringLiteral("run-A")), 0);
    QVERIFY(!chart.plot()->legend->visible());
    chart.clear();
    QVERIFY(chart.seriesNames().isEmpty());
    QCOMPARE(chart.plot()->graphCount(), 0);
  }

  void exportImage_data() {
    QTest::addColumn<QString>("suffix");
    QTest::addColumn<QByteArray>("magic");
    QTest::newRow("png") << QStringLiteral("png") << QByteArray("\x89PNG\r\n\x1a\n", 8);
    QTest::newRow("pdf") << QStringLiteral("pdf") << QByteArray("%PDF-");
    QTest::newRow("svg") << QStringLiteral("svg") << QByteArray("<?xml");
  }
  void exportImage() {
    QFETCH(QString, suffix);
    QFETCH(QByteArray, magic);
    QTemporaryDir dir;
    MetricChart chart;
    chart.appendPoints(QStringLiteral("run-A"), lossCurve(100));
    chart.appendPoints(QStringLiteral("run-B"), lossCurve(100, 1.2));
    const QString file = dir.filePath(QStringLiteral("chart.") + suffix);
    QString error;
    QVERIFY2(chart.exportImage(file, &error), qPrintable(error));
    const QByteArray data = readAll(file);
    QVERIFY(data.size() > 1000);
    QVERIFY(data.startsWith(magic));
    if (suffix == QLatin1String("svg")) {
      QVERIFY(data.contains("<svg"));
      QVERIFY(data.contains("run-B"));  // legend text is vector text
    }
    if (suffix == QLatin1String("png")) {
      QImage image(file);
      QCOMPARE(image.size(), QSize(1600, 1000));  // 800x500 fallback at 2x
    }
    // Only the target file: the atomic writer left no temporary behind.
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 1);
  }

  void exportCsv() {
    QTemporaryDir dir;
    MetricChart chart;
    chart.setSmoothing(0.5);
    chart.appendPoints(QStringLiteral("run-A"), {{0, 0, 2.0}, {10, 0.25, 4.0}});
    chart.appendPoints(QStringLiteral("run \"B\", v2"), {{0, 0, 1.5}});
    const QString file = dir.filePath(QStringLiteral("metrics.csv"));
    QString error;
    QVERIFY2(chart.exportCsv(file, &error), qPrintable(error));
    const QStringList lines = QString::fromUtf8(readAll(file)).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    // EMA(0.5) of 2, 4: 2, then (0.25*2 + 0.5*4) / 0.75 = 3.3333…
    QCOMPARE(lines.size(), 4);
    QCOMPARE(lines[0], QStringLiteral("series,step,epoch,value,smoothed"));
    QCOMPARE(lines[1], QStringLiteral("run-A,0,0,2,2"));
    QVERIFY(lines[2].startsWith(QStringLiteral("run-A,10,0.25,4,3.33333")));
    QCOMPARE(lines[3], QStringLiteral("\"run \"\"B\"\", v2\",0,0,1.5,1.5"));
  }

  void exportErrors() {
    MetricChart chart;
    chart.appendPoints(QStringLiteral("run-A"), lossCurve(10));
    QString error;
    const QString missing = QStringLiteral("/nonexistent-simclr-dir/sub/chart.png");
    QVERIFY(!chart.exportImage(missing, &error));
    QVERIFY2(error.contains(QStringLiteral("nonexistent-simclr-dir")), qPrintable(error));
    error.clear();
    QVERIFY(!chart.exportCsv(QStringLiteral("/nonexistent-simclr-dir/m.csv"), &error));
    QVERIFY(error.contains(QStringLiteral("Cannot write")));

    QTemporaryDir dir;
    error.clear();
    QVERIFY(!chart.exportImage(dir.filePath(QStringLiteral("chart.bmp")), &error));
    QVERIFY2(error.contains(QStringLiteral(".bmp")) && error.contains(QStringLiteral(".svg")), qPrintable(error));
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("chart.bmp"))));
  }

  void legendClickTogglesSeries() {
    MetricChart chart;
    chart.resize(800, 500);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    chart.appendPoints(QStringLiteral("run-A"), lossCurve(50));
    chart.appendPoints(QStringLiteral("run-B"), lossCurve(50, 1.3));
    chart.flush();
    QCPAbstractLegendItem* item = chart.plot()->legend->itemWithPlottable(chart.graph(QStringLiteral("run-B")));
    QVERIFY(item);
    const QPoint centre = item->outerRect().center();
    QSignalSpy spy(&chart, &MetricChart::seriesVisibilityChanged);
    QTest::mouseClick(chart.plot(), Qt::LeftButton, Qt::NoModifier, centre);
    QCOMPARE(spy.count(), 1);
    QVERIFY(!chart.isSeriesVisible(QStringLiteral("run-B")));
    QVERIFY(!chart.graph(QStringLiteral("run-B"))->visible());
    QVERIFY(chart.isSeriesVisible(QStringLiteral("run-A")));
    // Longer than the double-click interval on purpose: two clicks, not a double-click.
    QTest::qWait(QApplication::doubleClickInterval() + 50);
    QTest::mouseClick(chart.plot(), Qt::LeftButton, Qt::NoModifier, centre);
    QVERIFY(chart.isSeriesVisible(QStringLiteral("run-B")));
    QVERIFY(chart.graph(QStringLiteral("run-B"))->visible());
  }

  void wheelStopsFollowingUntilReset() {
    MetricChart chart;
    chart.resize(800, 500);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    chart.appendPoints(QStringLiteral("run-A"), lossCurve(100));
    chart.flush();
    QVERIFY(chart.isFollowing());
    QCOMPARE(chart.plot()->xAxis->range().upper, 990.0);

    sendWheel(chart.plot(), chart.plot()->axisRect()->rect().center(), 120);
    QVERIFY(!chart.isFollowing());
    const QCPRange zoomed = chart.plot()->xAxis->range();
    QVERIFY(zoomed.size() < 990.0);
    chart.appendPoints(QStringLiteral("run-A"), lossCurve(100, 1.0, 100));
    chart.flush();
    QCOMPARE(chart.plot()->xAxis->range(), zoomed);  // the user's view stays

    doubleClick(chart.plot(), chart.plot()->axisRect()->rect().center());
    QVERIFY(chart.isFollowing());
    QCOMPARE(chart.plot()->xAxis->range().upper, 1990.0);
  }

  void hoverShowsNearestPoint() {
    MetricChart chart;
    chart.resize(800, 500);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    const auto points = lossCurve(20);
    chart.appendPoints(QStringLiteral("run-A"), points);
    chart.flush();
    const QPoint at(int(chart.plot()->xAxis->coordToPixel(points[7].step)) + 2,
                    int(chart.plot()->yAxis->coordToPixel(points[7].value)) - 2);
    QTest::mouseMove(chart.plot(), at);
    QTRY_VERIFY(QToolTip::isVisible());
    QVERIFY(QToolTip::text().contains(QStringLiteral("run-A")));
    QVERIFY2(QToolTip::text().contains(QStringLiteral("step 70")), qPrintable(QToolTip::text()));
    QVERIFY(QToolTip::text().contains(QStringLiteral("epoch 0.175")));
  }

  void screenshot() {
    SIMCLR_SKIP_WITHOUT_SHOTS();
    MetricChart chart;
    chart.resize(820, 480);
    chart.setValueLabel(QStringLiteral("NT-Xent loss"));
    chart.appendPoints(QStringLiteral("run-A (batch 256)"), lossCurve(400));
    chart.appendPoints(QStringLiteral("run-B (batch 512)"), lossCurve(300, 0.85));
    chart.appendPoints(QStringLiteral("run-C (ViT)"), lossCurve(250, 1.15));
    chart.setSmoothing(0.8);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    chart.flush();
    QVERIFY(simclr::widgets::testing::saveShot(chart, QStringLiteral("metric_chart")));
    chart.setLogScale(true);
    chart.setXAxis(MetricChart::XAxis::Epoch);
    chart.flush();
    QVERIFY(simclr::widgets::testing::saveShot(chart, QStringLiteral("metric_chart_log_epoch")));
    const QDir shots(simclr::widgets::testing::shotsDir());
    for (const char* suffix : {"png", "svg", "pdf"})
      QVERIFY(chart.exportImage(shots.filePath(QStringLiteral("metric_chart_export.") + QLatin1String(suffix))));
  }

  // An empty chart says what will fill it; one point is drawn as a dot in a range around it
  // (a lone point draws no line, and spans no range); a long curve has no dots.
  void emptyThenOnePointThenACurve() {
    MetricChart chart;
    chart.setEmptyText(QStringLiteral("No steps yet"));
    QCPItemText* empty = nullptr;
    for (int i = 0; i < chart.plot()->itemCount(); ++i)
      if (auto* t = qobject_cast<QCPItemText*>(chart.plot()->item(i)); t && t->text() == QLatin1String("No steps yet"))
        empty = t;
    QVERIFY(empty);
    QVERIFY(empty->visible());

    chart.appendPoint(QStringLiteral("run"), MetricPoint{0, 0, 31.5});
    chart.flush();
    QVERIFY(!empty->visible());
    QCOMPARE(chart.graph(QStringLiteral("run"))->scatterStyle().shape(), QCPScatterStyle::ssDisc);
    const QCPRange x = chart.plot()->xAxis->range(), y = chart.plot()->yAxis->range();
    QVERIFY2(x.size() > 0 && x.contains(0), qPrintable(QStringLiteral("%1..%2").arg(x.lower).arg(x.upper)));
    QVERIFY2(y.size() > 0 && y.contains(31.5), qPrintable(QStringLiteral("%1..%2").arg(y.lower).arg(y.upper)));

    QVector<MetricPoint> many;
    for (int i = 1; i <= 100; ++i) many.append(MetricPoint{double(i), i / 10.0, 30.0 - i * 0.1});
    chart.appendPoints(QStringLiteral("run"), many);
    chart.flush();
    QCOMPARE(chart.graph(QStringLiteral("run"))->scatterStyle().shape(), QCPScatterStyle::ssNone);
  }
};

QTEST_MAIN(TestMetricChart)
#include "test_metric_chart.moc"

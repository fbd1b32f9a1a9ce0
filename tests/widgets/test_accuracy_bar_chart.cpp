#include <QtTest>

#include <QSet>
#include <QTemporaryDir>
#include <QToolTip>

#include <cmath>

#include "tests/widgets/widget_shots.h"
#include "widgets/accuracy_bar_chart.h"
#include "widgets/qcustomplot_include.h"

using simclr::widgets::AccuracyBarChart;
using simclr::widgets::AccuracySeries;

namespace {

const double kNaN = std::nan("");

// Figure 10's layout: our accuracies and the paper's, one paper value unknown.
const QStringList kCategories = {QStringLiteral("Raw pixels"), QStringLiteral("SimCLR h"), QStringLiteral("PCA"),
                                 QStringLiteral("t-SNE, 2-D")};
QVector<AccuracySeries> figure10Series() {
  return {{QStringLiteral("Ours"), QColor(), {51.23, 51.3, 49.7, 31.26}},
          {QStringLiteral("Paper"), QColor(Qt::gray), {35.77, kNaN, 39.67, 28.72}}};
}

QVector<double> keys(const QCPBars* bars) {
  QVector<double> out;
  for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it) out << it->key;
  return out;
}

QVector<double> values(const QCPBars* bars) {
  QVector<double> out;
  for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it) out << it->value;
  return out;
}

int distinctColours(const QImage& image) {
  QSet<QRgb> colours;
  for (int y = 0; y < image.height(); y += 2)
    for (int x = 0; x < image.width(); x += 2) colours.insert(image.pixel(x, y));
  return int(colours.size());
}

QByteArray readAll(const QString& file) {
  QFile f(file);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

}  // namespace

class TestAccuracyBarChart : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void barsHoldTheValues() {
    AccuracyBarChart chart;
    chart.setData(kCategories, figure10Series());
    QCOMPARE(chart.plot()->plottableCount(), 2);
    QCOMPARE(chart.bars(0)->name(), QStringLiteral("Ours"));
    QCOMPARE(values(chart.bars(0)), (QVector<double>{51.23, 51.3, 49.7, 31.26}));
    // The paper has no number for "SimCLR h": no bar there, the others in order.
    QCOMPARE(values(chart.bars(1)), (QVector<double>{35.77, 39.67, 28.72}));
    QCOMPARE(keys(chart.bars(1)), (QVector<double>{chart.barKey(1, 0), chart.barKey(1, 2), chart.barKey(1, 3)}));
    // Two bars side by side, centred on their category, not overlapping.
    QCOMPARE(chart.barKey(0, 2) + chart.barKey(1, 2), 4.0);
    QVERIFY(chart.barKey(1, 2) - chart.barKey(0, 2) >= chart.bars(0)->width());
    QVERIFY(!chart.bars(2));
    // One label per drawn bar, one decimal.
    QCOMPARE(chart.valueLabels().size(), 7);
    QStringList texts;
    for (QCPItemText* label : chart.valueLabels()) texts << label->text();
    QCOMPARE(texts, (QStringList{"51.2", "51.3", "49.7", "31.3", "35.8", "39.7", "28.7"}));
    QCOMPARE(chart.valueLabels()[4]->position->coords(), QPointF(chart.barKey(1, 0), 35.77));
    // Colours: the given one kept, a missing one from the palette.
    QCOMPARE(chart.series()[1].color, QColor(Qt::gray));
    QVERIFY(chart.series()[0].color.isValid());
    QCOMPARE(chart.bars(0)->brush().color(), chart.series()[0].color);
    // Tick labels name the categories (long ones wrapped).
    auto ticker = chart.plot()->xAxis->ticker().dynamicCast<QCPAxisTickerText>();
    QVERIFY(ticker);
    QCOMPARE(ticker->ticks().size(), 4);
    QCOMPARE(ticker->ticks().value(2), QStringLiteral("PCA"));
    QVERIFY(chart.plot()->legend->visible());
    QCOMPARE(chart.plot()->legend->itemCount(), 2);
  }

  void shortSeriesArePaddedAndDataReplaced() {
    AccuracyBarChart chart;
    chart.setData(kCategories, figure10Series());
    chart.setData({QStringLiteral("ViT 6/6"), QStringLiteral("ViT 8/8")}, {{QStringLiteral("Ours"), QColor(), {41.0}}});
    QCOMPARE(chart.plot()->plottableCount(), 1);
    QCOMPARE(chart.bars(0)->dataCount(), 1);
    QCOMPARE(chart.valueLabels().size(), 1);
    QVERIFY(std::isnan(chart.series()[0].values[1]));
    // One series: bars sit on their category.
    QCOMPARE(chart.barKey(0, 1), 1.0);
    QVERIFY(chart.barWidth() <= 0.45);  // a lone series keeps bars from filling the category
    chart.clear();
    QCOMPARE(chart.plot()->plottableCount(), 0);
    QCOMPARE(chart.plot()->itemCount(), 0);
  }

  void yRange() {
    AccuracyBarChart chart;
    chart.setData(kCategories, figure10Series());
    QCOMPARE(chart.plot()->yAxis->range().lower, 0.0);
    QCOMPARE(chart.plot()->yAxis->range().upper, 100.0);
    chart.setAutoRange(true);
    QCOMPARE(chart.plot()->yAxis->range().upper, 51.3 * 1.15);
    chart.setAutoRange(false);
    // A bar near 100 %: room for its label above the axis' 100.
    chart.setData({QStringLiteral("a")}, {{QStringLiteral("Ours"), QColor(), {97.0}}});
    QVERIFY(chart.plot()->yAxis->range().upper > 104.0);
  }

  void titleAndValueLabel() {
    AccuracyBarChart chart;
    chart.setTitle(QStringLiteral("Figure 10"));
    auto* title = qobject_cast<QCPTextElement*>(chart.plot()->plotLayout()->element(0, 0));
    QVERIFY(title);
    QCOMPARE(title->text(), QStringLiteral("Figure 10"));
    QCOMPARE(chart.plot()->yAxis->label(), QStringLiteral("Top-1 accuracy (%)"));
    chart.setValueLabel(QStringLiteral("kNN top-1 (%)"));
    QCOMPARE(chart.plot()->yAxis->label(), QStringLiteral("kNN top-1 (%)"));
  }

  void hoverNamesSeriesCategoryAndValue() {
    AccuracyBarChart chart;
    chart.resize(800, 500);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    chart.setData(kCategories, figure10Series());
    chart.plot()->replot();
    const QCPAxis* x = chart.plot()->xAxis;
    const QCPAxis* y = chart.plot()->yAxis;
    // Middle of the paper's PCA bar.
    QPoint at(int(x->coordToPixel(chart.barKey(1, 2))), int(y->coordToPixel(39.67 / 2)));
    QTest::mouseMove(chart.plot(), at);
    QTRY_VERIFY(QToolTip::isVisible());
    QVERIFY2(QToolTip::text().contains(QStringLiteral("Paper")), qPrintable(QToolTip::text()));
    QVERIFY(QToolTip::text().contains(QStringLiteral("PCA")));
    QVERIFY(QToolTip::text().contains(QStringLiteral("39.67")));
    // Our raw-pixel bar.
    at = QPoint(int(x->coordToPixel(chart.barKey(0, 0))), int(y->coordToPixel(10)));
    QTest::mouseMove(chart.plot(), at);
    QTRY_VERIFY(QToolTip::text().contains(QStringLiteral("Raw pixels")));
    QVERIFY(QToolTip::text().contains(QStringLiteral("Ours")));
    QVERIFY(QToolTip::text().contains(QStringLiteral("51.23")));
    // Where the paper has no value there is no bar and no tooltip.
    at = QPoint(int(x->coordToPixel(chart.barKey(1, 1))), int(y->coordToPixel(10)));
    QTest::mouseMove(chart.plot(), at);
    QTRY_VERIFY(!QToolTip::isVisible());
  }

  void savePngOfRequestedSize() {
    QTemporaryDir dir;
    AccuracyBarChart chart;
    chart.setTitle(QStringLiteral("Linear evaluation"));
    chart.setData(kCategories, figure10Series());
    const QString file = dir.filePath(QStringLiteral("bars.png"));
    QString error;
    QVERIFY2(chart.savePng(file, 640, 400, 1.0, &error), qPrintable(error));
    const QImage image(file);
    QCOMPARE(image.size(), QSize(640, 400));
    QVERIFY2(distinctColours(image) > 8, qPrintable(QString::number(distinctColours(image))));
    // The palette colour of "Ours" fills many pixels.
    const QRgb ours = chart.series()[0].color.rgb();
    int oursPixels = 0;
    for (int y = 0; y < image.height(); ++y)
      for (int x = 0; x < image.width(); ++x) oursPixels += (image.pixel(x, y) & 0xffffff) == (ours & 0xffffff);
    QVERIFY2(oursPixels > 2000, qPrintable(QString::number(oursPixels)));
    QVERIFY(chart.savePng(file, 300, 200, 2.0, &error));
    QCOMPARE(QImage(file).size(), QSize(600, 400));
  }

  void saveVectorFormats() {
    QTemporaryDir dir;
    AccuracyBarChart chart;
    chart.setData(kCategories, figure10Series());
    const QString svg = dir.filePath(QStringLiteral("bars.svg"));
    const QString pdf = dir.filePath(QStringLiteral("bars.pdf"));
    QVERIFY(chart.saveSvg(svg));
    QVERIFY(chart.savePdf(pdf));
    QVERIFY(readAll(svg).contains("<svg"));
    QVERIFY(readAll(svg).contains("Paper"));
    QVERIFY(readAll(pdf).startsWith("%PDF-"));
    QString error;
    QVERIFY(!chart.saveImage(dir.filePath(QStringLiteral("bars.bmp")), QSize(400, 300), &error));
    QVERIFY2(error.contains(QStringLiteral(".bmp")), qPrintable(error));
    QVERIFY(!chart.savePng(QStringLiteral("/nonexistent-simclr-dir/bars.png"), 400, 300, 1.0, &error));
    QVERIFY2(error.contains(QStringLiteral("nonexistent-simclr-dir")), qPrintable(error));
  }

  void csv() {
    AccuracyBarChart chart;
    chart.setData(kCategories, figure10Series());
    QCOMPARE(chart.toCsv(), QStringLiteral("category,Ours,Paper\n"
                                           "Raw pixels,51.23,35.77\n"
                                           "SimCLR h,51.3,\n"
                                           "PCA,49.7,39.67\n"
                                           "\"t-SNE, 2-D\",31.26,28.72\n"));
    chart.clear();
    QCOMPARE(chart.toCsv(), QStringLiteral("category\n"));
  }

  void screenshot() {
    SIMCLR_SKIP_WITHOUT_SHOTS();
    AccuracyBarChart chart;
    chart.resize(820, 480);
    chart.setTitle(QStringLiteral("MLP test top-1 by representation (Figure 10)"));
    chart.setData({QStringLiteral("Raw pixels"), QStringLiteral("SimCLR embeddings (h)"), QStringLiteral("PCA of h"),
                   QStringLiteral("t-SNE of h")},
                  figure10Series());
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    QVERIFY(simclr::widgets::testing::saveShot(chart, QStringLiteral("accuracy_bar_chart")));
  }
};

QTEST_MAIN(TestAccuracyBarChart)
#include "test_accuracy_bar_chart.moc"

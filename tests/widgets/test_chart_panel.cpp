#include <QtTest>

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QSlider>
#include <QTemporaryDir>
#include <QToolButton>
#include <QWheelEvent>

#include <cmath>

#include "tests/widgets/widget_shots.h"
#include "widgets/chart_panel.h"
#include "widgets/metric_chart.h"
#include "widgets/qcustomplot_include.h"

using simclr::widgets::ChartPanel;
using simclr::widgets::MetricChart;
using simclr::widgets::MetricPoint;

namespace {
QVector<MetricPoint> curve(int n, double scale = 1.0) {
  QVector<MetricPoint> points;
  for (int i = 0; i < n; ++i)
    points.append({double(i), i / 50.0, scale * (1.0 + 3.0 * std::exp(-i / 40.0) + 0.2 * std::sin(i * 1.3))});
  return points;
}

template <typename T>
T* child(QWidget& parent, const char* name) {
  T* widget = parent.findChild<T*>(QLatin1String(name));
  if (!widget) qFatal("missing child %s", name);
  return widget;
}
}  // namespace

class TestChartPanel : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void init() {
    panel_ = std::make_unique<ChartPanel>();
    panel_->resize(820, 480);
    panel_->chart()->appendPoints(QStringLiteral("run-A"), curve(200));
    panel_->show();
    QVERIFY(QTest::qWaitForWindowExposed(panel_.get()));
  }
  void cleanup() { panel_.reset(); }

  void sliderSetsSmoothing() {
    auto* slider = child<QSlider>(*panel_, "smoothingSlider");
    auto* label = child<QLabel>(*panel_, "smoothingLabel");
    QCOMPARE(label->text(), QStringLiteral("0.00"));
    slider->setValue(60);
    QCOMPARE(panel_->chart()->smoothing(), 0.6);
    QCOMPARE(label->text(), QStringLiteral("0.60"));
    // Keyboard: PageUp moves one page step (0.10), End goes to the strongest smoothing.
    slider->setFocus();
    QTest::keyClick(slider, Qt::Key_PageUp);
    QCOMPARE(panel_->chart()->smoothing(), 0.7);
    QTest::keyClick(slider, Qt::Key_End);
    QCOMPARE(panel_->chart()->smoothing(), 0.99);
    QCOMPARE(label->text(), QStringLiteral("0.99"));
    QTest::keyClick(slider, Qt::Key_Home);
    QCOMPARE(panel_->chart()->smoothing(), 0.0);
  }

  void checkBoxTogglesLogScale() {
    auto* check = child<QCheckBox>(*panel_, "logScaleCheck");
    QTest::mouseClick(check, Qt::LeftButton, Qt::NoModifier, QPoint(8, check->height() / 2));
    QVERIFY(panel_->chart()->logScale());
    panel_->chart()->flush();
    QCOMPARE(panel_->chart()->plot()->yAxis->scaleType(), QCPAxis::stLogarithmic);
    check->setFocus();
    QTest::keyClick(check, Qt::Key_Space);
    QVERIFY(!panel_->chart()->logScale());
  }

  void comboSwitchesXAxis() {
    auto* combo = child<QComboBox>(*panel_, "xAxisCombo");
    combo->setFocus();
    QTest::keyClick(combo, Qt::Key_Down);
    QCOMPARE(panel_->chart()->xAxis(), MetricChart::XAxis::Epoch);
    QTest::keyClick(combo, Qt::Key_Up);
    QCOMPARE(panel_->chart()->xAxis(), MetricChart::XAxis::Step);
  }

  void controlsFollowTheChart() {
    panel_->chart()->setSmoothing(0.25);
    panel_->chart()->setLogScale(true);
    panel_->chart()->setXAxis(MetricChart::XAxis::Epoch);
    QCOMPARE(child<QSlider>(*panel_, "smoothingSlider")->value(), 25);
    QCOMPARE(child<QLabel>(*panel_, "smoothingLabel")->text(), QStringLiteral("0.25"));
    QVERIFY(child<QCheckBox>(*panel_, "logScaleCheck")->isChecked());
    QCOMPARE(child<QComboBox>(*panel_, "xAxisCombo")->currentIndex(), 1);
  }

  void resetButtonFollowsAgain() {
    MetricChart* chart = panel_->chart();
    chart->flush();
    const QPoint centre = chart->plot()->axisRect()->rect().center();
    QWheelEvent wheel(centre, chart->plot()->mapToGlobal(centre), QPoint(), QPoint(0, 120), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(chart->plot(), &wheel);
    QVERIFY(!chart->isFollowing());
    QTest::mouseClick(child<QToolButton>(*panel_, "resetViewButton"), Qt::LeftButton);
    QVERIFY(chart->isFollowing());
    QCOMPARE(chart->plot()->xAxis->range().upper, 199.0);
  }

  void exportToChoosesFormat() {
    QTemporaryDir dir;
    QSignalSpy spy(panel_.get(), &ChartPanel::exported);
    QVERIFY(panel_->exportTo(dir.filePath(QStringLiteral("a.csv"))));
    QVERIFY(panel_->exportTo(dir.filePath(QStringLiteral("a.PNG"))));
    QCOMPARE(spy.count(), 2);
    QFile csv(dir.filePath(QStringLiteral("a.csv")));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    QVERIFY(csv.readLine().startsWith("series,step,epoch,value,smoothed"));
    QString error;
    QVERIFY(!panel_->exportTo(dir.filePath(QStringLiteral("a.txt")), &error));
    QVERIFY(!error.isEmpty());
    QCOMPARE(spy.count(), 2);
  }

  void screenshot() {
    SIMCLR_SKIP_WITHOUT_SHOTS();
    panel_->chart()->appendPoints(QStringLiteral("run-B"), curve(150, 0.8));
    panel_->chart()->setValueLabel(QStringLiteral("Loss"));
    child<QSlider>(*panel_, "smoothingSlider")->setValue(60);
    panel_->chart()->flush();
    QVERIFY(simclr::widgets::testing::saveShot(*panel_, QStringLiteral("chart_panel")));
  }

 private:
  std::unique_ptr<ChartPanel> panel_;
};

QTEST_MAIN(TestChartPanel)
#include "test_chart_panel.moc"

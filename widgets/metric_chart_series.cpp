#include "widgets/metric_chart_series.h"

#include <QPen>

#include "widgets/qcustomplot_include.h"

namespace simclr::widgets {
namespace {
// Raw curves under a smoothed one: visible, but clearly secondary.
constexpr int kRawAlpha = 64;
constexpr double kLineWidth = 1.8;

QString number(double v) {
  return QString::number(v, 'g', 6);
}
}  // namespace

QColor seriesPaletteColor(int index) {
  static const QRgb colors[] = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
                                0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf};
  constexpr int n = int(sizeof(colors) / sizeof(colors[0]));
  return QColor(colors[((index % n) + n) % n]);
}

void MetricChart::Series::append(const QVector<MetricPoint>& more) {
  for (const MetricPoint& p : more) {
    if (!points.isEmpty()) {
      stepSorted = stepSorted && p.step >= points.constLast().step;
      epochSorted = epochSorted && p.epoch >= points.constLast().epoch;
    }
    points.append(p);
  }
}

void MetricChart::Series::applyPens() {
  QPen solid(color, kLineWidth);
  solid.setCapStyle(Qt::RoundCap);
  solid.setJoinStyle(Qt::RoundJoin);
  line->setPen(solid);
  QColor faint = color;
  faint.setAlpha(kRawAlpha);
  raw->setPen(QPen(faint, 1.0));
}

QString MetricChart::Series::tooltip(int index, double shown, bool stepAxis, bool smoothing) const {
  QString text = QStringLiteral("<b>%1</b>").arg(name.toHtmlEscaped());
  const bool aligned = (stepAxis ? stepSorted : epochSorted) && index < drawn;
  if (aligned) {
    const MetricPoint& p = points[index];
    text += QStringLiteral("<br>step %1 &middot; epoch %2").arg(number(p.step), number(p.epoch));
    text += QStringLiteral("<br>value %1").arg(number(p.value));
    if (smoothing) text += QStringLiteral(" (smoothed %1)").arg(number(shown));
  } else {
    // Keys went backwards (a resumed run): only the plotted coordinates are certain.
    const auto it = line->data()->constBegin() + index;
    text +=
        QStringLiteral("<br>%1 %2").arg(stepAxis ? QStringLiteral("step") : QStringLiteral("epoch"), number(it->key));
    text += QStringLiteral("<br>%1 %2")
                .arg(smoothing ? QStringLiteral("smoothed") : QStringLiteral("value"), number(shown));
  }
  return text;
}

}  // namespace simclr::widgets

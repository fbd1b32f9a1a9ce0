#include "widgets/ema_smoothing.h"

#include <algorithm>
#include <cmath>

namespace simclr::widgets {

EmaSmoother::EmaSmoother(double weight) : m_weight(std::clamp(weight, 0.0, 0.999)) {}

double EmaSmoother::next(double value) {
  if (!std::isfinite(value)) return value;
  m_last = m_last * m_weight + (1.0 - m_weight) * value;
  m_debias *= m_weight;
  return m_last / (1.0 - m_debias);
}

void EmaSmoother::reset() {
  m_last = 0.0;
  m_debias = 1.0;
}

QVector<double> smoothEma(const QVector<double>& values, double weight) {
  EmaSmoother ema(weight);
  QVector<double> out;
  out.reserve(values.size());
  for (double v : values) out.append(ema.next(v));
  return out;
}

}  // namespace simclr::widgets

#include "widgets/ema_smoothing.h"

#include <algorithm>
#include <cmath>

namespace simclr::widgets {

EmaSmoother::EmaSmoother(double weight) : weight_(std::clamp(weight, 0.0, 0.999)) {}

double EmaSmoother::next(double value) {
  if (!std::isfinite(value)) return value;
  last_ = last_ * weight_ + (1.0 - weight_) * value;
  debias_ *= weight_;
  return last_ / (1.0 - debias_);
}

void EmaSmoother::reset() {
  last_ = 0.0;
  debias_ = 1.0;
}

QVector<double> smoothEma(const QVector<double>& values, double weight) {
  EmaSmoother ema(weight);
  QVector<double> out;
  out.reserve(values.size());
  for (double v : values) out.append(ema.next(v));
  return out;
}

}  // namespace simclr::widgets

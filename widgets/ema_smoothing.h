#pragma once

#include <QVector>

namespace simclr::widgets {

// Exponential moving average with TensorBoard's debiasing: the running average starts at 0
// and is divided by (1 - weight^n), so early values are not pulled towards zero.
// weight is clamped to [0, 0.999]; weight 0 returns the input unchanged. Non-finite values
// are passed through and do not disturb the average.
class EmaSmoother {
 public:
  explicit EmaSmoother(double weight = 0.0);

  double weight() const { return weight_; }
  // Feeds the next raw value and returns its smoothed value.
  double next(double value);
  void reset();

 private:
  double weight_;
  double last_ = 0.0;
  double debias_ = 1.0;  // weight^n, updated incrementally instead of calling pow() per point
};

QVector<double> smoothEma(const QVector<double>& values, double weight);

}  // namespace simclr::widgets

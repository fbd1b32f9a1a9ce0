#include "engine/models/batch_norm.h"

#include <torch/torch.h>

namespace simclr {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

std::vector<int64_t> reduce_dims(const torch::Tensor& x) {
  std::vector<int64_t> dims{0};
  for (int64_t d = 2; d < x.dim(); ++d) dims.push_back(d);
  return dims;
}

// [C] -> broadcastable against x: [1, C] or [1, C, 1, 1].
torch::Tensor per_channel(const torch::Tensor& v, const torch::Tensor& x) {
  std::vector<int64_t> shape(x.dim(), 1);
  shape[1] = v.size(0);
  return v.view(shape);
}

// Statistics over every process: two sum all-reduces in forward (the mean, then the squared
// deviations from it, which is exact where E[x²] − E[x]² would cancel), one in backward.
// Parameter gradients stay local: the run's gradient all-reduce sums them with the rest.
struct SyncBatchNormFunction : public torch::autograd::Function<SyncBatchNormFunction> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x, const torch::Tensor& weight,
                               const torch::Tensor& bias, torch::Tensor running_mean, torch::Tensor running_var,
                               double eps, double momentum, BatchStatsReducer* reducer) {
    const auto dims = reduce_dims(x);
    const torch::Tensor xf = x.to(torch::kFloat);
    torch::Tensor sum_count = torch::cat({xf.sum(dims), torch::full({1}, double(x.numel() / x.size(1)), xf.options())});
    reducer->all_reduce_sum(sum_count);
    const int64_t c = x.size(1);
    const double count = sum_count[c].item<double>();
    const torch::Tensor mean = sum_count.slice(0, 0, c) / count;
    const torch::Tensor centred = xf - per_channel(mean, xf);
    torch::Tensor squares = centred.square().sum(dims);
    reducer->all_reduce_sum(squares);
    const torch::Tensor var = squares / count;  // biased, as BN normalises
    const torch::Tensor invstd = (var + eps).rsqrt();
    const torch::Tensor xhat = centred * per_channel(invstd, xf);
    {
      torch::NoGradGuard no_grad;
      running_mean.mul_(1 - momentum).add_(mean.to(running_mean.dtype()), momentum);
      const double unbiased = count > 1 ? count / (count - 1) : 1.0;
      running_var.mul_(1 - momentum).add_((var * unbiased).to(running_var.dtype()), momentum);
    }
    ctx->save_for_backward({xhat, invstd, weight});
    ctx->saved_data["count"] = count;
    ctx->saved_data["reducer"] = reinterpret_cast<int64_t>(reducer);  // outlives the step
    ctx->saved_data["dtype"] = static_cast<int64_t>(x.scalar_type());
    return (xhat * per_channel(weight.to(torch::kFloat), xf) + per_channel(bias.to(torch::kFloat), xf))
        .to(x.scalar_type());
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const torch::Tensor& xhat = saved[0];
    const torch::Tensor& invstd = saved[1];
    const torch::Tensor& weight = saved[2];
    const double count = ctx->saved_data["count"].toDouble();
    auto* reducer = reinterpret_cast<BatchStatsReducer*>(ctx->saved_data["reducer"].toInt());
    const auto dtype = static_cast<torch::ScalarType>(ctx->saved_data["dtype"].toInt());

    const torch::Tensor dy = grads[0].to(torch::kFloat);
    const auto dims = reduce_dims(dy);
    const torch::Tensor local_sum_dy = dy.sum(dims);
    const torch::Tensor local_sum_dy_xhat = (dy * xhat).sum(dims);
    torch::Tensor sums = torch::cat({local_sum_dy, local_sum_dy_xhat});
    reducer->all_reduce_sum(sums);
    const int64_t c = local_sum_dy.size(0);
    const torch::Tensor mean_dy = sums.slice(0, 0, c) / count;
    const torch::Tensor mean_dy_xhat = sums.slice(0, c, 2 * c) / count;
    const torch::Tensor dx = per_channel(weight.to(torch::kFloat) * invstd, dy) *
                             (dy - per_channel(mean_dy, dy) - xhat * per_channel(mean_dy_xhat, dy));
    return {dx.to(dtype),
            local_sum_dy_xhat.to(weight.scalar_type()),
            local_sum_dy.to(weight.scalar_type()),
            torch::Tensor(),
            torch::Tensor(),
            torch::Tensor(),
            torch::Tensor(),
            torch::Tensor()};
  }
};

}  // namespace

BatchNormImpl::BatchNormImpl(int64_t channels, double eps, double momentum)
    : channels_(channels), eps_(eps), momentum_(momentum) {
  // Registered in torch::nn::BatchNorm's order, so state dicts and checkpoints match.
  weight = register_parameter("weight", torch::empty({channels}));
  bias = register_parameter("bias", torch::empty({channels}));
  running_mean = register_buffer("running_mean", torch::zeros({channels}));
  running_var = register_buffer("running_var", torch::ones({channels}));
  num_batches_tracked = register_buffer("num_batches_tracked", torch::tensor(0, torch::kLong));
  reset_parameters();
}

void BatchNormImpl::reset_parameters() {
  torch::NoGradGuard no_grad;
  weight.fill_(1);
  bias.zero_();
  running_mean.zero_();
  running_var.fill_(1);
  num_batches_tracked.zero_();
}

torch::Tensor BatchNormImpl::forward(const torch::Tensor& x) {
  TORCH_CHECK(x.dim() == 2 || x.dim() == 4, "BatchNorm expects [N, C] or [N, C, H, W] input, got ", x.sizes());
  if (is_training()) {
    TORCH_CHECK(x.numel() / x.size(1) > 1, "Expected more than 1 value per channel when training, got input size ",
                x.sizes());
    num_batches_tracked += 1;
  }
  if (is_training() && reducer_)
    return SyncBatchNormFunction::apply(x, weight, bias, running_mean, running_var, eps_, momentum_, reducer_.get());
  // Exactly what torch::nn::BatchNorm{1,2}d computes.
  return torch::batch_norm(x, weight, bias, running_mean, running_var, is_training(), momentum_, eps_,
                           at::globalContext().userEnabledCuDNN());
}

void set_batch_norm_reducer(torch::nn::Module& module, const std::shared_ptr<BatchStatsReducer>& reducer) {
  for (const auto& m : module.modules())
    if (auto* bn = m->as<BatchNormImpl>()) bn->set_reducer(reducer);
}

}  // namespace simclr

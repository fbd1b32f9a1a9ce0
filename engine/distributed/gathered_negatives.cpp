#include "engine/distributed/gathered_negatives.h"

#include <limits>

#include <torch/torch.h>

#include "engine/core/error.h"

namespace simclr {

namespace {

namespace F = torch::nn::functional;
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

struct AllGatherFunction : public torch::autograd::Function<AllGatherFunction> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x, ProcessGroup* group) {
    ctx->saved_data["group"] = reinterpret_cast<int64_t>(group);  // the group outlives the step
    ctx->saved_data["rows"] = x.size(0);
    return group->all_gather(x);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto* group = reinterpret_cast<ProcessGroup*>(ctx->saved_data["group"].toInt());
    const int64_t rows = ctx->saved_data["rows"].toInt();
    torch::Tensor sum = grads[0].contiguous().clone();
    group->all_reduce_sum(sum);
    const int64_t start = group->rank() * rows;
    return {sum.slice(0, start, start + rows), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor all_gather_with_grad(const torch::Tensor& x, ProcessGroup& group) {
  return AllGatherFunction::apply(x, &group);
}

GatheredLoss gathered_nt_xent_loss(const torch::Tensor& z1, const torch::Tensor& z2, ProcessGroup& group,
                                   double temperature) {
  if (!(temperature > 0) || !std::isfinite(temperature))
    throw ConfigError("the temperature must be a finite number > 0, got " + std::to_string(temperature));
  if (z1.dim() != 2 || z1.sizes() != z2.sizes() || z1.size(0) < 1)
    throw ConfigError("gathered_nt_xent_loss: the two views must both be [n, P] with n >= 1");
  const int64_t n = z1.size(0), p = z1.size(1), world = group.world_size(), rank = group.rank();
  const int64_t total = world * n;  // N, the global batch

  // One all-gather of [z1; z2]: [W * 2n, P] -> the global z1 and z2 in rank order.
  torch::Tensor local = torch::cat({z1, z2}, 0);
  if (local.scalar_type() != torch::kDouble) local = local.to(torch::kFloat);
  const torch::Tensor gathered = all_gather_with_grad(local, group).view({world, 2, n, p});
  GatheredLoss out;
  out.z1_all = gathered.select(1, 0).reshape({total, p});
  out.z2_all = gathered.select(1, 1).reshape({total, p});

  const torch::Tensor z =
      F::normalize(torch::cat({out.z1_all, out.z2_all}, 0), F::NormalizeFuncOptions().p(2).dim(1).eps(1e-12));
  // This rank's rows of the [2N, 2N] problem: its z1 at rank*n.., its z2 at N + rank*n..
  auto idx = torch::TensorOptions().dtype(torch::kLong).device(z.device());
  const torch::Tensor own = torch::arange(rank * n, (rank + 1) * n, idx);
  const torch::Tensor rows = torch::cat({own, own + total});
  const torch::Tensor positives = torch::cat({own + total, own});
  torch::Tensor logits = torch::mm(z.index_select(0, rows), z.t()) / temperature;  // [2n, 2N]
  const torch::Tensor self =
      torch::zeros_like(logits, logits.options().dtype(torch::kBool)).scatter_(1, rows.unsqueeze(1), true);
  logits = logits.masked_fill(self, -std::numeric_limits<double>::infinity());
  out.loss = F::cross_entropy(logits, positives, F::CrossEntropyFuncOptions().reduction(torch::kSum)) /
             static_cast<double>(2 * total);
  return out;
}

}  // namespace simclr

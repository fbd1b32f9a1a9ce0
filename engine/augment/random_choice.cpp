#include "engine/augment/random_choice.h"

#include "engine/core/error.h"

namespace simclr {

namespace {

nlohmann::json ops_to_json(const AugmentOps& ops) {
  auto out = nlohmann::json::array();
  for (const auto& op : ops) out.push_back(op->to_json());
  return out;
}

std::string describe(ImageSize size) {
  return std::to_string(size.height) + "x" + std::to_string(size.width);
}

}  // namespace

ImageSize ops_output_size(const AugmentOps& ops, ImageSize in) {
  for (const auto& op : ops) in = op->output_size(in);
  return in;
}

nlohmann::json RandomChoice::to_json() const {
  return {{"op", kind()}, {"p", p_}, {"then", ops_to_json(then_)}, {"else", ops_to_json(else_)}};
}

ImageSize RandomChoice::output_size(ImageSize in) const {
  const ImageSize a = ops_output_size(then_, in);
  const ImageSize b = ops_output_size(else_, in);
  if (a != b) {
    throw ConfigError("random_choice: the branches give different image sizes for " + describe(in) +
                      " input (then: " + describe(a) + ", else: " + describe(b) + ")");
  }
  return a;
}

void RandomChoice::apply(AugmentBatch& batch, at::Generator& gen, AugmentTrace* trace) const {
  const int64_t count = batch.size();
  const ImageSize in = batch.image_size();
  const ImageSize out_size = output_size(in);  // checks that the branches agree
  const auto take_then = augment_detail::coin_flips(count, p_, gen);
  const auto take_else = take_then.logical_not();
  const auto then_rows = augment_detail::mask_indices(take_then);
  const auto else_rows = augment_detail::mask_indices(take_else);
  const int64_t then_count = then_rows.size(0);

  if (then_count == count || then_count == 0) {
    run_ops(then_count == count ? then_ : else_, batch, gen, trace);
  } else {
    const auto device = batch.images().device();
    const auto then_device_rows = then_rows.to(device);
    const auto else_device_rows = else_rows.to(device);
    AugmentBatch then_batch(batch.images().index_select(0, then_device_rows), true);
    AugmentBatch else_batch(batch.images().index_select(0, else_device_rows), true);
    AugmentTrace then_trace, else_trace;
    if (trace) {
      then_trace = trace->select_rows(then_rows);
      else_trace = trace->select_rows(else_rows);
    }
    run_ops(then_, then_batch, gen, trace ? &then_trace : nullptr);
    run_ops(else_, else_batch, gen, trace ? &else_trace : nullptr);
    // Same size as the input: write back into the batch's own (now unused) storage.
    auto out = out_size == in ? batch.writable()
                              : torch::empty({count, batch.channels(), out_size.height, out_size.width},
                                             then_batch.images().options());
    out.index_copy_(0, then_device_rows, then_batch.images());
    out.index_copy_(0, else_device_rows, else_batch.images());
    if (!out.is_same(batch.images())) batch.replace(out);
    if (trace) {
      trace->merge_rows(then_trace, then_rows);
      trace->merge_rows(else_trace, else_rows);
    }
  }
  if (trace) trace->branch = take_else.to(torch::kLong);
}

}  // namespace simclr

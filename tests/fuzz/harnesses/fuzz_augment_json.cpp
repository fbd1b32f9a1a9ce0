// Augmentation specs (the project's "augmentation" value, the GUI's editor, presets): the
// validator, the parser and, for pipelines that stay small, one application to a batch.
#include <nlohmann/json.hpp>

#include "engine/augment/augment_pipeline.h"
#include "engine/core/seeding.h"
#include "tests/fuzz/fuzz_harness.h"

SIMCLR_FUZZ_HARNESS(augment_json) {
  using namespace simclr;
  const nlohmann::json spec = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (spec.is_discarded()) return 0;
  (void)AugmentPipeline::validate(spec, "augmentation");
  return fuzz::expect_errors([&] {
    const AugmentPipeline pipeline = AugmentPipeline::from_json(spec);
    (void)AugmentPipeline::from_json(pipeline.to_json());
    if (pipeline.output_size(8) > 32) return;  // a 224-pixel resize is valid, just slow here
    at::Generator gen = make_generator(1);
    const torch::Tensor images = torch::arange(2 * 3 * 8 * 8, torch::kLong).remainder(256).to(torch::kByte);
    pipeline.apply(images.view({2, 3, 8, 8}), gen);
  });
}

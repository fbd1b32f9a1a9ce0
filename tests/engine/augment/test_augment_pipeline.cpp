#include <QtTest>

#include "augment_test_util.h"
#include "engine/augment/augment_pipeline.h"
#include "engine/augment/normalize.h"
#include "engine/core/error.h"
#include "engine/project/project_file.h"

using namespace simclr;
using nlohmann::json;
using simclr::test::max_abs_diff;
using simclr::test::random_images;

namespace {

torch::Tensor run(const AugmentPipeline& pipeline, const torch::Tensor& images, uint64_t seed,
                  AugmentTrace* trace = nullptr) {
  auto gen = make_generator(seed);
  return pipeline.apply(images, gen, trace);
}

torch::Tensor random_uint8(int64_t batch, int64_t channels, int64_t side, uint64_t seed = 3) {
  auto gen = make_generator(seed);
  return torch::randint(0, 256, {batch, channels, side, side}, gen, torch::kByte);
}

QString issues_text(const ConfigIssues& issues) {
  return QString::fromStdString(join_issues(issues));
}

}  // namespace

class TestAugmentPipeline : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void presetsRoundTrip_data() {
    QTest::addColumn<QString>("preset");
    for (const auto& name : AugmentPipeline::preset_names())
      QTest::newRow(name.c_str()) << QString::fromStdString(name);
  }
  void presetsRoundTrip() {
    QFETCH(QString, preset);
    const json spec = {{"preset", preset.toStdString()}};
    QVERIFY(AugmentPipeline::validate(spec, "augmentation").empty());
    const auto pipeline = AugmentPipeline::from_json(spec);
    QCOMPARE(pipeline.to_json(), spec);
    // The expanded spec is a valid custom pipeline that draws exactly the same views.
    const json expanded = AugmentPipeline::preset_spec(preset.toStdString());
    QCOMPARE(expanded["preset"].get<std::string>(), std::string("custom"));
    const auto custom = AugmentPipeline::from_json(expanded);
    QCOMPARE(AugmentPipeline::from_json(custom.to_json()).to_json(), custom.to_json());
    const auto images = random_uint8(32, 3, 32);
    QVERIFY(torch::equal(run(pipeline, images, 9), run(custom, images, 9)));
    QCOMPARE(pipeline.output_size(32), int64_t(32));
    QCOMPARE(pipeline.output_size(28), int64_t(28));
  }

  void presetSpecListsEveryKey() {
    const json ops = AugmentPipeline::preset_spec("simclr-cifar")["ops"];
    QCOMPARE(ops.size(), size_t(4));
    QCOMPARE(
        ops[0],
        (json{{"op", "random_resized_crop"}, {"size", 0}, {"scale", {0.2, 1.0}}, {"ratio", {3.0 / 4.0, 4.0 / 3.0}}}));
    QCOMPARE(ops[2]["p"].get<double>(), 0.8);
    QCOMPARE(ops[3], (json{{"op", "random_grayscale"}, {"p", 0.1}}));
    QVERIFY_THROWS_EXCEPTION(ConfigError, AugmentPipeline::preset_spec("bogus"));
  }

  void sameSeedSameViewsOtherSeedOther_data() {
    QTest::addColumn<QString>("preset");
    QTest::newRow("simclr-cifar") << "simclr-cifar";
    QTest::newRow("paper") << "paper";
    QTest::newRow("simclr-imagenet") << "simclr-imagenet";
  }
  void sameSeedSameViewsOtherSeedOther() {
    QFETCH(QString, preset);
    const auto pipeline = AugmentPipeline::from_json(json{{"preset", preset.toStdString()}});
    const auto images = random_uint8(64, 3, 32);
    const auto a = run(pipeline, images, 1);
    QCOMPARE(a.scalar_type(), torch::kFloat);
    QCOMPARE(a.sizes(), (std::vector<int64_t>{64, 3, 32, 32}));
    QVERIFY(a.min().item<double>() >= 0.0 && a.max().item<double>() <= 1.0);
    QVERIFY(torch::equal(a, run(pipeline, images, 1)));
    QVERIFY(!torch::equal(a, run(pipeline, images, 2)));
  }

  void uint8AndFloatInputsAgree_data() { sameSeedSameViewsOtherSeedOther_data(); }
  void uint8AndFloatInputsAgree() {
    QFETCH(QString, preset);
    const auto pipeline = AugmentPipeline::from_json(json{{"preset", preset.toStdString()}});
    const auto bytes = random_uint8(32, 3, 32);
    const auto floats = bytes.to(torch::kFloat).div(255.0);
    QVERIFY(max_abs_diff(run(pipeline, bytes, 4), run(pipeline, floats, 4)) < 1e-6);
    QVERIFY(max_abs_diff(run(pipeline, bytes, 4), run(pipeline, floats.to(torch::kDouble), 4)) < 1e-6);
  }

  void inputIsNeverModifiedOrShared() {
    const auto images = random_images(8, 3, 16, 16);
    const auto copy = images.clone();
    const auto identity = AugmentPipeline::from_json(json{{"preset", "none"}});
    auto out = run(identity, images, 1);
    QVERIFY(torch::equal(out, images));
    out.fill_(0);
    QVERIFY(torch::equal(images, copy));
    run(AugmentPipeline::from_json(json{{"preset", "simclr-imagenet"}}), images, 1);
    QVERIFY(torch::equal(images, copy));
  }

  void oneChannelInput() {
    const auto pipeline = AugmentPipeline::from_json(json{{"preset", "simclr-cifar"}});
    const auto images = random_uint8(16, 1, 28);  // Fashion-MNIST
    AugmentTrace trace;
    const auto out = run(pipeline, images, 3, &trace);
    QCOMPARE(out.sizes(), (std::vector<int64_t>{16, 1, 28, 28}));
    QCOMPARE(pipeline.output_size(28), int64_t(28));
    QVERIFY(trace.cropped.all().item<bool>());
    QVERIFY((trace.crop_box.select(1, 2) <= 28).all().item<bool>());
  }

  void emptyBatch_data() { presetsRoundTrip_data(); }
  void emptyBatch() {
    QFETCH(QString, preset);
    const auto pipeline = AugmentPipeline::from_json(json{{"preset", preset.toStdString()}, {"image_size", 16}});
    AugmentTrace trace;
    const auto out = run(pipeline, torch::zeros({0, 3, 32, 32}, torch::kByte), 1, &trace);
    QCOMPARE(out.sizes(), (std::vector<int64_t>{0, 3, 16, 16}));
    QCOMPARE(trace.batch_size(), int64_t(0));
  }

  void paperPresetTakesEachBranchHalfTheTime() {
    const auto pipeline = AugmentPipeline::from_json(json{{"preset", "paper"}});
    const int64_t n = 3000;
    AugmentTrace trace;
    const auto out = run(pipeline, random_uint8(n, 3, 8), 12, &trace);
    QCOMPARE(out.sizes(), (std::vector<int64_t>{n, 3, 8, 8}));
    const auto then_rows = trace.branch.eq(0), else_rows = trace.branch.eq(1);
    QVERIFY((then_rows | else_rows).all().item<bool>());
    const int64_t then_count = then_rows.sum().item<int64_t>();
    SIMCLR_VERIFY_RATE(then_count, n, 0.5);
    // Crop only in the first branch, jitter (always) only in the second, flips at 0.3 in both.
    QVERIFY(torch::equal(trace.cropped, then_rows));
    QVERIFY(torch::equal(trace.jittered, else_rows));
    SIMCLR_VERIFY_RATE(trace.flipped.index({then_rows}).sum().item<int64_t>(), then_count, 0.3);
    SIMCLR_VERIFY_RATE(trace.flipped.index({else_rows}).sum().item<int64_t>(), n - then_count, 0.3);
    const auto area = (trace.crop_box.select(1, 2) * trace.crop_box.select(1, 3)).index({then_rows}) / 64.0;
    QVERIFY(area.ge(0.7 - 0.2).all().item<bool>());  // 8 px: rounding moves the area a little
    QVERIFY(trace.jitter_factors.index({else_rows}).select(1, 3).abs().le(0.05).all().item<bool>());
  }

  void imageSizeAppendsResize() {
    const auto pipeline = AugmentPipeline::from_json(json{{"preset", "paper"}, {"image_size", 64}});
    QCOMPARE(pipeline.output_size(32), int64_t(64));
    QCOMPARE(run(pipeline, random_uint8(4, 3, 32), 1).sizes(), (std::vector<int64_t>{4, 3, 64, 64}));
    QCOMPARE(pipeline.to_json(), (json{{"preset", "paper"}, {"image_size", 64}}));
  }

  // The normalisation moves to the smaller side of the final resize; the views must not change.
  void normalizedViewsMatchNormalizingAfterwards_data() {
    QTest::addColumn<int>("imageSize");
    QTest::newRow("no resize") << 0;
    QTest::newRow("enlarged to 96") << 96;
    QTest::newRow("shrunk to 20") << 20;
  }
  void normalizedViewsMatchNormalizingAfterwards() {
    QFETCH(int, imageSize);
    json spec = {{"preset", "simclr-cifar"}};
    if (imageSize > 0) spec["image_size"] = imageSize;
    const auto pipeline = AugmentPipeline::from_json(spec);
    const auto images = random_uint8(6, 3, 32);
    const std::vector<double> mean{0.49, 0.48, 0.45}, std{0.25, 0.24, 0.26};
    const auto expected = normalize(run(pipeline, images, 7), mean, std);
    auto gen = make_generator(7);
    const auto views = pipeline.apply_normalized(images, gen, mean, std);
    QCOMPARE(views.sizes(), expected.sizes());
    QVERIFY2(max_abs_diff(views, expected) < 1e-4, qPrintable(QString::number(max_abs_diff(views, expected))));
    QVERIFY(expected.abs().max().item<double>() > 1.5);  // normalised, not [0, 1]
    QVERIFY_THROWS_EXCEPTION(ConfigError, pipeline.apply_normalized(images, gen, {0.5, 0.5}, std));
  }

  void customPipelineRoundTrips() {
    const json spec = json::parse(R"({"preset": "custom", "image_size": 24, "ops": [
        {"op": "random_resized_crop", "size": 32, "scale": [0.2, 1.0], "ratio": [0.75, 1.3333]},
        {"op": "horizontal_flip", "p": 0.5},
        {"op": "random_choice", "p": 0.5,
         "then": [{"op": "gaussian_blur", "kernel_size": 3, "sigma": [0.1, 2.0], "p": 1.0}],
         "else": [{"op": "solarize", "threshold": 0.5, "p": 1.0}]},
        {"op": "color_jitter", "brightness": 0.4, "contrast": 0.4, "saturation": 0.4, "hue": 0.1, "p": 0.8},
        {"op": "random_grayscale", "p": 0.1},
        {"op": "resize", "size": 40}]})");
    QVERIFY2(AugmentPipeline::validate(spec, "augmentation").empty(),
             qPrintable(issues_text(AugmentPipeline::validate(spec, "augmentation"))));
    const auto pipeline = AugmentPipeline::from_json(spec);
    QCOMPARE(pipeline.ops().size(), size_t(6));
    QCOMPARE(pipeline.to_json(), AugmentPipeline::from_json(pipeline.to_json()).to_json());
    QCOMPARE(pipeline.to_json()["ops"][2]["else"][0]["threshold"].get<double>(), 0.5);
    QCOMPARE(pipeline.output_size(96), int64_t(24));
    AugmentTrace trace;
    QCOMPARE(run(pipeline, random_uint8(16, 3, 48), 2, &trace).sizes(), (std::vector<int64_t>{16, 3, 24, 24}));
    QVERIFY(torch::equal(trace.blurred, trace.branch.eq(0)));
    QVERIFY(torch::equal(trace.solarized, trace.branch.eq(1)));
  }

  // As a project file holds it: parsed, validated with the project and written back unchanged.
  void posterizeRoundTripsThroughProjectJson() {
    const json spec = json::parse(R"({"preset": "custom", "ops": [{"op": "posterize", "bits": 4, "p": 0.5}]})");
    const auto pipeline = AugmentPipeline::from_json(spec);
    QCOMPARE(pipeline.ops().size(), size_t(1));
    QCOMPARE(pipeline.ops()[0]->kind(), std::string("posterize"));
    QCOMPARE(pipeline.to_json(), spec);
    QCOMPARE(AugmentPipeline::from_json(pipeline.to_json()).to_json(), spec);
    const json project = {{"augmentation", spec}};
    QVERIFY2(validate_project(project).empty(), qPrintable(issues_text(validate_project(project))));
    QCOMPARE(to_json(parse_project(project))["augmentation"], spec);
    AugmentTrace trace;
    const auto images = random_uint8(400, 3, 4);
    const auto out = run(pipeline, images, 6, &trace);
    SIMCLR_VERIFY_RATE(trace.posterized.sum().item<int64_t>(), 400, 0.5);
    const auto kept = torch::where(trace.posterized.reshape({-1, 1, 1, 1}), images.bitwise_and(0xF0), images);
    QVERIFY(torch::equal(out, kept.to(torch::kFloat).div(255.0)));
  }

  void validationReportsPaths_data() {
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("issue");
    QTest::newRow("probability") << R"({"preset": "custom", "ops": [{"op": "horizontal_flip", "p": 1.5}]})"
                                 << "augmentation.ops[0].p: must be in [0, 1] (got 1.5)";
    QTest::newRow("not a number") << R"({"preset": "custom", "ops": [{"op": "random_grayscale", "p": "often"}]})"
                                  << "augmentation.ops[0].p: must be a number in [0, 1]";
    QTest::newRow("unknown op") << R"({"preset": "custom", "ops": [{"op": "horizontal_flip"}, {"op": "twirl"}]})"
                                << "augmentation.ops[1].op: unknown op \"twirl\" (expected one of: color_jitter, "
                                   "gaussian_blur, horizontal_flip, posterize, random_choice, random_grayscale, "
                                   "random_resized_crop, resize, solarize)";
    QTest::newRow("unknown key") << R"({"preset": "custom", "ops": [{"op": "horizontal_flip", "prob": 0.5}]})"
                                 << "augmentation.ops[0].prob: unknown key for op \"horizontal_flip\"";
    QTest::newRow("missing op") << R"({"preset": "custom", "ops": [{"p": 0.5}]})"
                                << "augmentation.ops[0].op: required (one of: color_jitter, gaussian_blur, "
                                   "horizontal_flip, posterize, random_choice, random_grayscale, random_resized_crop, "
                                   "resize, solarize)";
    QTest::newRow("op not an object") << R"({"preset": "custom", "ops": [3]})"
                                      << "augmentation.ops[0]: must be an object with an \"op\" key";
    QTest::newRow("scale range")
        << R"({"preset": "custom", "ops": [{"op": "random_resized_crop", "scale": [0.9, 0.2]}]})"
        << "augmentation.ops[0].scale: must be [min, max] with min <= max, both in (0, 1] (got [0.9, 0.2])";
    QTest::newRow("ratio shape") << R"({"preset": "custom", "ops": [{"op": "random_resized_crop", "ratio": 1.0}]})"
                                 << "augmentation.ops[0].ratio: must be [min, max] with min <= max, both > 0";
    QTest::newRow("crop size") << R"({"preset": "custom", "ops": [{"op": "random_resized_crop", "size": 12.5}]})"
                               << "augmentation.ops[0].size: must be an integer in [0, 16384]";
    QTest::newRow("hue") << R"({"preset": "custom", "ops": [{"op": "color_jitter", "hue": 0.6}]})"
                         << "augmentation.ops[0].hue: must be in [0, 0.5] (got 0.6)";
    QTest::newRow("negative brightness")
        << R"({"preset": "custom", "ops": [{"op": "color_jitter", "brightness": -0.1}]})"
        << "augmentation.ops[0].brightness: must be in >= 0 (got -0.1)";
    QTest::newRow("even kernel")
        << R"({"preset": "custom", "ops": [{"op": "gaussian_blur", "kernel_size": 4}]})"
        << "augmentation.ops[0].kernel_size: must be odd, or 0 for about 10 % of the image side (got 4)";
    QTest::newRow("posterize bits") << R"({"preset": "custom", "ops": [{"op": "posterize", "bits": 9}]})"
                                    << "augmentation.ops[0].bits: must be in [1, 8] (got 9)";
    QTest::newRow("posterize bits fraction") << R"({"preset": "custom", "ops": [{"op": "posterize", "bits": 2.5}]})"
                                             << "augmentation.ops[0].bits: must be an integer in [1, 8]";
    QTest::newRow("posterize unknown key")
        << R"({"preset": "custom", "ops": [{"op": "posterize", "bits": 4, "levels": 16}]})"
        << "augmentation.ops[0].levels: unknown key for op \"posterize\"";
    QTest::newRow("resize without size") << R"({"preset": "custom", "ops": [{"op": "resize"}]})"
                                         << "augmentation.ops[0].size: required (output side in pixels)";
    QTest::newRow("nested")
        << R"({"preset": "custom", "ops": [{"op": "random_choice", "then": [{"op": "solarize", "threshold": 2}]}]})"
        << "augmentation.ops[0].then[0].threshold: must be in [0, 1] (got 2)";
    QTest::newRow("choice without then") << R"({"preset": "custom", "ops": [{"op": "random_choice", "else": []}]})"
                                         << "augmentation.ops[0].then: required (the ops taken with probability p)";
    QTest::newRow("branch sizes")
        << R"({"preset": "custom", "ops": [{"op": "random_choice", "then": [{"op": "resize", "size": 32}], "else": []}]})"
        << "augmentation.ops[0].else: must give the same image size as \"then\" for every "
           "input size (a crop size of 0 follows the input)";
    QTest::newRow("unknown preset") << R"({"preset": "simclr"})"
                                    << "augmentation.preset: unknown preset \"simclr\" (expected one of: none, paper, "
                                       "simclr-cifar, simclr-imagenet, custom)";
    QTest::newRow("missing preset") << R"({"image_size": 32})"
                                    << "augmentation.preset: required (one of: none, paper, simclr-cifar, "
                                       "simclr-imagenet, custom)";
    QTest::newRow("ops with preset") << R"({"preset": "paper", "ops": []})"
                                     << "augmentation.ops: only allowed with preset \"custom\" (got preset \"paper\")";
    QTest::newRow("custom without ops") << R"({"preset": "custom"})"
                                        << "augmentation.ops: required for preset \"custom\"";
    QTest::newRow("ops not a list") << R"({"preset": "custom", "ops": {}})"
                                    << "augmentation.ops: must be an array of ops";
    QTest::newRow("image size") << R"({"preset": "paper", "image_size": -1})"
                                << "augmentation.image_size: must be in [0, 16384] (got -1)";
    QTest::newRow("unknown top-level key") << R"({"preset": "paper", "colour": true})"
                                           << "augmentation.colour: unknown key for the augmentation pipeline";
    QTest::newRow("not an object") << R"([1, 2])"
                                   << "augmentation: must be an object such as {\"preset\": \"simclr-cifar\"}";
  }
  void validationReportsPaths() {
    QFETCH(QString, spec);
    QFETCH(QString, issue);
    const json parsed = json::parse(spec.toStdString());
    const auto issues = AugmentPipeline::validate(parsed, "augmentation");
    QCOMPARE(issues_text(issues), issue);
    try {
      AugmentPipeline::from_json(parsed);
      QFAIL("from_json accepted an invalid spec");
    } catch (const ConfigError& e) {
      QCOMPARE(QString::fromUtf8(e.what()), issue);
    }
  }

  void validationReportsEveryIssue() {
    const json spec = json::parse(R"({"preset": "custom", "size": 3, "ops": [
        {"op": "horizontal_flip", "p": -1},
        {"op": "color_jitter", "contrast": "high", "p": 2},
        {"op": "random_choice", "p": 0.5, "then": [{"op": "nope"}], "else": [{"op": "random_grayscale", "x": 1}]}]})");
    const auto issues = AugmentPipeline::validate(spec, "training.augmentation");
    QStringList paths;
    for (const auto& issue : issues) paths << QString::fromStdString(issue.path);
    QCOMPARE(paths, (QStringList{"training.augmentation.ops[0].p", "training.augmentation.ops[1].contrast",
                                 "training.augmentation.ops[1].p", "training.augmentation.ops[2].then[0].op",
                                 "training.augmentation.ops[2].else[0].x", "training.augmentation.size"}));
  }

  void presetNameAsString() {
    QVERIFY(AugmentPipeline::validate("simclr-cifar", "augmentation").empty());
    QCOMPARE(AugmentPipeline::from_json("paper").to_json(), (json{{"preset", "paper"}}));
  }

  void rejectsTensorsThatAreNotImageBatches() {
    const auto pipeline = AugmentPipeline::from_json(json{{"preset", "simclr-cifar"}});
    auto gen = make_generator(1);
    QVERIFY_THROWS_EXCEPTION(DataError, pipeline.apply(torch::rand({3, 32, 32}), gen));
    QVERIFY_THROWS_EXCEPTION(DataError, pipeline.apply(torch::rand({2, 4, 32, 32}), gen));
    QVERIFY_THROWS_EXCEPTION(DataError, pipeline.apply(torch::zeros({2, 3, 8, 8}, torch::kInt), gen));
  }

  void cpuAndGpuDrawTheSameViews() {
    if (!torch::cuda::is_available()) QSKIP("no CUDA device");
    const torch::Device cuda(torch::kCUDA);
    for (const char* preset : {"simclr-cifar", "paper", "simclr-imagenet"}) {
      const auto pipeline = AugmentPipeline::from_json(json{{"preset", preset}});
      const auto images = random_uint8(64, 3, 32);
      AugmentTrace cpu_trace, gpu_trace;
      const auto cpu = run(pipeline, images, 5, &cpu_trace);
      const auto gpu = run(pipeline, images.to(cuda), 5, &gpu_trace);
      QVERIFY(gpu.is_cuda());
      QVERIFY2(max_abs_diff(cpu, gpu.cpu()) < 1e-4, preset);
      QVERIFY(torch::equal(cpu_trace.branch, gpu_trace.branch));
      QVERIFY(torch::equal(cpu_trace.flipped, gpu_trace.flipped));
    }
  }
};

QTEST_GUILESS_MAIN(TestAugmentPipeline)
#include "test_augment_pipeline.moc"

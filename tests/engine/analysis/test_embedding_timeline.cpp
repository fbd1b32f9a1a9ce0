#include <QtTest>

#include <cmath>
#include <fstream>

#include <torch/torch.h>

#include "engine/analysis/embedding_timeline.h"
#include "engine/core/error.h"
#include "engine/core/seeding.h"
#include "engine/eval/layout_alignment.h"
#include "engine/eval/tsne.h"
#include "engine/analysis/run_features.h"
#include "engine/analysis/trained_run.h"
#include "engine/project/run_folder.h"
#include "engine/train/trainer.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/project_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
namespace fs = std::filesystem;

namespace {

TimelineOptions small_options() {
  TimelineOptions o;
  o.points = 0;  // all 160 test images
  o.perplexity = 10;
  o.iterations = 500;
  o.warm_iterations = 300;
  o.seed = 3;
  o.device = "cpu";
  return o;
}

// A t-SNE of the step's features from a seeded random start, standardised: what a layout
// looks like without the timeline's warm start.
torch::Tensor independent_layout(const fs::path& run_dir, int64_t step, const torch::Tensor& indices, uint64_t seed) {
  TrainedRun run = open_trained_run(run_dir, std::to_string(step), "cpu");
  const auto h = run_features(run, "test").h.index_select(0, indices);
  TsneOptions o;
  o.perplexity = 10;
  o.iterations = 500;
  o.seed = seed;
  auto generator = make_generator(seed);
  o.initial = at::randn({h.size(0), 2}, generator, torch::TensorOptions().dtype(torch::kFloat));
  return standardize_layout(tsne(h, o).embedding);
}

// Images that look like their class: a coarse 4x4 colour pattern per class, upsampled, plus
// a smooth variation of each image's own and a little pixel noise. Features then form
// neighbourhoods worth following (classes, and images alike within them), as real images do.
ImageDataset class_structured(int64_t n, uint64_t seed) {
  namespace F = torch::nn::functional;
  auto generator = make_generator(seed);
  const auto f32 = torch::TensorOptions().dtype(torch::kFloat);
  const auto prototypes = at::randint(60, 196, {10, 3, 4, 4}, generator, f32);
  ImageDataset ds;
  ds.labels = torch::arange(n, torch::kLong) % 10;
  const auto up = [](const torch::Tensor& t, torch::enumtype::kNearest mode) {
    return F::interpolate(t, F::InterpolateFuncOptions().size(std::vector<int64_t>{32, 32}).mode(mode));
  };
  const auto base = up(prototypes.index_select(0, ds.labels), torch::kNearest);
  const auto own = F::interpolate(
      at::randint(-40, 41, {n, 3, 8, 8}, generator, f32),
      F::InterpolateFuncOptions().size(std::vector<int64_t>{32, 32}).mode(torch::kBilinear).align_corners(false));
  const auto noise = at::randint(-5, 6, {n, 3, 32, 32}, generator, f32);
  ds.images = (base + own + noise).clamp(0, 255).to(torch::kUInt8).contiguous();
  return ds;
}

void write_class_structured_cifar(const fs::path& dir, int64_t per_batch, int64_t test_count) {
  test::write_cifar10_folder(dir, per_batch, test_count, 5);  // names and layout
  for (int b = 1; b <= 5; ++b)
    test::write_bytes(dir / ("data_batch_" + std::to_string(b) + ".bin"),
                      test::cifar10_batch_bytes(class_structured(per_batch, uint64_t(b))));
  test::write_bytes(dir / "test_batch.bin", test::cifar10_batch_bytes(class_structured(test_count, 100)));
}

}  // namespace

class TestEmbeddingTimeline : public QObject {
  Q_OBJECT
  test::TempDir dir_{"simclr-timeline"};
  fs::path run_dir_;

 private Q_SLOTS:
  void initTestCase() {
    write_class_structured_cifar(dir_ / "data", 16, 160);
    ProjectConfig p = test::tiny_project(dir_ / "data");
    p.evaluation.knn_every_epochs = 0;
    p.training.epochs = 10;  // 50 steps of 5 per epoch; a checkpoint every 10, the last 3 kept
    p.training.checkpoint_every_steps = 10;
    TrainOptions options;
    options.runs_root = dir_ / "runs";
    run_dir_ = train(p, options, {}, StopToken()).run_dir;
    // The default snapshots: steps 0, 10, 20, 50 (log-spaced) and every epoch's end.
    QCOMPARE(timeline_checkpoint_steps(run_dir_), (std::vector<int64_t>{0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50}));
    QCOMPARE(step_files(RunFolder(run_dir_).checkpoint_dir()).size(), size_t{3});
  }

  void framesAreAlignedAndDeterministic() {
    TimelineOptions o = small_options();
    o.reuse = false;
    o.steps = {30, 35, 40, 45, 50};  // consecutive default snapshots past the first steps (batch norm settles)
    std::vector<Progress> progress;
    JobCallbacks cb;
    cb.on_progress = [&](const Progress& p) { progress.push_back(p); };
    const EmbeddingTimeline t = compute_timeline(run_dir_, o, cb);
    QCOMPARE(t.frames.size(), size_t{5});
    QCOMPARE(t.indices.size(0), int64_t{160});
    QCOMPARE(t.split_size, int64_t{160});
    QVERIFY(t.has_labels());
    QCOMPARE(progress.back().step, 15LL);
    QCOMPARE(progress.back().total, 15LL);

    // Consecutive frames move far less than two independently started layouts of one
    // checkpoint differ, even after those are aligned as well as a rotation can.
    double consecutive = 0;
    for (size_t f = 1; f < t.frames.size(); ++f) {
      const double d = mean_displacement(t.frames[f].h.layout, t.frames[f - 1].h.layout);
      qInfo("mean displacement from step %lld to %lld: %.3f (kept neighbours %.3f)",
            static_cast<long long>(t.frames[f - 1].step), static_cast<long long>(t.frames[f].step), d,
            t.frames[f].h.mean_stability);
      consecutive += d / double(t.frames.size() - 1);
    }
    const auto a = independent_layout(run_dir_, 50, t.indices, 11);
    const auto b = procrustes_align(independent_layout(run_dir_, 50, t.indices, 12), a);
    const double independent = mean_displacement(a, b);
    qInfo("between independent layouts of step 50: %.3f", independent);
    QVERIFY2(
        consecutive <= independent / 3,
        qPrintable(
            QStringLiteral("between frames %1, between independent layouts %2").arg(consecutive).arg(independent)));

    const EmbeddingTimeline again = compute_timeline(run_dir_, o);
    for (size_t f = 0; f < t.frames.size(); ++f) {
      QVERIFY(t.frames[f].h.layout.equal(again.frames[f].h.layout));
      QVERIFY(t.frames[f].z.layout.equal(again.frames[f].z.layout));
    }
  }

  void metricsPerFrame() {
    TimelineOptions o = small_options();
    o.method = "pca";
    const EmbeddingTimeline t = compute_timeline(run_dir_, o);
    QVERIFY(std::isnan(t.frames[0].h.mean_stability));
    for (const auto& frame : t.frames) {
      for (const auto* f : {&frame.h, &frame.z}) {
        QVERIFY(f->knn_top1 >= 0 && f->knn_top1 <= 1);
        QCOMPARE(f->layout.sizes().vec(), (std::vector<int64_t>{160, 2}));
        QCOMPARE(f->neighbours.sizes().vec(), (std::vector<int64_t>{160, 10}));
      }
      QVERIFY(frame.effective_rank >= 1);
      QVERIFY(frame.uniformity < 0);
    }
    for (size_t f = 1; f < t.frames.size(); ++f) {
      QVERIFY(t.frames[f].z.mean_stability >= 0 && t.frames[f].z.mean_stability <= 1);
      QVERIFY(std::abs(t.frames[f].z.stability.mean().item<double>() - t.frames[f].z.mean_stability) < 1e-6);
    }
  }

  void identicalCheckpointsAreFullyStable() {
    const fs::path copy = dir_ / "runs-copy";
    fs::copy(run_dir_.parent_path(), copy, fs::copy_options::recursive);
    const fs::path run = copy / run_dir_.filename();
    fs::copy_file(run / "snapshots" / "step-00000020.pt", run / "snapshots" / "step-00000021.pt");
    TimelineOptions o = small_options();
    o.steps = {20, 21};
    const EmbeddingTimeline t = compute_timeline(run, o);
    QCOMPARE(t.frames.size(), size_t{2});
    QCOMPARE(t.frames[1].h.mean_stability, 1.0);
    QCOMPARE(t.frames[1].z.mean_stability, 1.0);
    QCOMPARE(t.frames[1].h.knn_top1, t.frames[0].h.knn_top1);
  }

  void savedFramesAreReusedAndExtended() {
    TimelineOptions o = small_options();
    o.steps = {0, 5};
    const EmbeddingTimeline first = compute_timeline(run_dir_, o);
    QCOMPARE(first.reused_frames, int64_t{0});
    o.steps.clear();  // nine more snapshots "came since"
    const EmbeddingTimeline extended = compute_timeline(run_dir_, o);
    QCOMPARE(extended.reused_frames, int64_t{2});
    QCOMPARE(extended.frames.size(), size_t{11});
    QVERIFY(extended.frames[1].h.layout.equal(first.frames[1].h.layout));

    const EmbeddingTimeline loaded = load_timeline(timeline_dir(run_dir_));
    QCOMPARE(loaded.frames.size(), size_t{11});
    QVERIFY(loaded.indices.equal(extended.indices));
    QVERIFY(loaded.labels.equal(extended.labels));
    QVERIFY(loaded.options.same_frames_as(o));
    for (size_t f = 0; f < 11; ++f) {
      QCOMPARE(loaded.frames[f].step, extended.frames[f].step);
      QVERIFY(loaded.frames[f].z.layout.equal(extended.frames[f].z.layout));
      QVERIFY(loaded.frames[f].h.neighbours.equal(extended.frames[f].h.neighbours));
      QCOMPARE(loaded.frames[f].h.knn_top1, extended.frames[f].h.knn_top1);
    }
    QVERIFY(std::isnan(loaded.frames[0].h.mean_stability));
    // Nothing of the swap is left behind.
    for (const auto& entry : fs::directory_iterator(run_dir_))
      QVERIFY2(entry.path().filename().string().find(".tmp-") == std::string::npos,
               qPrintable(QString::fromStdString(entry.path().string())));

    // Other settings: computed afresh.
    o.seed = 4;
    QCOMPARE(compute_timeline(run_dir_, o).reused_frames, int64_t{0});
  }

  void badRequestsAndDamagedFilesAreNamed() {
    TimelineOptions o = small_options();
    o.steps = {7};
    try {
      compute_timeline(run_dir_, o);
      QFAIL("a step without a checkpoint was accepted");
    } catch (const ConfigError& e) {
      QVERIFY2(std::string(e.what()).find("kept: 0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50") != std::string::npos,
               e.what());
    }
    o = small_options();
    o.method = "umap";
    QVERIFY_THROWS_EXCEPTION(ConfigError, compute_timeline(run_dir_, o));
    QVERIFY_THROWS_EXCEPTION(DataError, compute_timeline(dir_ / "no-such-run", small_options()));

    const fs::path damaged = dir_ / "damaged-timeline";
    fs::copy(timeline_dir(run_dir_), damaged, fs::copy_options::recursive);
    {
      std::ofstream cut(damaged / "layouts-h.npy", std::ios::binary | std::ios::trunc);
      cut << "\x93NUMPY";
    }
    QVERIFY_THROWS_EXCEPTION(DataError, load_timeline(damaged));
    {
      std::ofstream json(damaged / "timeline.json", std::ios::trunc);
      json << "{\"format\": \"simclr-timeline\", \"version\": 1, \"frames\": [";
    }
    try {
      load_timeline(damaged);
      QFAIL("a torn timeline.json was read");
    } catch (const DataError& e) {
      QVERIFY2(std::string(e.what()).find("timeline.json") != std::string::npos, e.what());
    }
  }
};

QTEST_GUILESS_MAIN(TestEmbeddingTimeline)
#include "test_embedding_timeline.moc"

#include <QtTest>

#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <thread>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/core/seeding.h"
#include "engine/eval/tsne.h"
#include "engine/eval/tsne_affinities.h"

using namespace simclr;

namespace {

struct Clusters {
  torch::Tensor data;    // float [N, D]
  torch::Tensor labels;  // long [N]
};

// `clusters` well-separated Gaussian blobs in `dims` dimensions: unit noise around centres
// drawn with standard deviation 4, so clusters are ~3x further apart than their points.
Clusters gaussian_clusters(int64_t clusters, int64_t per_cluster, int64_t dims, uint64_t seed) {
  auto generator = make_generator(seed);
  const auto centres = at::randn({clusters, dims}, generator) * 4.0;
  const auto labels = torch::arange(clusters).repeat_interleave(per_cluster);
  const auto data = centres.index_select(0, labels) + at::randn({clusters * per_cluster, dims}, generator);
  return {data, labels};
}

TsneOptions quick_options() {
  TsneOptions o;
  o.perplexity = 20;
  o.iterations = 600;
  o.threads = 2;
  o.seed = 1;
  o.exact_below = 0;  // Barnes-Hut even for these small N, unless a test asks otherwise
  return o;
}

}  // namespace

class TestTsne : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void affinitiesAreCalibratedAndSymmetric() {
    const auto c = gaussian_clusters(3, 60, 20, 4);
    const double perplexity = 10;
    const KnnGraph graph = exact_knn(c.data, tsne_neighbour_count(180, perplexity));
    QCOMPARE(graph.k, int64_t{31});
    const auto conditional = conditional_affinities(graph, perplexity, 2);
    for (int64_t i = 0; i < graph.n; ++i) {
      double entropy = 0, sum = 0;
      for (int64_t m = 0; m < graph.k; ++m) {
        const double p = conditional[i * graph.k + m];
        sum += p;
        if (p > 0) entropy -= p * std::log(p);
        QVERIFY(graph.index[i * graph.k + m] != i);
      }
      QVERIFY(std::abs(sum - 1) < 1e-12);
      QVERIFY2(std::abs(entropy - std::log(perplexity)) < 1e-4, std::to_string(entropy).c_str());
    }
    const TsneAffinities p = symmetrize_affinities(graph, conditional);
    auto dense = torch::zeros({180, 180}, torch::kDouble);
    double total = 0;
    for (int64_t i = 0; i < p.n; ++i)
      for (int64_t e = p.row_start[i]; e < p.row_start[i + 1]; ++e) {
        dense[i][p.column[e]] = p.value[e];
        total += p.value[e];
      }
    QVERIFY(std::abs(total - 1) < 1e-12);
    QVERIFY((dense - dense.t()).abs().max().item<double>() < 1e-15);
  }

  void clustersStaySeparated() {
    const auto c = gaussian_clusters(4, 100, 50, 2);
    const TsneResult r = tsne(c.data, quick_options());
    QCOMPARE(r.embedding.sizes().vec(), (std::vector<int64_t>{400, 2}));
    QCOMPARE(r.embedding.scalar_type(), torch::kFloat);
    QCOMPARE(r.iterations_done, int64_t{600});
    // Every point's 5 nearest neighbours in the layout belong to its own cluster.
    auto d2 = torch::cdist(r.embedding, r.embedding);
    d2.fill_diagonal_(std::numeric_limits<float>::infinity());
    const auto neighbours = std::get<1>(d2.topk(5, 1, /*largest=*/false));  // [N, 5]
    const auto same = c.labels.index_select(0, neighbours.reshape(-1)).view({400, 5}).eq(c.labels.unsqueeze(1));
    QVERIFY2(same.all().item<bool>(), std::to_string(same.logical_not().sum().item<int64_t>()).c_str());
  }

  void klDecreasesAfterExaggeration() {
    const auto c = gaussian_clusters(4, 100, 50, 3);
    TsneOptions o = quick_options();
    o.kl_every = 25;
    const TsneResult r = tsne(c.data, o);
    QVERIFY(r.kl_history.size() >= 10);
    QCOMPARE(r.kl_history.back().first, o.iterations);
    QCOMPARE(r.kl_history.back().second, r.kl_divergence);
    double first_after = -1, previous = std::numeric_limits<double>::infinity();
    for (const auto& [iteration, kl] : r.kl_history) {
      QVERIFY(std::isfinite(kl) && kl > 0);
      if (iteration < o.exaggeration_iterations) continue;
      if (first_after < 0) first_after = kl;
      // Non-increasing up to the Barnes-Hut approximation of Z (relative 1e-3).
      QVERIFY2(kl <= previous * (1 + 1e-3), (std::to_string(iteration) + ": " + std::to_string(kl)).c_str());
      previous = kl;
    }
    QVERIFY(r.kl_divergence < first_after);
  }

  void sameSeedSameLayout() {
    const auto c = gaussian_clusters(3, 100, 50, 4);
    TsneOptions o = quick_options();
    o.iterations = 400;
    const TsneResult a = tsne(c.data, o), b = tsne(c.data, o);
    QVERIFY(torch::equal(a.embedding, b.embedding));  // bit-identical
    QCOMPARE(a.kl_divergence, b.kl_divergence);
    o.threads = 1;  // the thread count does not matter
    QVERIFY(torch::equal(tsne(c.data, o).embedding, a.embedding));
    o.seed = 2;
    QVERIFY(!torch::equal(tsne(c.data, o).embedding, a.embedding));
  }

  void barnesHutMatchesExact() {
    const auto c = gaussian_clusters(4, 100, 50, 5);
    TsneOptions o = quick_options();
    o.theta = 0;
    const TsneResult exact = tsne(c.data, o);
    o.theta = 0.5;
    const TsneResult bh = tsne(c.data, o);
    const double gap = std::abs(exact.kl_divergence - bh.kl_divergence) / exact.kl_divergence;
    QVERIFY2(gap < 0.03, (std::to_string(exact.kl_divergence) + " vs " + std::to_string(bh.kl_divergence)).c_str());
    // N below exact_below takes the exact path whatever theta: identical to theta = 0.
    // The default does so for these 400 points.
    o.exact_below = TsneOptions{}.exact_below;
    QVERIFY(o.exact_below > 400);
    QVERIFY(torch::equal(tsne(c.data, o).embedding, exact.embedding));
  }

  void threeDimensionsUseExactGradients() {
    const auto c = gaussian_clusters(2, 60, 10, 6);
    TsneOptions o = quick_options();
    o.dimensions = 3;
    o.iterations = 300;
    bool warned = false;
    JobCallbacks callbacks;
    callbacks.on_log = [&](LogLevel level, const std::string&) { warned = warned || level == LogLevel::Warning; };
    const TsneResult r = tsne(c.data, o, callbacks);
    QCOMPARE(r.embedding.sizes().vec(), (std::vector<int64_t>{120, 3}));
    QVERIFY(warned);
    QVERIFY(std::isfinite(r.kl_divergence));
  }

  void progressStagesAndStop() {
    const auto c = gaussian_clusters(2, 80, 10, 7);
    TsneOptions o = quick_options();
    std::vector<std::string> stages;
    long long last_step = 0, total = 0;
    JobCallbacks callbacks;
    callbacks.on_progress = [&](const Progress& p) {
      if (stages.empty() || stages.back() != p.stage) stages.push_back(p.stage);
      last_step = p.step;
      total = p.total;
    };
    tsne(c.data, o, callbacks);
    QCOMPARE(stages, (std::vector<std::string>{"t-SNE affinities", "t-SNE"}));
    QCOMPARE(last_step, static_cast<long long>(o.iterations));
    QCOMPARE(total, static_cast<long long>(o.iterations));

    StopToken stop;
    callbacks.on_progress = [&](const Progress& p) {
      if (p.stage == "t-SNE" && p.step == 10) stop.request_stop();
    };
    QVERIFY_THROWS_EXCEPTION(CancelledError, tsne(c.data, o, callbacks, stop));
  }

  void pauseHoldsTheJob() {
    const auto c = gaussian_clusters(2, 50, 10, 8);
    TsneOptions o = quick_options();
    o.iterations = 300;
    StopToken stop;
    std::thread resumer;
    JobCallbacks callbacks;
    callbacks.on_progress = [&](const Progress& p) {
      if (p.stage == "t-SNE" && p.step == 5) {
        stop.set_paused(true);
        resumer = std::thread([stop]() mutable {
          std::this_thread::sleep_for(std::chrono::milliseconds(300));
          stop.set_paused(false);
        });
      }
    };
    const TsneResult r = tsne(c.data, o, callbacks, stop);
    resumer.join();
    QCOMPARE(r.iterations_done, int64_t{300});
    QVERIFY(r.seconds >= 0.3);
  }

  void badOptions_data() {
    QTest::addColumn<QString>("what");
    QTest::newRow("perplexity = N") << "perplexity = N";
    QTest::newRow("perplexity > N") << "perplexity > N";
    QTest::newRow("perplexity 0") << "perplexity 0";
    QTest::newRow("perplexity < 0") << "perplexity < 0";
    QTest::newRow("iterations < exaggeration") << "iterations < exaggeration";
    QTest::newRow("NaN in data") << "NaN in data";
    QTest::newRow("inf in data") << "inf in data";
    QTest::newRow("one point") << "one point";
    QTest::newRow("no dimensions") << "no dimensions";
    QTest::newRow("negative theta") << "negative theta";
  }
  void badOptions() {
    QFETCH(QString, what);
    auto data = gaussian_clusters(2, 20, 5, 9).data;  // N = 40
    TsneOptions o = quick_options();
    if (what == "perplexity = N") o.perplexity = 40;
    if (what == "perplexity > N") o.perplexity = 100;
    if (what == "perplexity 0") o.perplexity = 0;
    if (what == "perplexity < 0") o.perplexity = -5;
    if (what == "iterations < exaggeration") o.iterations = 100;
    if (what == "NaN in data") data[3][2] = std::nan("");
    if (what == "inf in data") data[0][0] = std::numeric_limits<float>::infinity();
    if (what == "one point") data = data.slice(0, 0, 1);
    if (what == "no dimensions") o.dimensions = 0;
    if (what == "negative theta") o.theta = -0.5;
    if (what == "one point") o.perplexity = 0.5;
    QVERIFY_THROWS_EXCEPTION(ConfigError, tsne(data, o));
  }
};

QTEST_GUILESS_MAIN(TestTsne)
#include "test_tsne.moc"

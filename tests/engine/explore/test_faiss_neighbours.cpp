// FAISS's nearest neighbours against a float64 reference: the flat index gives exactly the
// k most similar other rows, HNSW nearly all of them, and bad settings are refused.
#include <QtTest>

#include <set>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/core/seeding.h"
#include "engine/explore/faiss_neighbours.h"
#include "engine/explore/normalised_rows.h"

using namespace simclr;

namespace {
torch::Tensor unit_rows(int64_t n, int64_t d, uint64_t seed) {
  auto gen = make_generator(seed);
  return normalised_rows(torch::randn({n, d}, gen, torch::kFloat), "test");
}

// The k most similar other rows of each row, float64: int64 [N, k].
torch::Tensor reference(const torch::Tensor& x, int64_t k) {
  const torch::Tensor u = x.to(torch::kDouble);
  torch::Tensor sim = u.mm(u.t());
  sim.fill_diagonal_(-10.0);
  return std::get<1>(sim.topk(k, 1));
}
}  // namespace

class TestFaissNeighbours : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void init() {
    if (!faiss_supported()) QSKIP("this build has no FAISS");
  }

  void flatIsExact() {
    const torch::Tensor x = unit_rows(500, 16, 3);
    FaissOptions options;
    options.k = 5;
    options.query_chunk = 64;  // 8 chunks
    int progress = 0;
    JobCallbacks callbacks;
    callbacks.on_progress = [&](const Progress&) { ++progress; };
    const FaissNeighbours near = faiss_knn(x, options, callbacks);
    QCOMPARE(progress, 8);
    QVERIFY(torch::equal(near.index, reference(x, 5)));
    // Similarities are the rows' inner products, most similar first.
    const torch::Tensor expected = (x.index_select(0, torch::arange(500)).unsqueeze(1) * x.index({near.index})).sum(2);
    QVERIFY(torch::allclose(near.similarity, expected, 1e-5, 1e-5));
    QVERIFY(near.similarity.slice(1, 0, 4).ge(near.similarity.slice(1, 1, 5)).all().item<bool>());
  }

  void hnswFindsNearlyAll() {
    const torch::Tensor x = unit_rows(3000, 32, 5);
    FaissOptions options;
    options.index = "hnsw";
    options.k = 10;
    const FaissNeighbours near = faiss_knn(x, options);
    const torch::Tensor truth = reference(x, 10);
    int64_t found = 0;
    const auto a = near.index.accessor<int64_t, 2>();
    const auto b = truth.accessor<int64_t, 2>();
    for (int64_t i = 0; i < 3000; ++i) {
      const std::set<int64_t> want(b[i].data(), b[i].data() + 10);
      for (int64_t j = 0; j < 10; ++j) found += want.count(a[i][j]);
    }
    const double recall = double(found) / (3000 * 10);
    QVERIFY2(recall >= 0.95, qPrintable(QString::number(recall)));
  }

  // The inverted lists keep a near copy in its original's list (or a neighbouring one
  // searched): every planted pair is found, the use the duplicates search makes of it.
  void ivfFindsThePlantedCopies() {
    torch::Tensor x = unit_rows(20000, 32, 7);
    auto gen = make_generator(8);
    for (int64_t i = 0; i < 200; ++i) {
      const torch::Tensor copy = x[i] + 0.02 * torch::randn({32}, gen, torch::kFloat);
      x[19999 - i] = copy / copy.norm();
    }
    FaissOptions options;
    options.index = "ivf";
    options.k = 4;
    const FaissNeighbours near = faiss_knn(x, options);
    const auto a = near.index.accessor<int64_t, 2>();
    int64_t found = 0;
    for (int64_t i = 0; i < 200; ++i) found += a[i][0] == 19999 - i;
    QCOMPARE(found, int64_t(200));
  }

  void badSettingsAreRefused() {
    const torch::Tensor x = unit_rows(20, 4, 1);
    FaissOptions options;
    options.index = "annoy";
    QVERIFY_THROWS_EXCEPTION(ConfigError, faiss_knn(x, options));
    options.index = "flat";
    options.k = 20;  // at most N - 1
    QVERIFY_THROWS_EXCEPTION(ConfigError, faiss_knn(x, options));
    options.k = 3;
    QVERIFY_THROWS_EXCEPTION(ConfigError, faiss_knn(x.to(torch::kDouble), options));
    StopToken stop;
    stop.request_stop();
    QVERIFY_THROWS_EXCEPTION(CancelledError, faiss_knn(x, options, {}, stop));
  }
};

QTEST_GUILESS_MAIN(TestFaissNeighbours)
#include "test_faiss_neighbours.moc"

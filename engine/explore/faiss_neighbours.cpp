#include "engine/explore/faiss_neighbours.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>

#include <torch/torch.h>

#ifdef SIMCLR_HAVE_FAISS
#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIVFFlat.h>
#endif

#include "engine/core/error.h"

namespace simclr {

bool faiss_supported() {
#ifdef SIMCLR_HAVE_FAISS
  return true;
#else
  return false;
#endif
}

FaissNeighbours faiss_knn(const torch::Tensor& x, const FaissOptions& options, const JobCallbacks& callbacks,
                          const StopToken& stop) {
  if (options.index != "flat" && options.index != "hnsw" && options.index != "ivf")
    throw ConfigError("FAISS index '" + options.index + "': use flat, hnsw or ivf");
  if (!x.defined() || x.dim() != 2 || x.scalar_type() != torch::kFloat || !x.device().is_cpu())
    throw ConfigError("FAISS search: expected float32 [N, D] rows on the CPU");
  const int64_t n = x.size(0), d = x.size(1);
  if (options.k < 1 || options.k > n - 1)
    throw ConfigError("FAISS search: k must be in [1, " + std::to_string(n - 1) + "], got " +
                      std::to_string(options.k));
  if (options.query_chunk < 1) throw ConfigError("FAISS search: query_chunk must be >= 1");
#ifdef SIMCLR_HAVE_FAISS
  using clock = std::chrono::steady_clock;
  const torch::Tensor rows = x.contiguous();
  const float* data = rows.data_ptr<float>();
  const auto built = clock::now();
  std::unique_ptr<faiss::Index> index;
  std::unique_ptr<faiss::IndexFlatIP> coarse;  // the IVF lists' centroids; outlives the index
  if (options.index == "flat") {
    index = std::make_unique<faiss::IndexFlatIP>(d);
  } else if (options.index == "ivf") {
    // About 4 sqrt(N) lists (at least 39 training rows each, as FAISS asks), trained by
    // k-means on evenly spaced rows, 16 of them searched per query.
    const int64_t lists = std::clamp<int64_t>(std::llround(4.0 * std::sqrt(double(n))), 1, std::max<int64_t>(1, n / 39));
    coarse = std::make_unique<faiss::IndexFlatIP>(d);
    auto ivf = std::make_unique<faiss::IndexIVFFlat>(coarse.get(), d, size_t(lists), faiss::METRIC_INNER_PRODUCT);
    const int64_t sample = std::min<int64_t>(n, 64 * lists);
    const torch::Tensor picked =
        rows.index_select(0, torch::linspace(0, double(n - 1), sample).round().to(torch::kLong)).contiguous();
    ivf->train(sample, picked.data_ptr<float>());
    ivf->nprobe = size_t(std::min<int64_t>(16, lists));
    index = std::move(ivf);
  } else {
    auto hnsw = std::make_unique<faiss::IndexHNSWFlat>(int(d), 32, faiss::METRIC_INNER_PRODUCT);
    hnsw->hnsw.efConstruction = 80;
    hnsw->hnsw.efSearch = 128;
    index = std::move(hnsw);
  }
  index->add(n, data);
  FaissNeighbours out;
  out.build_seconds = std::chrono::duration<double>(clock::now() - built).count();

  // One more than asked: an image is (nearly always) its own nearest neighbour.
  const int64_t k1 = options.k + 1;
  std::vector<float> sim(size_t(options.query_chunk * k1));
  std::vector<faiss::Index::idx_t> idx(size_t(options.query_chunk * k1));
  out.index = torch::full({n, options.k}, -1, torch::kLong);
  out.similarity = torch::full({n, options.k}, -2.0f, torch::kFloat);
  auto oi = out.index.accessor<int64_t, 2>();
  auto os = out.similarity.accessor<float, 2>();
  const int64_t chunks = (n + options.query_chunk - 1) / options.query_chunk;
  ProgressClock progress("FAISS " + options.index + " search", chunks);
  const auto searched = clock::now();
  for (int64_t c = 0; c < chunks; ++c) {
    stop.throw_if_stopped("FAISS search");
    const int64_t q0 = c * options.query_chunk, q = std::min(options.query_chunk, n - q0);
    index->search(q, data + q0 * d, k1, sim.data(), idx.data());
    for (int64_t i = 0; i < q; ++i) {
      int64_t kept = 0;
      for (int64_t j = 0; j < k1 && kept < options.k; ++j) {
        const faiss::Index::idx_t other = idx[size_t(i * k1 + j)];
        if (other < 0 || other == q0 + i) continue;  // missing, or itself
        oi[q0 + i][kept] = other;
        os[q0 + i][kept] = sim[size_t(i * k1 + j)];
        ++kept;
      }
    }
    callbacks.progress(progress.at(c + 1));
  }
  out.search_seconds = std::chrono::duration<double>(clock::now() - searched).count();
  return out;
#else
  (void)callbacks;
  (void)stop;
  (void)d;
  throw ConfigError("this build has no FAISS (install libfaiss-dev and rebuild); use the exact search");
#endif
}

}  // namespace simclr

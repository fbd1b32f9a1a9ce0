#include <QtTest>

#include <thread>

#include <c10/core/CPUAllocator.h>
#include <torch/torch.h>

#include "engine/core/tensor_memory_cache.h"

using namespace simclr;

namespace {

constexpr int64_t kMiB = 1 << 20;

torch::Tensor bytes(int64_t n) {
  return torch::empty({n / 4}, torch::kFloat);
}

}  // namespace

class TestTensorMemoryCache : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() {
    qunsetenv("SIMCLR_NO_TENSOR_CACHE");
    QVERIFY(install_tensor_memory_cache());
    QVERIFY(install_tensor_memory_cache());  // a second call changes nothing
    QVERIFY(tensor_memory_cache_stats().installed);
  }

  void init() { release_cached_tensor_memory(); }

  void aFreedBlockServesTheNextTensorOfItsSize() {
    void* first = nullptr;
    {
      auto t = bytes(6 * kMiB);
      first = t.data_ptr();
      QCOMPARE(tensor_memory_cache_stats().live_bytes, std::size_t(6 * kMiB));
    }
    const auto before = tensor_memory_cache_stats();
    QCOMPARE(before.live_bytes, std::size_t(0));
    QCOMPARE(before.cached_bytes, std::size_t(6 * kMiB));
    auto again = bytes(5 * kMiB + 123);  // rounds up to the same 6 MiB block
    QCOMPARE(again.data_ptr(), first);
    QCOMPARE(tensor_memory_cache_stats().hits, before.hits + 1);
    QCOMPARE(tensor_memory_cache_stats().cached_bytes, std::size_t(0));
  }

  void blocksFarLargerThanTheRequestAreNotUsed() {
    { auto big = bytes(64 * kMiB); }
    const auto before = tensor_memory_cache_stats();
    auto small = bytes(8 * kMiB);  // would waste 56 MiB of the cached block
    QCOMPARE(tensor_memory_cache_stats().misses, before.misses + 1);
    QCOMPARE(tensor_memory_cache_stats().cached_bytes, std::size_t(64 * kMiB));
  }

  void smallTensorsBypassTheCache() {
    const auto before = tensor_memory_cache_stats();
    auto t = bytes(kTensorCacheMinBlock / 2);
    t.fill_(1.0f);
    const auto after = tensor_memory_cache_stats();
    QCOMPARE(after.live_bytes, before.live_bytes);
    QCOMPARE(after.hits + after.misses, before.hits + before.misses);
  }

  void recycledMemoryHoldsNoStaleValuesForOpsThatDefineThem() {
    { bytes(4 * kMiB).fill_(7.0f); }
    const auto zeros = torch::zeros({kMiB}, torch::kFloat);  // 4 MiB: the recycled block
    QCOMPARE(zeros.abs().sum().item<float>(), 0.0f);
    const auto a = torch::rand({512, 512}), b = torch::rand({512, 512});
    const auto fresh = torch::mm(a, b);
    { bytes(4 * kMiB).fill_(-3.0f); }
    QVERIFY(torch::allclose(torch::mm(a, b), fresh));
  }

  void tensorsFreedOnAnotherThreadReturnToTheCache() {
    auto t = bytes(10 * kMiB);
    void* p = t.data_ptr();
    std::thread([moved = std::move(t)]() mutable { moved = torch::Tensor(); }).join();
    QCOMPARE(tensor_memory_cache_stats().cached_bytes, std::size_t(10 * kMiB));
    QCOMPARE(bytes(10 * kMiB).data_ptr(), p);
  }

  void releaseFreesTheCacheAndKeepsLiveTensors() {
    auto kept = bytes(4 * kMiB).fill_(2.5f);
    { auto gone = bytes(16 * kMiB); }
    QCOMPARE(tensor_memory_cache_stats().cached_bytes, std::size_t(16 * kMiB));
    release_cached_tensor_memory();
    QCOMPARE(tensor_memory_cache_stats().cached_bytes, std::size_t(0));
    QCOMPARE(tensor_memory_cache_stats().live_bytes, std::size_t(4 * kMiB));
    QCOMPARE(kept.sum().item<float>(), 2.5f * kMiB);
  }

  // Sizes that never repeat must not pile up: what is kept stays within 1.25 x the peak of
  // live bytes plus 256 MiB.
  void theCacheStaysBoundedBySizesThatNeverRepeat() {
    const std::size_t slack = std::size_t(256) * kMiB;
    for (int64_t mib = 2; mib <= 200; mib += 6) {
      { auto t = bytes(mib * kMiB); }
      const auto s = tensor_memory_cache_stats();
      QVERIFY2(s.live_bytes + s.cached_bytes <= s.peak_live_bytes / 4 * 5 + slack,
               qPrintable(QStringLiteral("%1 MiB kept after %2 MiB").arg(s.cached_bytes >> 20).arg(mib)));
    }
    QVERIFY(tensor_memory_cache_stats().evictions > 0);
  }

  // oneDNN's scratch memory comes through raw_allocate / raw_deallocate.
  void rawAllocationsOfEverySizeRoundTrip() {
    c10::Allocator* allocator = c10::GetCPUAllocator();
    const auto before = tensor_memory_cache_stats();
    void* large = allocator->raw_allocate(3 * kMiB);
    void* small = allocator->raw_allocate(4096);
    QVERIFY(large && small);
    static_cast<char*>(large)[3 * kMiB - 1] = 1;
    static_cast<char*>(small)[4095] = 1;
    QCOMPARE(tensor_memory_cache_stats().live_bytes, before.live_bytes + 4 * kMiB);
    allocator->raw_deallocate(large);
    allocator->raw_deallocate(small);
    QCOMPARE(tensor_memory_cache_stats().live_bytes, before.live_bytes);
    QCOMPARE(tensor_memory_cache_stats().cached_bytes, before.cached_bytes + 4 * kMiB);
  }

  void trainingStepsReuseTheirBlocks() {
    auto model = torch::nn::Sequential(torch::nn::Conv2d(torch::nn::Conv2dOptions(3, 32, 3).padding(1)),
                                       torch::nn::ReLU(), torch::nn::Flatten(), torch::nn::Linear(32 * 32 * 32, 10));
    torch::optim::SGD opt(model->parameters(), 0.01);
    const auto x = torch::rand({64, 3, 32, 32});
    auto step = [&] {
      opt.zero_grad();
      model->forward(x).square().mean().backward();
      opt.step();
    };
    step();
    step();  // the second step still makes tensors the first did not (the gradients kept)
    const auto before = tensor_memory_cache_stats();
    for (int i = 0; i < 3; ++i) step();
    const auto after = tensor_memory_cache_stats();
    QVERIFY(after.hits - before.hits >= 3);
    QCOMPARE(after.misses, before.misses);
  }
};

QTEST_GUILESS_MAIN(TestTensorMemoryCache)
#include "test_tensor_memory_cache.moc"

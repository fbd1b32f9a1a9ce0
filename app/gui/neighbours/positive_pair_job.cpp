#include "app/gui/neighbours/positive_pair_job.h"

#include <mutex>
#include <optional>

#include <torch/torch.h>

#include "app/gui/jobs/tensor_image.h"
#include "engine/analysis/positive_pair.h"
#include "engine/analysis/trained_run.h"
#include "engine/project/run_folder.h"

namespace simclr::gui {

using widgets::PositivePairNegative;
using widgets::PositivePairRequest;
using widgets::PositivePairResult;

struct PairRun {
  explicit PairRun(std::string dir) : runDir(std::move(dir)) {}
  std::mutex mutex;  // one job at a time uses the model
  std::filesystem::path runDir;
  std::optional<TrainedRun> run;

  // The run at its latest checkpoint, reopened when training has written a newer one.
  TrainedRun& latest() {
    const std::filesystem::path newest = RunFolder(runDir).latest_checkpoint();
    if (!run || (!newest.empty() && newest != run->checkpoint)) run.emplace(open_trained_run(runDir));
    return *run;
  }
};

namespace {

// float [C, H, W] in [0, 1] -> QImage.
QImage toImage(const torch::Tensor& view) {
  const torch::Tensor bytes =
      (view.to(torch::kCPU, torch::kFloat) * 255).round().clamp(0, 255).to(torch::kByte).contiguous();
  return imageFromPlanar(bytes.data_ptr<uint8_t>(), int(bytes.size(0)), int(bytes.size(1)), int(bytes.size(2)));
}

PositivePairResult compute(PairRun& pair, const PositivePairRequest& r, const JobCallbacks& callbacks,
                           const StopToken& stop) {
  std::lock_guard<std::mutex> lock(pair.mutex);
  TrainedRun& run = pair.latest();
  PositivePairOptions options;
  options.split = r.split.toStdString();
  const int64_t available = run.data.train.size() + (options.split == "train" ? 0 : 1);
  options.batch_size = std::min<int64_t>(r.batchSize, available);
  if (options.batch_size < r.batchSize)
    callbacks.log(LogLevel::Warning, "positive pair: batch size " + std::to_string(r.batchSize) + " lowered to " +
                                         std::to_string(options.batch_size) + ", what the training split holds");
  options.seed = r.seed;
  options.hardest = r.hardest;
  const simclr::PositivePairResult p = positive_pair(run, r.index, options, callbacks, stop);
  QStringList names;
  for (const auto& c : run.data.train.class_names) names << QString::fromStdString(c);
  const auto name = [&](int64_t label) {  // no name without labels
    if (label < 0) return QString();
    return label < names.size() ? names[int(label)] : QStringLiteral("class %1").arg(label);
  };
  PositivePairResult out;
  out.request = r;
  out.label = name(p.label);
  out.step = p.step;
  out.batchSize = int(p.batch_size);
  out.view1 = toImage(p.view1);
  out.view2 = toImage(p.view2);
  out.similarity = double(p.positive_similarity);
  out.rank = int(p.rank);
  out.candidates = int(p.negatives + 1);
  for (size_t i = 0; i < p.hardest.size(); ++i) {
    const HardNegative& h = p.hardest[i];
    PositivePairNegative n;
    n.index = h.index;
    n.view = h.view;
    n.image = toImage(p.hardest_views[int64_t(i)]);
    n.label = name(h.label);
    n.similarity = double(h.similarity);
    n.sameClass = p.label >= 0 && h.label == p.label;
    out.hardest.append(n);
  }
  return out;
}

}  // namespace

PositivePairJob::PositivePairJob(QObject* parent) : QObject(parent) {}

PositivePairJob::~PositivePairJob() = default;

void PositivePairJob::setRun(const QString& runDir) {
  if (runDir == runDir_ && run_) return;
  cancel();
  runDir_ = runDir;
  run_ = runDir.isEmpty() ? nullptr : std::make_shared<PairRun>(runDir.toStdString());
}

void PositivePairJob::request(const PositivePairRequest& r) {
  if (!run_ || r.index < 0) return;
  const std::shared_ptr<PairRun> run = run_;
  const JobCallbacks callbacks = queuedCallbacks(
      this, [this](const JobProgress& p) { Q_EMIT progressReported(p); },
      [this](int level, const QString& text) { Q_EMIT logMessage(level, text); });
  job_.request(
      [run, r, callbacks](const StopToken& stop) {
        try {
          return compute(*run, r, callbacks, stop);
        } catch (...) {
          PositivePairResult failed;
          failed.request = r;
          failed.error = jobErrorMessage(std::current_exception());
          return failed;
        }
      },
      [this, run](const PositivePairResult& result) {
        if (run == run_) {  // not an answer about a run left since
          if (!result.error.isEmpty())
            Q_EMIT logMessage(int(LogLevel::Error), tr("Positive pair: %1").arg(result.error));
          Q_EMIT resultReady(result);
        }
        Q_EMIT busyChanged(isBusy());
      });
  Q_EMIT busyChanged(true);
}

void PositivePairJob::cancel() {
  job_.cancel();
}

}  // namespace simclr::gui

#include "app/gui/dataset/dataset_summary.h"

#include <chrono>

#include "app/gui/jobs/tensor_image.h"
#include "engine/core/error.h"
#include "engine/data/dataset_download.h"
#include "engine/data/dataset_locator.h"

namespace simclr::gui {

QString datasetTitle(const QString& name) {
  if (name == QLatin1String("cifar10")) return QStringLiteral("CIFAR-10");
  if (name == QLatin1String("fashion-mnist")) return QStringLiteral("Fashion-MNIST");
  if (name == QLatin1String("mnist")) return QStringLiteral("MNIST");
  return name;
}

void registerDatasetSummaryTypes() {
  qRegisterMetaType<DatasetRequest>();
  qRegisterMetaType<DatasetSummary>();
}

namespace {

QVector<qint64> toVector(const std::vector<int64_t>& v) {
  return QVector<qint64>(v.begin(), v.end());
}

// The first `perClass` training images of each class, in class order: the same grid every
// time for the same data.
void addSamples(const ImageDataset& train, int perClass, DatasetSummary& out) {
  const auto add = [&](int64_t index, int label) {
    out.samples.push_back(imageFromDataset(train, index));
    out.sampleLabels.push_back(label);
    if (!train.files.empty()) out.sampleFiles << QString::fromStdString(train.files[size_t(index)]);
  };
  if (!train.labelled()) {  // a few rows' worth, spread over the folder
    const int64_t n = std::min<int64_t>(train.size(), 8 * int64_t(perClass));
    for (int64_t i = 0; i < n; ++i) add(i * train.size() / n, -1);
    return;
  }
  const int64_t classes = train.num_classes();
  std::vector<int> taken(size_t(std::max<int64_t>(classes, 0)), 0);
  std::vector<std::vector<int64_t>> picked(taken.size());
  const auto labels = train.labels.accessor<int64_t, 1>();
  int64_t remaining = classes * perClass;
  for (int64_t i = 0; i < train.size() && remaining > 0; ++i) {
    const int64_t c = labels[i];
    if (c < 0 || c >= classes || taken[size_t(c)] >= perClass) continue;
    picked[size_t(c)].push_back(i);
    ++taken[size_t(c)];
    --remaining;
  }
  for (int64_t c = 0; c < classes; ++c)
    for (int64_t index : picked[size_t(c)]) add(index, int(c));
}

}  // namespace

bool sameDatasetSettings(const DatasetRequest& a, const DatasetRequest& b) {
  return a.name == b.name && a.path == b.path && a.baseDir == b.baseDir && a.trainLimit == b.trainLimit &&
         a.testLimit == b.testLimit && a.imageSize == b.imageSize && a.onUnreadable == b.onUnreadable &&
         a.labels == b.labels && a.holdoutFraction == b.holdoutFraction;
}

DatasetSummary summarizeDataset(const DatasetRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  DatasetSummary out;
  out.requestId = request.id;
  out.name = request.name;
  out.title = datasetTitle(request.name);
  std::string name;
  try {
    name = canonical_dataset_name(request.name.toStdString());
    out.name = QString::fromStdString(name);
    out.title = datasetTitle(out.name);
  } catch (const Error& e) {
    out.error = QString::fromStdString(e.what());
    return out;
  }
  const std::filesystem::path base = request.baseDir.toStdString();
  std::filesystem::path folder;
  try {
    folder = locate_dataset(name, request.path.toStdString(), base);
  } catch (const DataError& e) {
    out.state = DatasetSummary::State::NotFound;
    out.error = QString::fromStdString(e.what());
    for (const auto& dir : dataset_search_paths(name, request.path.toStdString(), base))
      out.searched << QString::fromStdString(dir.string());
    out.downloadable = name == "cifar10" && download_supported();
    return out;
  } catch (const std::exception& e) {  // ConfigError, or a filesystem error
    out.error = QString::fromStdString(e.what());
    return out;
  }
  out.folder = QString::fromStdString(folder.string());
  try {
    // An image folder is decoded at the project's size and policy, as training reads it.
    ImageFolderOptions options;
    options.image_size = request.imageSize;
    options.on_unreadable = parse_unreadable_policy(request.onUnreadable.toStdString());
    options.labels = parse_folder_labels(request.labels.toStdString());
    options.holdout_fraction = request.holdoutFraction;
    options.on_warning = [&out](const std::string& line) { out.skippedFiles << QString::fromStdString(line); };
    const DatasetSplits splits = load_dataset(name, folder, options);
    out.trainSize = splits.train.size();
    out.testSize = splits.test.size();
    out.trainUsed = request.trainLimit > 0 ? splits.train.limited_to(request.trainLimit).size() : out.trainSize;
    out.testUsed = request.testLimit > 0 ? splits.test.limited_to(request.testLimit).size() : out.testSize;
    out.channels = int(splits.train.channels());
    out.height = int(splits.train.height());
    out.width = int(splits.train.width());
    for (const auto& c : splits.train.class_names) out.classNames << QString::fromStdString(c);
    out.heldOut = QString::fromStdString(splits.held_out);
    out.trainCounts = toVector(splits.train.class_counts());
    out.testCounts = toVector(splits.test.class_counts());
    addSamples(splits.train, request.samplesPerClass, out);
    out.state = DatasetSummary::State::Found;
  } catch (const std::exception& e) {  // DataError for bad files; anything else as well
    out.state = DatasetSummary::State::Failed;
    out.error = QString::fromStdString(e.what());
  }
  out.loadSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace simclr::gui

#include "app/gui/dataset/dataset_request.h"

#include <QDir>
#include <QFileInfo>

#include <nlohmann/json.hpp>

#include "app/gui/project/project_document.h"

namespace simclr::gui {

DatasetRequest datasetRequestFor(const ProjectDocument& document, int samplesPerClass) {
  DatasetRequest r;
  const auto text = [&document](const char* pointer) {
    const nlohmann::json v = document.value(pointer);
    return v.is_string() ? QString::fromStdString(v.get<std::string>()) : QString();
  };
  const auto count = [&document](const char* pointer) {
    const nlohmann::json v = document.value(pointer);
    return v.is_number_integer() ? qint64(v.get<int64_t>()) : qint64(0);
  };
  r.name = text("/dataset/name");
  r.path = text("/dataset/path");
  r.trainLimit = count("/dataset/train_limit");
  r.testLimit = count("/dataset/test_limit");
  r.imageSize = count("/dataset/image_size");
  if (const QString policy = text("/dataset/on_unreadable"); !policy.isEmpty()) r.onUnreadable = policy;
  if (const QString labels = text("/dataset/labels"); !labels.isEmpty()) r.labels = labels;
  if (const nlohmann::json f = document.value("/dataset/holdout_fraction"); f.is_number())
    r.holdoutFraction = f.get<double>();
  // Relative paths resolve against the project's folder, as the engine does.
  r.baseDir = document.filePath().isEmpty() ? QDir::currentPath() : QFileInfo(document.filePath()).absolutePath();
  r.samplesPerClass = samplesPerClass;
  return r;
}

}  // namespace simclr::gui

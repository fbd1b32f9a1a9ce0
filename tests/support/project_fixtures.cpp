#include "tests/support/project_fixtures.h"

#include "engine/project/project_file.h"
#include "engine/train/trainer.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/photo_folder.h"

namespace simclr::test {

ProjectConfig tiny_project(const std::filesystem::path& data_dir) {
  ProjectConfig p;
  p.name = "tiny";
  p.dataset.name = "cifar10";
  p.dataset.path = data_dir.string();
  p.model.width = 4;
  p.model.projection.hidden_dim = 32;
  p.model.projection.output_dim = 16;
  p.training.epochs = 2;
  p.training.batch_size = 16;
  p.training.device = "cpu";
  p.training.threads = 2;
  p.training.seed = 7;
  p.training.checkpoint_every_steps = 4;
  p.evaluation.knn_k = 5;
  p.evaluation.batch_size = 32;
  return p;
}

ProjectConfig write_tiny_project(const std::filesystem::path& file, const std::filesystem::path& data_dir) {
  ProjectConfig p = tiny_project(data_dir);
  save_project(p, file);
  return load_project(file);
}

std::filesystem::path train_tiny_run(const std::filesystem::path& dir, uint64_t seed, int64_t epochs, bool monitor) {
  write_cifar10_folder(dir / "data", 16, 40, seed);
  ProjectConfig project = tiny_project(dir / "data");
  project.training.epochs = epochs;
  if (!monitor) project.evaluation.knn_every_epochs = 0;
  TrainOptions options;
  options.runs_root = dir / "runs";
  return train(project, options, {}, StopToken()).run_dir;
}

std::filesystem::path train_photo_run(const std::filesystem::path& dir, PhotoFolder* photos) {
  const PhotoFolder written = write_photo_folder(dir / "photos", 120, 3, 4);
  if (photos) *photos = written;
  ProjectConfig project = tiny_project(written.dir);
  project.name = "photos";
  project.dataset.name = "image-folder";
  project.dataset.image_size = 32;
  project.evaluation.knn_every_epochs = 0;
  TrainOptions options;
  options.runs_root = dir / "runs";
  return train(project, options, {}, StopToken()).run_dir;
}

}  // namespace simclr::test

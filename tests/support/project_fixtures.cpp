#include "tests/support/project_fixtures.h"

#include "engine/project/project_file.h"

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

}  // namespace simclr::test

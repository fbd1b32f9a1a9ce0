// Project files: the JSON syntax check, the schema reader (every section and key of
// project_schema.h, with their types and ranges), the augmentation spec inside, and the
// per-device profiles merged over the project.
#include "engine/project/project_file.h"
#include "tests/fuzz/fuzz_harness.h"

SIMCLR_FUZZ_HARNESS(project_json) {
  using namespace simclr;
  const auto file = fuzz::write_input("project.json", data, size);
  return fuzz::expect_errors([&] {
    const ProjectConfig project = load_project(file);
    for (const char* profile : {"cpu", "cuda"}) apply_profile(project, profile);
    // What the run folder keeps and --resume reads back.
    (void)parse_project(to_json(project));
  });
}

// simclr-cli project validate|show: check a project file and print what a run would use.
#include <iostream>

#include "app/cli/cli_command.h"
#include "engine/core/error.h"
#include "engine/project/project_file.h"

namespace simclr::cli {

void register_project_commands(CLI::App& root, const GlobalOptions& global) {
  auto* project = root.add_subcommand("project", "Check and inspect project files");
  project->require_subcommand(1);

  auto* validate = project->add_subcommand("validate", "Report every problem in project files (exit 2 if any)");
  static std::vector<std::string> files;
  validate->add_option("PROJECT", files, "Project file(s) (*.json)")->required();
  validate->callback([&global] {
    int invalid = 0;
    for (const auto& file : files) {
      try {
        const ProjectConfig config = load_project(file);
        if (!global.quiet) std::cout << file << ": OK (" << config.name << ")\n";
      } catch (const ConfigError& e) {
        std::cerr << e.what() << '\n';
        ++invalid;
      }
    }
    if (invalid > 0)
      throw ConfigError(std::to_string(invalid) + " of " + std::to_string(files.size()) + " project file(s) invalid");
  });

  auto* show = project->add_subcommand("show", "Print the project with every default filled in");
  static std::string show_file;
  show->add_option("PROJECT", show_file, "Project file")->required();
  show->callback([] { std::cout << to_json(load_project(show_file)).dump(2) << '\n'; });
}

}  // namespace simclr::cli

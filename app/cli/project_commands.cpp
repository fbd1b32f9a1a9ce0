// simclr-cli project validate|show: check a project file and print what a run would use
// (with --explain, what each setting means).
#include <algorithm>
#include <iostream>

#include "app/cli/cli_command.h"
#include "engine/core/error.h"
#include "engine/project/project_file.h"
#include "engine/project/setting_help.h"

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
  static bool explain = false;
  show->add_option("PROJECT", show_file, "Project file")->required();
  show->add_flag("--explain", explain, "Each setting on its own line with its value, unit and meaning");
  show->callback([] {
    const nlohmann::json project = to_json(load_project(show_file));
    if (!explain) {
      std::cout << project.dump(2) << '\n';
      return;
    }
    for (const std::string& path : schema_setting_paths()) {
      std::string pointer = "/" + path;
      std::replace(pointer.begin(), pointer.end(), '.', '/');
      const nlohmann::json& value = project.at(nlohmann::json::json_pointer(pointer));
      std::cout << path << " = " << value.dump();
      const SettingHelp* help = setting_help(path);
      if (help && !help->unit.empty()) std::cout << ' ' << help->unit;
      if (help && !help->zero.empty() && value == 0) std::cout << " (" << help->zero << ')';
      std::cout << '\n';
      if (help) std::cout << "    " << help->text << '\n';
    }
  });
}

}  // namespace simclr::cli

#include "app/cli/unknown_command.h"

#include <filesystem>
#include <vector>

#include "engine/project/project_file.h"

namespace simclr::cli {

namespace {

// The commands one level below `app` (option groups have no name and are no commands).
std::vector<std::string> command_names(CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](CLI::App* s) { return !s->get_name().empty(); }))
    names.push_back(sub->get_name());
  return names;
}

// The first word given to one of `app`'s positional arguments, or "".
std::string first_positional_word(const CLI::App& app) {
  const auto given = app.get_options([](const CLI::Option* o) { return o->get_positional() && o->count() > 0; });
  return given.empty() ? std::string() : given.front()->results().front();
}

std::string message_for(const std::string& word, const std::string& path, const std::vector<std::string>& commands,
                        const std::string& nearest) {
  if (!nearest.empty()) return "'" + word + "' is not a " + path + " command; did you mean '" + nearest + "'?";
  std::string message = "'" + word + "' is not a " + path + " command; the commands are";
  for (size_t i = 0; i < commands.size(); ++i) message += (i ? ", " : " ") + commands[i];
  return message + " (" + path + " --help)";
}

}  // namespace

std::string unknown_command_message(CLI::App& root) {
  std::string path = root.get_name();
  for (CLI::App* app = &root; app != nullptr;) {
    const std::vector<std::string> commands = command_names(*app);
    if (!commands.empty()) {
      const std::string taken = first_positional_word(*app);
      const std::vector<std::string> left = app->remaining(false);
      if (taken.empty() && !left.empty() && !left.front().empty() && left.front()[0] != '-')
        return message_for(left.front(), path, commands, nearest_name(left.front(), commands));
      std::error_code ec;
      if (!taken.empty() && !std::filesystem::exists(taken, ec)) {
        const std::string nearest = nearest_name(taken, commands);
        if (!nearest.empty()) return message_for(taken, path, commands, nearest);
      }
    }
    const std::vector<CLI::App*> chosen = app->get_subcommands();
    app = chosen.empty() ? nullptr : chosen.front();
    if (app) path += " " + app->get_name();
  }
  return {};
}

}  // namespace simclr::cli

#pragma once
// Reading, validating and writing project files (versioned JSON).
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/core/config_issue.h"
#include "engine/project/project_config.h"

namespace simclr {

// Every problem in a project document, each with its JSON path: wrong types, values out of
// range, unknown keys (with the nearest valid name), bad augmentation ops, bad profiles.
ConfigIssues validate_project(const nlohmann::json& document);

// Parses a document; throws ConfigError listing every issue when it is not valid.
// Missing keys take their defaults.
ProjectConfig parse_project(const nlohmann::json& document);

// The complete project with every default written out.
nlohmann::json to_json(const ProjectConfig& config);

// Loads and parses a project file. Throws ConfigError naming the file (and the line and
// column of a JSON syntax error).
ProjectConfig load_project(const std::filesystem::path& file);

// Writes the project atomically (temporary file, then rename).
void save_project(const ProjectConfig& config, const std::filesystem::path& file);

// The project with profiles[profile] merged over it (JSON merge patch); unchanged when
// the project has no such profile.
ProjectConfig apply_profile(const ProjectConfig& config, const std::string& profile);

// The valid name closest to `name` by edit distance, or "" when nothing is close.
std::string nearest_name(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace simclr

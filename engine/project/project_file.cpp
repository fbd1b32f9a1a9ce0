#include "engine/project/project_file.h"

#include <algorithm>
#include <cmath>
#include <regex>
#include <set>
#include <sstream>

#include "engine/augment/augment_pipeline.h"
#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/project/project_schema.h"

namespace simclr {

using nlohmann::json;

namespace {

std::string type_name(const json& value) {
  if (value.is_boolean()) return "a boolean";
  if (value.is_number_integer() || value.is_number_unsigned()) return "an integer";
  if (value.is_number()) return "a number";
  if (value.is_string()) return "a string";
  if (value.is_array()) return "an array";
  if (value.is_object()) return "an object";
  return "null";
}

// Walks the schema over a JSON object: converts values into the config, records every
// issue with its path, and reports keys the schema does not know.
class JsonReader {
 public:
  JsonReader(const nlohmann::json& object, std::string path, ConfigIssues& issues)
      : object_(object), path_(std::move(path)), issues_(issues) {}

  void field(const char* key, std::string& out, const schema::Choices& choices = {}) {
    const json* value = take(key);
    if (!value) return;
    if (!value->is_string()) return wrong_type(key, "a string", *value);
    const auto text = value->get<std::string>();
    if (!choices.empty() && std::find(choices.begin(), choices.end(), text) == choices.end()) {
      std::string list;
      for (const auto& c : choices) list += (list.empty() ? "" : ", ") + c;
      std::string message = "'" + text + "' is not one of " + list;
      const auto near = nearest_name(text, choices);
      if (!near.empty()) message += " (did you mean '" + near + "'?)";
      return issue(key, message);
    }
    out = text;
  }

  void field(const char* key, bool& out) {
    const json* value = take(key);
    if (!value) return;
    if (!value->is_boolean()) return wrong_type(key, "true or false", *value);
    out = value->get<bool>();
  }

  void field(const char* key, int64_t& out, schema::Range range = schema::any()) {
    const json* value = take(key);
    if (!value) return;
    if (!value->is_number_integer() && !value->is_number_unsigned()) return wrong_type(key, "an integer", *value);
    const auto v = value->get<int64_t>();
    if (check_range(key, static_cast<double>(v), range)) out = v;
  }

  void field(const char* key, uint64_t& out) {
    const json* value = take(key);
    if (!value) return;
    if (!value->is_number_unsigned() && !(value->is_number_integer() && value->get<int64_t>() >= 0))
      return wrong_type(key, "a non-negative integer", *value);
    out = value->get<uint64_t>();
  }

  void field(const char* key, double& out, schema::Range range = schema::any()) {
    const json* value = take(key);
    if (!value) return;
    if (!value->is_number()) return wrong_type(key, "a number", *value);
    const auto v = value->get<double>();
    if (check_range(key, v, range)) out = v;
  }

  void field(const char* key, std::vector<int64_t>& out, schema::Range range = schema::any()) {
    const json* value = take(key);
    if (!value) return;
    if (!value->is_array()) return wrong_type(key, "an array of integers", *value);
    std::vector<int64_t> list;
    for (size_t i = 0; i < value->size(); ++i) {
      const json& item = (*value)[i];
      const std::string at = std::string(key) + "[" + std::to_string(i) + "]";
      if (!item.is_number_integer() && !item.is_number_unsigned()) return wrong_type(at.c_str(), "an integer", item);
      if (!check_range(at.c_str(), static_cast<double>(item.get<int64_t>()), range)) return;
      if (std::find(list.begin(), list.end(), item.get<int64_t>()) != list.end())
        return issue(at.c_str(), std::to_string(item.get<int64_t>()) + " is listed twice");
      list.push_back(item.get<int64_t>());
    }
    out = list;
  }

  template <class Section>
  void section(const char* key, Section& out) {
    const json* value = take(key);
    if (!value) return;
    if (!value->is_object()) return wrong_type(key, "an object", *value);
    JsonReader nested(*value, join(key), issues_);
    schema::describe(nested, out);
    nested.report_unknown_keys();
  }

  void raw(const char* key, nlohmann::json& out) {
    const nlohmann::json* value = take(key);
    if (!value) return;
    if (!value->is_object()) return wrong_type(key, "an object", *value);
    out = *value;
  }

  void report_unknown_keys() {
    for (const auto& [key, value] : object_.items()) {
      if (known_.count(key)) continue;
      std::string message = "unknown setting";
      const auto near = nearest_name(key, std::vector<std::string>(known_.begin(), known_.end()));
      if (!near.empty()) message += " (did you mean '" + near + "'?)";
      issue(key.c_str(), message);
    }
  }

 private:
  const nlohmann::json* take(const char* key) {
    known_.insert(key);
    auto it = object_.find(key);
    return it == object_.end() ? nullptr : &*it;
  }
  std::string join(const char* key) const { return path_.empty() ? key : path_ + "." + key; }
  void issue(const char* key, const std::string& message) { issues_.push_back({join(key), message}); }
  void wrong_type(const char* key, const std::string& expected, const nlohmann::json& got) {
    issue(key, "must be " + expected + ", not " + type_name(got));
  }
  bool check_range(const char* key, double v, schema::Range range) {
    if (!std::isfinite(v)) {
      issue(key, "must be a finite number");
      return false;
    }
    if (range.min == std::numeric_limits<double>::denorm_min() && v <= 0) {
      issue(key, "must be > 0");
      return false;
    }
    if (v < range.min) {
      issue(key, "must be >= " + format_number(range.min));
      return false;
    }
    if (v > range.max) {
      issue(key, "must be <= " + format_number(range.max));
      return false;
    }
    return true;
  }

  const nlohmann::json& object_;
  std::string path_;
  ConfigIssues& issues_;
  std::set<std::string> known_;
};

// Walks the schema to write every field, defaults included.
class JsonWriter {
 public:
  explicit JsonWriter(json& out) : out_(out) {}
  template <class T, class... Constraint>
  void field(const char* key, const T& value, Constraint&&...) {
    out_[key] = value;
  }
  template <class Section>
  void section(const char* key, Section& value) {
    json nested = json::object();
    JsonWriter writer(nested);
    schema::describe(writer, value);
    out_[key] = nested;
  }
  void raw(const char* key, const nlohmann::json& value) { out_[key] = value; }

 private:
  nlohmann::json& out_;
};

// Checks that need more than one field or knowledge of other modules.
void validate_semantics(const ProjectConfig& c, const std::string& prefix, ConfigIssues& issues) {
  const auto at = [&](const std::string& path) { return prefix.empty() ? path : prefix + "." + path; };
  static const std::regex device_pattern("auto|cpu|cuda(:[0-9]+)?");
  if (!std::regex_match(c.training.device, device_pattern))
    issues.push_back({at("training.device"), "'" + c.training.device + "' is not auto, cpu, cuda or cuda:N"});
  if (c.model.encoder == "vit" && c.model.vit.dim % c.model.vit.heads != 0)
    issues.push_back({at("model.vit.dim"), std::to_string(c.model.vit.dim) + " is not a multiple of model.vit.heads (" +
                                               std::to_string(c.model.vit.heads) + ")"});
  for (const auto& issue : AugmentPipeline::validate(c.augmentation, at("augmentation"))) issues.push_back(issue);
}

ProjectConfig read_document(const json& document, const std::string& prefix, ConfigIssues& issues) {
  ProjectConfig config;
  if (!document.is_object()) {
    issues.push_back({prefix, "a project must be a JSON object, not " + type_name(document)});
    return config;
  }
  JsonReader reader(document, prefix, issues);
  schema::describe(reader, config);
  reader.report_unknown_keys();
  return config;
}

}  // namespace

std::string nearest_name(const std::string& name, const std::vector<std::string>& candidates) {
  auto distance = [](const std::string& a, const std::string& b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      size_t diagonal = row[0];
      row[0] = i;
      for (size_t j = 1; j <= b.size(); ++j) {
        const size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
        diagonal = up;
      }
    }
    return row[b.size()];
  };
  std::string best;
  size_t best_distance = std::max<size_t>(2, name.size() / 3) + 1;  // "close" = a few edits
  for (const auto& candidate : candidates) {
    const size_t d = distance(name, candidate);
    if (d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

ConfigIssues validate_project(const json& document) {
  ConfigIssues issues;
  const ProjectConfig config = read_document(document, "", issues);
  if (!issues.empty()) return issues;
  validate_semantics(config, "", issues);
  // Each profile must give a valid project once merged.
  for (const auto& [profile, patch] : config.profiles.items()) {
    const std::string path = "profiles." + profile;
    if (profile != "cpu" && profile != "cuda") {
      issues.push_back({path, "unknown profile (profiles apply per device: cpu or cuda)"});
      continue;
    }
    if (!patch.is_object()) {
      issues.push_back({path, "must be an object, not " + type_name(patch)});
      continue;
    }
    json merged = to_json(config);
    merged.merge_patch(patch);
    merged.erase("profiles");
    ConfigIssues profile_issues;
    const ProjectConfig profiled = read_document(merged, path, profile_issues);
    if (profile_issues.empty()) validate_semantics(profiled, path, profile_issues);
    issues.insert(issues.end(), profile_issues.begin(), profile_issues.end());
  }
  return issues;
}

ProjectConfig parse_project(const json& document) {
  const ConfigIssues issues = validate_project(document);
  if (!issues.empty()) throw ConfigError(join_issues(issues));
  ConfigIssues none;
  return read_document(document, "", none);
}

json to_json(const ProjectConfig& config) {
  json out = json::object();
  JsonWriter writer(out);
  schema::describe(writer, const_cast<ProjectConfig&>(config));
  return out;
}

ProjectConfig load_project(const std::filesystem::path& file) {
  std::string text;
  try {
    text = read_file(file);
  } catch (const IoError& e) {
    throw ConfigError(e.what());
  }
  json document;
  try {
    document = json::parse(text);
  } catch (const json::parse_error& e) {
    // Turn the byte offset into a line and column a person can find.
    const size_t offset = std::min<size_t>(e.byte > 0 ? e.byte - 1 : 0, text.size());
    const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n');
    const auto line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
    const auto column = offset - (line_start == std::string::npos ? 0 : line_start + 1) + 1;
    throw ConfigError(file.string() + ":" + std::to_string(line) + ":" + std::to_string(column) + ": not valid JSON");
  } catch (const json::exception& e) {  // a number too large for a double (out_of_range 406), ...
    std::string why = e.what();
    if (const size_t end = why.find("] "); why.rfind("[json.exception", 0) == 0 && end != std::string::npos)
      why = why.substr(end + 2);
    throw ConfigError(file.string() + ": not a valid project file: " + why);
  }
  const ConfigIssues issues = validate_project(document);
  if (!issues.empty()) {
    std::string message = file.string() + ": invalid project";
    for (const auto& issue : issues) message += "\n  " + issue.to_string();
    throw ConfigError(message);
  }
  ProjectConfig config = parse_project(document);
  config.file = std::filesystem::absolute(file);
  return config;
}

void save_project(const ProjectConfig& config, const std::filesystem::path& file) {
  write_file_atomically(file, to_json(config).dump(2) + "\n");
}

ProjectConfig apply_profile(const ProjectConfig& config, const std::string& profile) {
  auto it = config.profiles.find(profile);
  if (it == config.profiles.end()) return config;
  json merged = to_json(config);
  merged.merge_patch(*it);
  ProjectConfig result = parse_project(merged);
  result.file = config.file;
  return result;
}

std::filesystem::path ProjectConfig::base_dir() const {
  return file.empty() ? std::filesystem::current_path() : file.parent_path();
}

}  // namespace simclr

#pragma once
// What each project setting means, in words for people: one line of help, its unit and
// what 0 means where 0 is special. Read by the GUI's form (tooltips, spin-box units) and
// by `simclr-cli project show --explain`. Every field of the schema has an entry (a test
// walks project_schema.h).
#include <string>
#include <vector>

namespace simclr {

struct SettingHelp {
  std::string text;  // one sentence
  std::string unit;  // "epochs", "images", "MB"; empty when the value has none
  std::string zero;  // what 0 means ("all images", "off"), empty when 0 is not special
};

// By dotted path ("training.batch_size"); nullptr for a path without help.
const SettingHelp* setting_help(const std::string& path);

// Every setting the schema declares, by dotted path, in the schema's order (sections'
// own fields, then raw objects such as "augmentation").
std::vector<std::string> schema_setting_paths();

}  // namespace simclr

#pragma once
// What each augmentation op takes, for editors that build op lists (the workbench's list
// editor): its parameters with kind, bounds and default, and a line of help. The parser in
// augment_pipeline.cpp stays the authority; a test checks that every op it knows is here and
// that these bounds and defaults are what it accepts.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace simclr {

struct AugmentParamInfo {
  enum class Kind { Number, Integer, Range };  // Range: [min, max] as a two-number array
  std::string key;
  Kind kind = Kind::Number;
  double min = 0, max = 1;  // inclusive bounds (max may be infinite)
  bool min_open = false;    // (min, max]
  double default_value = 0, default_max = 0;  // default_max: a range's upper end
  std::string help;
};

struct AugmentOpInfo {
  std::string name;
  std::string help;
  std::vector<AugmentParamInfo> params;
  bool nested = false;  // random_choice: "then" and "else" op lists besides its parameters
};

// Every op the pipeline parses, in the order an editor offers them.
const std::vector<AugmentOpInfo>& augment_catalog();
// nullptr for an op the catalog does not know.
const AugmentOpInfo* augment_op_info(const std::string& name);
// {"op": name, every parameter at its default} (nested lists empty).
nlohmann::json default_op(const AugmentOpInfo& op);

}  // namespace simclr

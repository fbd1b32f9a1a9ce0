#pragma once
// A preset's augmentation ops as lines a person reads ("2. horizontal_flip: p 0.5"), with the
// branches of random_choice indented under it, for the project form's read-only view; a
// custom op list stays JSON text, which is what the user edits.
#include <QString>

#include <nlohmann/json.hpp>

namespace simclr::gui {

QString readableAugmentationOps(const nlohmann::json& ops);

}  // namespace simclr::gui

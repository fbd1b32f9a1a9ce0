#pragma once
// Builds the form editor's widgets by walking the engine's project schema
// (engine/project/project_schema.h) with a visitor: every setting the engine parses gets an
// editor, typed and bounded as the schema declares it, so the form cannot drift from the
// engine when a setting is added.
#include <memory>
#include <vector>

#include "app/gui/project_form/setting_editor.h"

class QWidget;

namespace simclr::gui {

struct SchemaForm {
  QWidget* widget = nullptr;                            // group boxes top to bottom (unowned until laid out)
  std::vector<std::unique_ptr<SettingEditor>> editors;  // sections' editors included
};

SchemaForm buildProjectForm();

}  // namespace simclr::gui

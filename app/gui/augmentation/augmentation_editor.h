#pragma once
// The augmentation setting: free-form JSON in the schema ({"preset": ...} or a custom op
// list, see engine/augment/augment_pipeline.h), edited as a preset choice, an optional
// final image size and the op list: as a list of operations with their parameters (first
// tab) or as JSON text (second tab). Editing a preset's list, or choosing "custom", makes
// an editable copy of its ops.
#include "app/gui/project_form/setting_editor.h"

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTabWidget;

namespace simclr::gui {

class AugmentationListEditor;

class AugmentationEditor : public SettingEditor {
 public:
  explicit AugmentationEditor(std::string path);
  void show(const nlohmann::json& value) override;
  AugmentationListEditor* listEditor() const { return list_; }
  QTabWidget* tabs() const { return tabs_; }

 private:
  void choosePreset(int index);
  void changeImageSize(int size);
  void applyOps();
  void revertOps();
  void updateButtons();
  // The value as an object ({"preset": "paper"} for the bare string "paper").
  nlohmann::json spec() const;
  QString currentPreset() const;

  QComboBox* preset_;
  QSpinBox* imageSize_;
  QTabWidget* tabs_;
  AugmentationListEditor* list_;
  QPlainTextEdit* ops_;
  QLabel* opsHint_;
  QPushButton* apply_;
  QPushButton* revert_;
  nlohmann::json shown_;
};

}  // namespace simclr::gui

#pragma once
// The augmentation setting: free-form JSON in the schema ({"preset": ...} or a custom op
// list, see engine/augment/augment_pipeline.h), edited as a preset choice, an optional
// final image size and the op list as JSON text. A preset's ops are shown read-only;
// choosing "custom" turns them into an editable copy.
#include "app/gui/project_form/setting_editor.h"

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace simclr::gui {

class AugmentationEditor : public SettingEditor {
 public:
  explicit AugmentationEditor(std::string path);
  void show(const nlohmann::json& value) override;

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
  QPlainTextEdit* ops_;
  QLabel* opsHint_;
  QPushButton* apply_;
  QPushButton* revert_;
  nlohmann::json shown_;
};

}  // namespace simclr::gui

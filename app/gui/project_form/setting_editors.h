#pragma once
// The form editor's widgets, one per kind of schema field. The form builder picks one for
// each field the engine's schema declares (project_schema.h), with the schema's default and
// constraint; the engine's validator, not these widgets, judges values, so spin boxes are
// deliberately wider than the valid range and an out-of-range entry gets the engine's
// message next to it instead of being silently clamped.
#include <cstdint>
#include <string>
#include <vector>

#include "app/gui/project_form/setting_editor.h"

class QCheckBox;
class QComboBox;
class QGroupBox;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace simclr::gui {

// Inclusive bounds as the schema states them (infinite = unbounded); for tooltips.
struct ValueRange {
  double min;
  double max;
};
// "an integer >= 2", "a number > 0", "between 0 and 1".
QString describeRange(const ValueRange& range, bool integer);

class IntegerEditor : public SettingEditor {
 public:
  IntegerEditor(std::string path, ValueRange range, int64_t defaultValue);
  void show(const nlohmann::json& value) override;
  // Shown instead of 0 where 0 means something ("all", "off").
  void setZeroText(const QString& text);

 private:
  QSpinBox* spin_;
  int64_t default_;
};

// uint64 (the seed): a line edit, since a QSpinBox holds only an int.
class UnsignedEditor : public SettingEditor {
 public:
  UnsignedEditor(std::string path, uint64_t defaultValue);
  void show(const nlohmann::json& value) override;

 private:
  void onEdited();
  QLineEdit* edit_;
  uint64_t default_;
};

// A double as text, so 3e-4 and 1e-6 are typed and shown as such.
class NumberEditor : public SettingEditor {
 public:
  NumberEditor(std::string path, ValueRange range, double defaultValue);
  void show(const nlohmann::json& value) override;

 private:
  void onEdited();
  QLineEdit* edit_;
  double default_;
  nlohmann::json shown_;
};

class ChoiceEditor : public SettingEditor {
 public:
  ChoiceEditor(std::string path, std::vector<std::string> choices, std::string defaultValue);
  void show(const nlohmann::json& value) override;

 private:
  QComboBox* combo_;
  std::vector<std::string> choices_;
  std::string default_;
};

// Free text; `browseFolder` adds a "Browse…" button that picks a folder.
class TextEditor : public SettingEditor {
 public:
  TextEditor(std::string path, std::string defaultValue, const QString& placeholder, bool browseFolder);
  void show(const nlohmann::json& value) override;

 private:
  void onEdited();
  QLineEdit* edit_;
  std::string default_;
};

// Text of several lines (the project's description), wrapped to the form's width and
// committed when the field loses focus.
class LongTextEditor : public SettingEditor {
 public:
  LongTextEditor(std::string path, const QString& placeholder);
  void show(const nlohmann::json& value) override;

 private:
  QPlainTextEdit* edit_;
};

// A list of integers typed as "32, 64, 128" (the sweep's batch sizes); empty = [].
class IntegerListEditor : public SettingEditor {
 public:
  IntegerListEditor(std::string path, ValueRange range, const QString& placeholder);
  void show(const nlohmann::json& value) override;

 private:
  void onEdited();
  QLineEdit* edit_;
};

class BoolEditor : public SettingEditor {
 public:
  BoolEditor(std::string path, const QString& text, bool defaultValue);
  void show(const nlohmann::json& value) override;

 private:
  QCheckBox* check_;
  bool default_;
};

// A free-form JSON object (profiles) in a text editor with Apply and Revert.
class JsonObjectEditor : public SettingEditor {
 public:
  explicit JsonObjectEditor(std::string path, const QString& help);
  void show(const nlohmann::json& value) override;

 private:
  void apply();
  void revert();
  void updateButtons();
  QPlainTextEdit* text_;
  QPushButton* apply_;
  QPushButton* revert_;
  nlohmann::json shown_;
};

// A section's group box: no value of its own, only a place for messages about the section
// as a whole (unknown keys, wrong type).
class SectionEditor : public SettingEditor {
 public:
  SectionEditor(std::string path, QGroupBox* box);
  void show(const nlohmann::json&) override {}
};

// Numbers as a person writes them: 0.001, 3e-4, 1e-6 (no "e-06").
QString formatNumber(double value);

}  // namespace simclr::gui

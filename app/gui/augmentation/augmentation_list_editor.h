#pragma once
// The augmentation ops as a list a person edits: add an op from the catalog
// (engine/augment/augment_catalog.h), remove it, move it up or down, and set the selected
// op's parameters with sliders (probabilities and other [0, 1] values) and spin boxes, with
// each parameter's bounds and meaning in its tooltip. Every change hands the whole list on
// (opsEdited); random_choice's nested lists are edited as JSON (the editor's second tab).
#include <QWidget>

#include <nlohmann/json.hpp>

class QFormLayout;
class QLabel;
class QListWidget;
class QToolButton;

namespace simclr::gui {

class AugmentationListEditor : public QWidget {
  Q_OBJECT
 public:
  explicit AugmentationListEditor(QWidget* parent = nullptr);

  // Shows `ops` (a JSON array of op objects); keeps the selected row where it can.
  void setOps(const nlohmann::json& ops);
  const nlohmann::json& ops() const { return ops_; }

  QListWidget* list() const { return list_; }
  QToolButton* addButton() const { return add_; }
  QToolButton* removeButton() const { return remove_; }
  QToolButton* upButton() const { return up_; }
  QToolButton* downButton() const { return down_; }
  // The selected op's parameter editors, by parameter key (objectName "param.<key>").
  QWidget* parameterArea() const { return params_; }

 Q_SIGNALS:
  void opsEdited(const nlohmann::json& ops);

 private:
  void refreshRows(int select);
  void showParameters();
  void addOp(const std::string& name);
  void removeSelected();
  void moveSelected(int by);
  void setParameter(const std::string& key, const nlohmann::json& value);
  int selectedRow() const;

  nlohmann::json ops_ = nlohmann::json::array();
  QListWidget* list_;
  QToolButton* add_;
  QToolButton* remove_;
  QToolButton* up_;
  QToolButton* down_;
  QWidget* params_;
  QFormLayout* paramsForm_;
  QLabel* paramsHint_;
};

}  // namespace simclr::gui

#pragma once
// One project setting in the form editor: the widget that edits it, the JSON path that
// names it, and the place under it where the validator's messages appear. Showing a value
// never counts as an edit (the widget's signals are blocked meanwhile), so the document and
// the form can update each other without loops.
#include <functional>
#include <string>

#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

class QLabel;
class QWidget;

namespace simclr::gui {

class SettingEditor {
 public:
  using Commit = std::function<void(const nlohmann::json& value)>;

  // `path` is the dotted path the validator reports ("training.batch_size").
  explicit SettingEditor(std::string path);
  virtual ~SettingEditor();
  SettingEditor(const SettingEditor&) = delete;
  SettingEditor& operator=(const SettingEditor&) = delete;

  const std::string& path() const { return path_; }
  std::string pointer() const;  // "/training/batch_size"
  QWidget* input() const { return input_; }
  // The field with its issue label under it, for the form layout.
  QWidget* container() const { return container_; }

  // Shows the document's value (null when the document lacks the key).
  virtual void show(const nlohmann::json& value) = 0;
  void setCommit(Commit commit) { commit_ = std::move(commit); }

  // The validator's messages for this setting; empty clears them. Local messages (text that
  // does not parse) are shown too until the next successful edit or show().
  void setIssues(const QStringList& messages);
  QString issueText() const;

 protected:
  // Called once by the subclass's constructor: `input` is the widget that takes focus and
  // the red frame, `field` what the form lays out (the input itself, or a row holding it
  // and its buttons). The issue label goes under `field`.
  void setWidgets(QWidget* input, QWidget* field);
  void commit(const nlohmann::json& value);
  void setLocalIssue(const QString& message);

 private:
  void updateIssueLabel();

  std::string path_;
  QWidget* input_ = nullptr;
  QWidget* container_;
  QLabel* issueLabel_;
  QStringList issues_;
  QString localIssue_;
  Commit commit_;
};

// A human label from a schema key: "learning_rate" -> "Learning rate", "knn_k" -> "kNN k".
QString settingLabel(const std::string& key);

}  // namespace simclr::gui

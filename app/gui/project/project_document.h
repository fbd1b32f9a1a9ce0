#pragma once
// The project being edited: its JSON document, its file and whether it has unsaved
// changes. The form editor, the raw JSON view and the training controller all work on this
// one object; validation comes from the engine's validator, never re-implemented here.
#include <string>

#include <QObject>
#include <QString>

#include <nlohmann/json.hpp>

#include "engine/core/config_issue.h"
#include "engine/project/project_config.h"

namespace simclr::gui {

class ProjectDocument : public QObject {
  Q_OBJECT
 public:
  explicit ProjectDocument(QObject* parent = nullptr);

  // Opens a project file. A file that parses as JSON opens even with invalid settings (they
  // are listed by issues()); unreadable files and JSON syntax errors fail with a message
  // naming the file, line and column. Keys the file leaves out show their defaults.
  bool open(const QString& file, QString* error);
  // A new, unsaved project copied from a template file (name set to `name`).
  bool newFromTemplate(const QString& templateFile, const QString& name, QString* error);
  // Writes atomically. Refuses, with the issues in `error`, while the project is invalid.
  bool save(QString* error);
  bool saveAs(const QString& file, QString* error);

  QString filePath() const { return filePath_; }
  QString displayName() const;
  bool isModified() const { return modified_; }
  bool isOpen() const { return !document_.is_null(); }

  const nlohmann::json& json() const { return document_; }
  // Replaces the whole document (the raw JSON editor).
  void setJson(const nlohmann::json& document);
  // One setting by JSON pointer ("/training/batch_size"); emits changed() when it differs.
  nlohmann::json value(const std::string& pointer) const;
  void setValue(const std::string& pointer, const nlohmann::json& value);

  // The engine's verdict on the current document.
  const ConfigIssues& issues() const { return issues_; }
  bool isValid() const { return issues_.empty(); }
  // The parsed project (file set, so relative paths resolve). Throws ConfigError when invalid.
  ProjectConfig config() const;

 Q_SIGNALS:
  void changed();  // the document or its issues changed
  void modifiedChanged(bool modified);
  void filePathChanged(const QString& file);

 private:
  void setDocument(nlohmann::json document, bool modified);
  void setModified(bool modified);
  bool write(const QString& file, QString* error);

  nlohmann::json document_;
  ConfigIssues issues_;
  QString filePath_;
  bool modified_ = false;
};

}  // namespace simclr::gui

#include "app/gui/project/project_document.h"

#include <QFileInfo>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/project/project_file.h"

namespace simclr::gui {

namespace {
// Every setting spelled out: the defaults with the document merged over them, so the form
// shows each field even when the file leaves it out.
nlohmann::json with_defaults(const nlohmann::json& document) {
  nlohmann::json complete = to_json(ProjectConfig{});
  if (document.is_object()) complete.merge_patch(document);
  return complete;
}

// JSON merge patch drops keys set to null; profiles and augmentation must keep theirs.
nlohmann::json complete_document(const nlohmann::json& document) {
  nlohmann::json complete = with_defaults(document);
  for (const char* verbatim : {"augmentation", "profiles"})
    if (document.is_object() && document.contains(verbatim)) complete[verbatim] = document[verbatim];
  return complete;
}
}  // namespace

ProjectDocument::ProjectDocument(QObject* parent) : QObject(parent) {}

bool ProjectDocument::open(const QString& file, QString* error) {
  std::string text;
  try {
    text = read_file(file.toStdString());
  } catch (const Error& e) {
    if (error) *error = QString::fromStdString(e.what());
    return false;
  }
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error&) {
    // The engine's loader words syntax errors with line and column; reuse its message.
    try {
      load_project(file.toStdString());
    } catch (const Error& e) {
      if (error) *error = QString::fromStdString(e.what());
    }
    return false;
  }
  if (!document.is_object()) {
    if (error) *error = file + QStringLiteral(": a project file must hold a JSON object");
    return false;
  }
  filePath_ = QFileInfo(file).absoluteFilePath();
  setDocument(complete_document(document), false);
  Q_EMIT filePathChanged(filePath_);
  return true;
}

bool ProjectDocument::newFromTemplate(const QString& templateFile, const QString& name, QString* error) {
  ProjectDocument templ;
  if (!templ.open(templateFile, error)) return false;
  nlohmann::json document = templ.json();
  document["name"] = name.toStdString();
  filePath_.clear();
  setDocument(std::move(document), true);
  Q_EMIT filePathChanged(filePath_);
  return true;
}

bool ProjectDocument::save(QString* error) {
  if (filePath_.isEmpty()) {
    if (error) *error = tr("The project has no file yet: use Save As.");
    return false;
  }
  return write(filePath_, error);
}

bool ProjectDocument::saveAs(const QString& file, QString* error) {
  if (!write(file, error)) return false;
  filePath_ = QFileInfo(file).absoluteFilePath();
  Q_EMIT filePathChanged(filePath_);
  return true;
}

bool ProjectDocument::write(const QString& file, QString* error) {
  if (!isValid()) {
    if (error)
      *error = tr("The project has invalid settings and was not saved:\n%1")
                   .arg(QString::fromStdString(join_issues(issues_)));
    return false;
  }
  try {
    save_project(parse_project(document_), file.toStdString());
  } catch (const Error& e) {
    if (error) *error = QString::fromStdString(e.what());
    return false;
  }
  setModified(false);
  return true;
}

QString ProjectDocument::displayName() const {
  if (document_.is_object() && document_.contains("name") && document_["name"].is_string() &&
      !document_["name"].get<std::string>().empty())
    return QString::fromStdString(document_["name"].get<std::string>());
  return filePath_.isEmpty() ? tr("Untitled") : QFileInfo(filePath_).completeBaseName();
}

void ProjectDocument::setJson(const nlohmann::json& document) {
  if (document == document_) return;
  setDocument(document, true);
}

nlohmann::json ProjectDocument::value(const std::string& pointer) const {
  const nlohmann::json::json_pointer ptr(pointer);
  return document_.contains(ptr) ? document_.at(ptr) : nlohmann::json();
}

void ProjectDocument::setValue(const std::string& pointer, const nlohmann::json& value) {
  const nlohmann::json::json_pointer ptr(pointer);
  if (document_.contains(ptr) && document_.at(ptr) == value) return;
  nlohmann::json document = document_;
  document[ptr] = value;
  setDocument(std::move(document), true);
}

ProjectConfig ProjectDocument::config() const {
  ProjectConfig config = parse_project(document_);
  config.file = filePath_.toStdString();
  return config;
}

void ProjectDocument::setDocument(nlohmann::json document, bool modified) {
  document_ = std::move(document);
  issues_ = validate_project(document_);
  setModified(modified);
  Q_EMIT changed();
}

void ProjectDocument::setModified(bool modified) {
  if (modified_ == modified) return;
  modified_ = modified;
  Q_EMIT modifiedChanged(modified_);
}

}  // namespace simclr::gui

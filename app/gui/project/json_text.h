#pragma once
// JSON as text a person edits: parsing with errors located by line and column (what an
// editor can point at, unlike nlohmann's byte offset) and pretty-printing.
#include <QString>

#include <nlohmann/json.hpp>

namespace simclr::gui {

struct JsonParseResult {
  bool ok = false;
  nlohmann::json value;
  int line = 0;     // 1-based position of a syntax error
  int column = 0;   // 1-based, in characters
  QString message;  // "Line 3, column 5: unexpected '}'; expected string literal"
};

JsonParseResult parseJsonText(const QString& text);

// Two-space indentation, UTF-8 kept as is, no trailing newline.
QString prettyJson(const nlohmann::json& value);

}  // namespace simclr::gui

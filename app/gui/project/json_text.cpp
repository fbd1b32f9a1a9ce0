#include "app/gui/project/json_text.h"

#include <algorithm>

namespace simclr::gui {

namespace {

// nlohmann's what() reads "[json.exception.parse_error.101] parse error at line 3, column 5:
// syntax error while parsing object - unexpected '}'; expected string literal". Keep what
// follows the location: the location is given separately, counted in characters.
QString describeParseError(const char* what) {
  const QString text = QString::fromUtf8(what);
  const int column = text.indexOf(QStringLiteral("column "));
  const int colon = text.indexOf(QStringLiteral(": "), column < 0 ? 0 : column);
  return colon >= 0 ? text.mid(colon + 2) : text;
}

}  // namespace

JsonParseResult parseJsonText(const QString& text) {
  JsonParseResult result;
  const QByteArray utf8 = text.toUtf8();
  try {
    result.value = nlohmann::json::parse(utf8.constBegin(), utf8.constEnd());
    result.ok = true;
    return result;
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is one past the offending byte (1-based); count lines and characters up to it.
    const qsizetype offset = std::min<qsizetype>(e.byte > 0 ? qsizetype(e.byte) - 1 : 0, utf8.size());
    const QByteArray before = utf8.left(offset);
    result.line = 1 + int(before.count('\n'));
    const qsizetype lineStart = before.lastIndexOf('\n') + 1;
    result.column = 1 + int(QString::fromUtf8(before.mid(lineStart)).size());
    result.message =
        QStringLiteral("Line %1, column %2: %3").arg(result.line).arg(result.column).arg(describeParseError(e.what()));
  }
  return result;
}

QString prettyJson(const nlohmann::json& value) {
  // Replace invalid UTF-8 rather than throw: the text is for display and editing.
  return QString::fromStdString(value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace simclr::gui

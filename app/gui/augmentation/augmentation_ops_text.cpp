#include "app/gui/augmentation/augmentation_ops_text.h"

#include <QStringList>

namespace simclr::gui {

using nlohmann::json;

namespace {

QString number(const json& v) {
  return QString::number(v.get<double>(), 'g', 4);
}

// A parameter's value: numbers as they read, a [low, high] pair as a range.
QString valueText(const json& v) {
  if (v.is_number()) return number(v);
  if (v.is_boolean()) return v.get<bool>() ? QStringLiteral("yes") : QStringLiteral("no");
  if (v.is_string()) return QString::fromStdString(v.get<std::string>());
  if (v.is_array() && v.size() == 2 && v[0].is_number() && v[1].is_number())
    return number(v[0]) + QStringLiteral("–") + number(v[1]);
  return QString::fromStdString(v.dump());
}

void appendOps(const json& ops, const QString& indent, QStringList& lines) {
  if (!ops.is_array()) {
    lines << indent + QString::fromStdString(ops.dump());
    return;
  }
  int n = 0;
  for (const json& op : ops) {
    ++n;
    if (!op.is_object()) {
      lines << indent + QStringLiteral("%1. %2").arg(n).arg(QString::fromStdString(op.dump()));
      continue;
    }
    QStringList params;
    QStringList branches;
    for (const auto& [key, value] : op.items()) {
      if (key == "op") continue;
      if (value.is_array() && !value.empty() && value[0].is_object())
        branches << QString::fromStdString(key);  // a nested op list (random_choice)
      else
        params << QString::fromStdString(key) + QLatin1Char(' ') + valueText(value);
    }
    const QString name = QString::fromStdString(op.value("op", std::string("?")));
    lines << indent + QStringLiteral("%1. %2").arg(n).arg(name) +
                 (params.isEmpty() ? QString() : QStringLiteral(": ") + params.join(QStringLiteral(", ")));
    for (const QString& branch : branches) {
      lines << indent + QStringLiteral("   ") + branch + QLatin1Char(':');
      appendOps(op[branch.toStdString()], indent + QStringLiteral("      "), lines);
    }
  }
}

}  // namespace

QString readableAugmentationOps(const json& ops) {
  QStringList lines;
  appendOps(ops, QString(), lines);
  return lines.join(QLatin1Char('\n'));
}

}  // namespace simclr::gui

#include "widgets/log_model.h"

#include <QApplication>
#include <QColor>
#include <QIcon>
#include <QStyle>

#include <algorithm>

namespace simclr::widgets {
namespace {
QColor severityColor(LogSeverity severity) {
  switch (severity) {
    case LogSeverity::Debug:
      return QColor(0x80, 0x80, 0x80);
    case LogSeverity::Warning:
      return QColor(0xa8, 0x5d, 0x00);  // amber dark enough to read
    case LogSeverity::Error:
      return QColor(0xc6, 0x28, 0x28);
    case LogSeverity::Info:
      break;
  }
  return {};  // the palette's text colour
}

QIcon severityIcon(LogSeverity severity) {
  QStyle* style = QApplication::style();
  switch (severity) {
    case LogSeverity::Info:
      return style->standardIcon(QStyle::SP_MessageBoxInformation);
    case LogSeverity::Warning:
      return style->standardIcon(QStyle::SP_MessageBoxWarning);
    case LogSeverity::Error:
      return style->standardIcon(QStyle::SP_MessageBoxCritical);
    case LogSeverity::Debug:
      break;
  }
  return {};
}
}  // namespace

QString severityName(LogSeverity severity) {
  switch (severity) {
    case LogSeverity::Debug:
      return LogModel::tr("Debug");
    case LogSeverity::Info:
      return LogModel::tr("Info");
    case LogSeverity::Warning:
      return LogModel::tr("Warning");
    case LogSeverity::Error:
      return LogModel::tr("Error");
  }
  return {};
}

LogModel::LogModel(QObject* parent) : QAbstractTableModel(parent) {
  // data() runs for every visible cell on every repaint: look the icons up once.
  for (int i = 0; i < 4; ++i) icons_[i] = severityIcon(LogSeverity(i));
}

void LogModel::append(LogEntry entry) {
  // When full, drop the oldest tenth at once: removing rows at the top costs the proxy and
  // the view O(rows) each time, so one row per message would make a full log quadratic.
  if (int(entries_.size()) >= capacity_) trimTo(capacity_ - std::max(1, capacity_ / 10));
  const int row = int(entries_.size());
  beginInsertRows({}, row, row);
  entries_.push_back(std::move(entry));
  endInsertRows();
}

void LogModel::clear() {
  beginResetModel();
  entries_.clear();
  endResetModel();
}

void LogModel::setCapacity(int rows) {
  capacity_ = std::max(1, rows);
  trimTo(capacity_);
}

void LogModel::trimTo(int rows) {
  const int excess = int(entries_.size()) - rows;
  if (excess <= 0) return;
  beginRemoveRows({}, 0, excess - 1);
  entries_.erase(entries_.begin(), entries_.begin() + excess);
  endRemoveRows();
}

QString LogModel::formatLine(const LogEntry& entry) {
  return QStringLiteral("%1  %2  %3")
      .arg(entry.time.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")),
           severityName(entry.severity).toUpper().leftJustified(7), entry.text);
}

int LogModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : int(entries_.size());
}

int LogModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

QVariant LogModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const LogEntry& e = entry(index.row());
  switch (role) {
    case Qt::DisplayRole:
      switch (index.column()) {
        case TimeColumn:
          return e.time.toString(QStringLiteral("HH:mm:ss"));
        case SeverityColumn:
          return severityName(e.severity);
        // Rows have one height: show multi-line messages on one line (full text in tooltip).
        case MessageColumn:
          return QString(e.text).replace(QLatin1Char('\n'), QStringLiteral(" ⏎ "));
      }
      break;
    case Qt::ToolTipRole:
      if (index.column() == TimeColumn) return e.time.toString(Qt::ISODateWithMs);
      if (index.column() == MessageColumn) return e.text;
      break;
    case Qt::DecorationRole:
      if (index.column() == SeverityColumn) return icons_[int(e.severity)];
      break;
    case Qt::ForegroundRole: {
      const QColor color = severityColor(e.severity);
      if (color.isValid() && (index.column() != TimeColumn || e.severity == LogSeverity::Debug)) return color;
      break;
    }
    case SeverityRole:
      return int(e.severity);
    case EntryTextRole:
      return formatLine(e);
  }
  return {};
}

QVariant LogModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case TimeColumn:
      return tr("Time");
    case SeverityColumn:
      return tr("Level");
    case MessageColumn:
      return tr("Message");
  }
  return {};
}

void LogSeverityFilter::setMinimumSeverity(LogSeverity severity) {
  if (severity == minimum_) return;
  minimum_ = severity;
  invalidateFilter();
}

bool LogSeverityFilter::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
  const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
  return index.data(LogModel::SeverityRole).toInt() >= int(minimum_);
}

}  // namespace simclr::widgets

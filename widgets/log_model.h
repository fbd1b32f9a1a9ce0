#pragma once

#include <QAbstractTableModel>
#include <QDateTime>
#include <QIcon>
#include <QSortFilterProxyModel>
#include <QString>

#include <deque>

namespace simclr::widgets {

// Ordered by importance so a filter is "at least this severe".
enum class LogSeverity { Debug = 0, Info = 1, Warning = 2, Error = 3 };

QString severityName(LogSeverity severity);  // "Debug", "Info", "Warning", "Error"

struct LogEntry {
  QDateTime time;
  LogSeverity severity = LogSeverity::Info;
  QString text;
};

// The messages of a LogView: a table (time, severity, message) of at most capacity() rows.
// When it is full, the oldest tenth is dropped in one go.
class LogModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { TimeColumn, SeverityColumn, MessageColumn, ColumnCount };
  static constexpr int SeverityRole = Qt::UserRole + 1;   // int value of LogSeverity
  static constexpr int EntryTextRole = Qt::UserRole + 2;  // the whole entry as one line

  explicit LogModel(QObject* parent = nullptr);

  void append(LogEntry entry);
  void clear();
  void setCapacity(int rows);  // at least 1
  int capacity() const { return capacity_; }
  const LogEntry& entry(int row) const { return entries_[size_t(row)]; }
  // "2024-05-01 12:00:00.123  WARNING  text": the form used for copying and saving.
  static QString formatLine(const LogEntry& entry);

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  void trimTo(int rows);

  std::deque<LogEntry> entries_;  // cheap removal at the front when the cap is reached
  int capacity_ = 10000;
  QIcon icons_[4];  // per severity
};

// Lets through the rows at or above a minimum severity.
class LogSeverityFilter : public QSortFilterProxyModel {
  Q_OBJECT

 public:
  using QSortFilterProxyModel::QSortFilterProxyModel;
  void setMinimumSeverity(LogSeverity severity);
  LogSeverity minimumSeverity() const { return minimum_; }

 protected:
  bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

 private:
  LogSeverity minimum_ = LogSeverity::Debug;
};

}  // namespace simclr::widgets

Q_DECLARE_METATYPE(simclr::widgets::LogSeverity)

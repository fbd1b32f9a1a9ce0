#pragma once

#include <QDateTime>
#include <QString>
#include <QWidget>

#include "widgets/log_model.h"

class QComboBox;
class QLabel;
class QTimer;
class QTreeView;

namespace simclr::widgets {

// The application's message log: time, severity and text per line, newest at the bottom.
// A combo box hides messages below a chosen severity; the view follows new messages unless
// the user scrolled up (scrolling back to the bottom follows again). Old messages are
// dropped beyond maximumMessages(). Copy (Ctrl+C, toolbar or context menu) and save act on
// the selected lines, or on all shown lines when none is selected.
//
// Object names for tests and style sheets: "severityFilterCombo", "copyButton",
// "saveButton", "clearButton", "logTree", "messageCountLabel".
class LogView : public QWidget {
  Q_OBJECT

 public:
  using Severity = LogSeverity;

  explicit LogView(QWidget* parent = nullptr);

  void clear();
  int messageCount() const;  // stored messages, whatever the filter
  int visibleCount() const;  // messages passing the filter
  void setMinimumSeverity(LogSeverity severity);
  LogSeverity minimumSeverity() const;
  void setMaximumMessages(int count);
  int maximumMessages() const;
  bool isFollowing() const { return follow_; }

  // Shown lines (selected ones, or all when onlySelected is false or nothing is selected),
  // one per line as "yyyy-MM-dd HH:mm:ss.zzz  LEVEL    text".
  QString text(bool onlySelected = false) const;
  void copyToClipboard() const;
  // Writes all shown lines atomically; the filter applies, the selection does not.
  bool saveToFile(const QString& file, QString* error = nullptr) const;

  QTreeView* view() const { return view_; }

 public Q_SLOTS:
  void appendMessage(simclr::widgets::LogSeverity severity, const QString& text,
                     const QDateTime& time = QDateTime::currentDateTime());

 Q_SIGNALS:
  void minimumSeverityChanged(simclr::widgets::LogSeverity severity);

 private:
  void chooseSaveFile();
  void refresh();

  LogModel* model_ = nullptr;
  LogSeverityFilter* filter_ = nullptr;
  QTreeView* view_ = nullptr;
  QComboBox* severity_ = nullptr;
  QLabel* count_ = nullptr;
  QTimer* refreshTimer_ = nullptr;  // scroll + count once per burst, not per message
  bool follow_ = true;
};

}  // namespace simclr::widgets

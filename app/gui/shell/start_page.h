#pragma once
// What the window shows when no project is open: recent projects, the bundled projects with
// their one-line descriptions, and where the datasets the projects use were found (or that
// they were not, with what to do). Opening anything goes through the signals; the window
// does the work.
#include <QString>
#include <QStringList>
#include <QWidget>

class QLabel;
class QListWidget;
class QListWidgetItem;

namespace simclr::gui {

class StartPage : public QWidget {
  Q_OBJECT
 public:
  explicit StartPage(QWidget* parent = nullptr);

  // Fills the lists again (the recent projects change as projects are opened).
  void refresh(const QStringList& recentProjects);

  QListWidget* recentList() const { return recent_; }
  QListWidget* templateList() const { return templates_; }
  QString datasetsText() const;

 Q_SIGNALS:
  void openProjectRequested(const QString& file);  // a recent project
  void newFromTemplateRequested(const QString& templateFile);
  void openOtherRequested();  // File > Open Project…

 private:
  void activate(QListWidgetItem* item);

  QListWidget* recent_;
  QListWidget* templates_;
  QLabel* datasets_;
};

}  // namespace simclr::gui

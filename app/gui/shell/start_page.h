#pragma once
// What the window shows when no project is open: recent projects, the bundled projects with
// their one-line descriptions and expected times on this machine (measured in the
// background once the page has been shown a while, see expected_times.h), and where the
// datasets the projects use were found (or that they were not, with what to do). Opening
// anything goes through the signals; the window does the work.
#include <QString>
#include <QStringList>
#include <QWidget>

class QLabel;
class QListWidget;
class QListWidgetItem;
class QTimer;

namespace simclr::gui {

class ExpectedTimes;

class StartPage : public QWidget {
  Q_OBJECT
 public:
  explicit StartPage(QWidget* parent = nullptr);

  // Fills the lists again (the recent projects change as projects are opened).
  void refresh(const QStringList& recentProjects);
  // Where the bundled projects' expected times come from (none: not shown).
  void setExpectedTimes(ExpectedTimes* times);

  QListWidget* recentList() const { return recent_; }
  QListWidget* templateList() const { return templates_; }
  QString datasetsText() const;

 Q_SIGNALS:
  void openProjectRequested(const QString& file);  // a recent project
  void newFromTemplateRequested(const QString& templateFile);
  void openOtherRequested();  // File > Open Project…
  void openFolderRequested(const QString& folder);  // a new project for a folder of images

 private:
  void activate(QListWidgetItem* item);
  void showEvent(QShowEvent* event) override;
  void hideEvent(QHideEvent* event) override;
  void updateTemplateTexts();

  QListWidget* recent_;
  QListWidget* templates_;
  QLabel* datasets_;
  ExpectedTimes* times_ = nullptr;
  QTimer* measureSoon_;
};

}  // namespace simclr::gui

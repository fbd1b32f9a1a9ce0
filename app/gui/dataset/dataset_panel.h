#pragma once
// The current project's dataset at a glance: which one, the folder it was found in (or,
// when it is missing, every place searched, with "Download CIFAR-10…" for CIFAR-10),
// split sizes, images per class and a grid of samples. Loading runs on a background thread
// (DatasetLoader) whenever the project's dataset settings change; the panel never blocks.
#include <QString>
#include <QWidget>

#include "app/gui/dataset/dataset_summary.h"

class QBoxLayout;
class QLabel;
class QPushButton;
class QStackedWidget;
class QTableWidget;
class QToolButton;

namespace simclr::widgets {
class ImageGrid;
}

namespace simclr::gui {

class DatasetLoader;
class DownloadDialog;
class ProjectDocument;

class DatasetPanel : public QWidget {
  Q_OBJECT
 public:
  enum class State { NoProject, Loading, Found, NotFound, Failed };
  Q_ENUM(State)

  explicit DatasetPanel(ProjectDocument* document, QWidget* parent = nullptr);
  ~DatasetPanel() override;

  State state() const { return state_; }
  // The last summary shown (meaningful once state() is Found, NotFound or Failed).
  const DatasetSummary& summary() const { return summary_; }
  QString messageText() const;  // NotFound / Failed: what the panel says
  QTableWidget* classTable() const { return table_; }
  simclr::widgets::ImageGrid* sampleGrid() const { return grid_; }
  QPushButton* downloadButton() const { return download_; }

 public Q_SLOTS:
  // Loads again even when the settings did not change (files added on disk).
  void reload();
  // Opens the download dialog (window-modal, returns at once); the panel reloads, and
  // points the project at the new folder if it would not find it, after a success.
  DownloadDialog* showDownloadDialog();
  // Lets the user pick the dataset folder; writes dataset.path.
  void chooseFolder();

 Q_SIGNALS:
  void stateChanged(simclr::gui::DatasetPanel::State state);
  // A dataset was found and loaded (or is missing, or failed): the new summary.
  void datasetChanged(const simclr::gui::DatasetSummary& summary);

 private:
  // The constructor's parts: the title row and one page per state.
  QBoxLayout* makeHeader();
  QWidget* makeLoadingPage();
  QWidget* makeFoundPage();
  QWidget* makeMissingPage();
  QWidget* makeFailedPage();
  void onDocumentChanged();
  void requestLoad(bool force);
  void onLoaded(const DatasetSummary& summary);
  void onDownloaded(const QString& folder);
  void showFound(const DatasetSummary& s);
  void showMissing(const DatasetSummary& s);
  void setState(State state);
  DatasetRequest currentRequest() const;

  ProjectDocument* document_;
  DatasetLoader* loader_;
  DatasetRequest lastRequest_;
  bool haveRequest_ = false;
  DatasetSummary summary_;
  State state_ = State::NoProject;

  QLabel* title_;
  QLabel* busy_;
  QToolButton* reload_;
  QStackedWidget* pages_;
  QLabel* loadingLabel_;
  QLabel* folder_;
  QLabel* sizes_;
  QLabel* shape_;
  QLabel* usage_;
  QTableWidget* table_;
  simclr::widgets::ImageGrid* grid_;
  QLabel* missingTitle_;
  QLabel* missingText_;
  QPushButton* download_;
  QLabel* failedText_;
  DownloadDialog* dialog_ = nullptr;
};

}  // namespace simclr::gui

#pragma once
// Downloads CIFAR-10 with the engine's downloader on a JobThread: destination folder
// (default: the engine's data folder, which the dataset search includes), source URL and
// MD5 under "Source", a progress bar with bytes, speed and time left. Cancel sets the
// download's StopToken directly (the transfer checks it between network reads, so it stops
// within moments); errors are shown in the dialog. Closing it while a download runs cancels
// the download first.
#include <QDialog>
#include <QString>

#include "app/gui/jobs/job_bridge.h"

class QLayout;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QToolButton;
class QWidget;

namespace simclr {
struct DownloadOptions;
}

namespace simclr::gui {

class DownloadDialog : public QDialog {
  Q_OBJECT
 public:
  enum class State { Idle, Running, Cancelling, Succeeded, Failed, Cancelled };
  Q_ENUM(State)

  explicit DownloadDialog(QWidget* parent = nullptr);

  void setDestinationDir(const QString& dir);
  QString destinationDir() const;
  void setSourceUrl(const QString& url);  // a mirror, a file:// URL, or a test server
  QString sourceUrl() const;
  void setExpectedMd5(const QString& md5);  // empty skips the check

  State state() const { return state_; }
  QProgressBar* progressBar() const { return progress_; }
  QString statusText() const;
  QString errorText() const;
  QString datasetFolder() const { return datasetFolder_; }

 public Q_SLOTS:
  void start();
  void cancel();
  // Esc, Close or the window's close button: while a download runs, cancels it and closes
  // once the worker has stopped.
  void reject() override;

 Q_SIGNALS:
  void stateChanged(simclr::gui::DownloadDialog::State state);
  // The dataset is in place (dest/cifar-10-batches-bin).
  void downloaded(const QString& datasetFolder);

 private:
  // The constructor's parts.
  QLayout* makeDestinationRow();
  void makeSourceBox();
  void makeProgress();
  struct Outcome;  // how a download ended (download_dialog.cpp)
  // On the job's thread; never throws: every ending is an Outcome.
  static Outcome download(const simclr::DownloadOptions& options, const simclr::JobCallbacks& callbacks,
                          const simclr::StopToken& stop);

  void setState(State state);
  void onProgress(const JobProgress& progress);
  void onEnded(const Outcome& outcome);
  void onSucceeded(const QString& folder);
  void onFailed(const QString& message);
  void onCancelled();
  void chooseDestination();

  QLineEdit* destination_;
  QPushButton* browse_;
  QToolButton* sourceToggle_;
  QWidget* sourceBox_;
  QLineEdit* url_;
  QLineEdit* md5_;
  QProgressBar* progress_;
  QLabel* status_;
  QLabel* error_;
  QDialogButtonBox* buttons_;
  QPushButton* startButton_;
  QPushButton* cancelButton_;
  QPushButton* closeButton_;

  State state_ = State::Idle;
  bool closeWhenStopped_ = false;
  QString datasetFolder_;
  JobThread job_{this};  // destroyed first: cancels a running download and waits for it
};

}  // namespace simclr::gui

#pragma once
// Downloads CIFAR-10 with the engine's downloader on a worker thread: destination folder
// (default: the engine's data folder, which the dataset search includes), source URL and
// MD5 under "Source", a progress bar with bytes, speed and time left. Cancel sets the
// download's StopToken directly; errors are shown in the dialog. Closing it while a download
// runs cancels the download first.
#include <QDialog>
#include <QString>
#include <QThread>

#include "engine/core/job.h"

class QLayout;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QToolButton;
class QWidget;

namespace simclr::gui {

class DownloadDialog : public QDialog {
  Q_OBJECT
 public:
  enum class State { Idle, Running, Cancelling, Succeeded, Failed, Cancelled };
  Q_ENUM(State)

  explicit DownloadDialog(QWidget* parent = nullptr);
  ~DownloadDialog() override;  // cancels a running download and waits for its thread

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
  void setState(State state);
  void onProgress(const QString& stage, qint64 done, qint64 total, double elapsed, double eta);
  void onSucceeded(const QString& folder);
  void onFailed(const QString& message);
  void onCancelled();
  void onFinished();
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

  QThread thread_;
  simclr::StopToken stop_;
  State state_ = State::Idle;
  bool closeWhenStopped_ = false;
  QString datasetFolder_;
};

}  // namespace simclr::gui

#include "app/gui/dataset/download_dialog.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>

#include "engine/core/error.h"
#include "engine/data/dataset_download.h"
#include "engine/data/dataset_locator.h"

namespace simclr::gui {

namespace {
constexpr int kBarSteps = 1000;  // QProgressBar holds an int: map bytes onto 0..1000

QString dataSize(qint64 bytes) {
  return QLocale().formattedDataSize(bytes, 1);
}

QString duration(double seconds) {
  if (seconds < 60) return QObject::tr("%1 s").arg(int(seconds + 0.5));
  return QObject::tr("%1 min %2 s").arg(int(seconds) / 60).arg(int(seconds) % 60);
}
}  // namespace

struct DownloadDialog::Outcome {
  enum class Kind { Succeeded, Failed, Cancelled } kind = Kind::Failed;
  QString text;  // the dataset folder when it succeeded, the message when it failed
};

DownloadDialog::Outcome DownloadDialog::download(const simclr::DownloadOptions& options,
                                                 const simclr::JobCallbacks& callbacks, const simclr::StopToken& stop) {
  using Kind = Outcome::Kind;
  try {
    return {Kind::Succeeded, QString::fromStdString(simclr::download_cifar10(options, callbacks, stop).string())};
  } catch (const simclr::CancelledError&) {
    return {Kind::Cancelled, {}};
  } catch (const std::exception& e) {
    if (stop.stop_requested()) return {Kind::Cancelled, {}};  // the abort surfaced as a transfer error
    return {Kind::Failed, QString::fromUtf8(e.what())};
  } catch (...) {
    return {Kind::Failed, tr("The download failed for an unknown reason.")};
  }
}

DownloadDialog::DownloadDialog(QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("Download CIFAR-10"));
  setMinimumWidth(560);

  auto* intro =
      new QLabel(tr("<b>CIFAR-10</b> has 60 000 colour images of 32 × 32 pixels in 10 classes. "
                    "The archive is about 160 MB; it is checked and unpacked after the download."));
  intro->setWordWrap(true);

  QLayout* destinationRow = makeDestinationRow();
  makeSourceBox();
  auto* form = new QFormLayout;
  form->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
  form->addRow(tr("Save to:"), destinationRow);

  makeProgress();
  buttons_ = new QDialogButtonBox;
  startButton_ = buttons_->addButton(tr("&Download"), QDialogButtonBox::AcceptRole);
  startButton_->setObjectName(QStringLiteral("downloadStart"));
  cancelButton_ = buttons_->addButton(tr("&Cancel Download"), QDialogButtonBox::ActionRole);
  cancelButton_->setObjectName(QStringLiteral("downloadCancel"));
  closeButton_ = buttons_->addButton(QDialogButtonBox::Close);
  closeButton_->setObjectName(QStringLiteral("downloadClose"));

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(intro);
  layout->addSpacing(6);
  layout->addLayout(form);
  layout->addWidget(sourceToggle_, 0, Qt::AlignLeft);
  layout->addWidget(sourceBox_);
  layout->addSpacing(6);
  layout->addWidget(progress_);
  layout->addWidget(status_);
  layout->addWidget(error_);
  layout->addStretch(1);
  layout->addWidget(buttons_);

  connect(browse_, &QPushButton::clicked, this, &DownloadDialog::chooseDestination);
  connect(sourceToggle_, &QToolButton::toggled, this, [this](bool open) {
    sourceToggle_->setArrowType(open ? Qt::DownArrow : Qt::RightArrow);
    sourceBox_->setVisible(open);
  });
  // The button box's accept/reject would close the dialog; these buttons act instead.
  connect(startButton_, &QPushButton::clicked, this, &DownloadDialog::start);
  connect(cancelButton_, &QPushButton::clicked, this, &DownloadDialog::cancel);
  connect(closeButton_, &QPushButton::clicked, this, &DownloadDialog::reject);
  setState(State::Idle);
}

// Where the dataset goes: the default folder is one the workbench searches.
QLayout* DownloadDialog::makeDestinationRow() {
  destination_ = new QLineEdit(QString::fromStdString(simclr::default_download_dir().string()));
  destination_->setObjectName(QStringLiteral("downloadDestination"));
  destination_->setToolTip(
      tr("The dataset goes into a cifar-10-batches-bin folder here. The default folder "
         "is one the workbench searches, so projects find it without a path."));
  browse_ = new QPushButton(tr("Browse…"));
  auto* destinationRow = new QHBoxLayout;
  destinationRow->addWidget(destination_, 1);
  destinationRow->addWidget(browse_);
  return destinationRow;
}

// The archive's URL and checksum, folded away behind "Source".
void DownloadDialog::makeSourceBox() {
  const simclr::DownloadOptions defaults;
  url_ = new QLineEdit(QString::fromStdString(defaults.url));
  url_->setObjectName(QStringLiteral("downloadUrl"));
  md5_ = new QLineEdit(QString::fromStdString(defaults.md5));
  md5_->setObjectName(QStringLiteral("downloadMd5"));
  md5_->setPlaceholderText(tr("Empty: do not verify"));
  sourceBox_ = new QWidget;
  auto* sourceForm = new QFormLayout(sourceBox_);
  sourceForm->setContentsMargins(0, 0, 0, 0);
  sourceForm->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
  sourceForm->addRow(tr("URL:"), url_);
  sourceForm->addRow(tr("MD5:"), md5_);
  sourceBox_->hide();
  sourceToggle_ = new QToolButton;
  sourceToggle_->setText(tr("Source"));
  sourceToggle_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  sourceToggle_->setArrowType(Qt::RightArrow);
  sourceToggle_->setAutoRaise(true);
  sourceToggle_->setCheckable(true);
}

void DownloadDialog::makeProgress() {
  progress_ = new QProgressBar;
  progress_->setObjectName(QStringLiteral("downloadProgress"));
  progress_->setRange(0, kBarSteps);
  progress_->setValue(0);
  progress_->setFormat(QStringLiteral("%p %"));
  status_ = new QLabel(tr("Ready to download."));
  status_->setObjectName(QStringLiteral("downloadStatus"));
  error_ = new QLabel;
  error_->setObjectName(QStringLiteral("downloadError"));
  error_->setWordWrap(true);
  error_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  error_->setStyleSheet(QStringLiteral("color: #c62828;"));
  error_->hide();
}

void DownloadDialog::setDestinationDir(const QString& dir) {
  destination_->setText(dir);
}
QString DownloadDialog::destinationDir() const {
  return destination_->text().trimmed();
}
void DownloadDialog::setSourceUrl(const QString& url) {
  url_->setText(url);
}
QString DownloadDialog::sourceUrl() const {
  return url_->text().trimmed();
}
void DownloadDialog::setExpectedMd5(const QString& md5) {
  md5_->setText(md5);
}
QString DownloadDialog::statusText() const {
  return status_->text();
}
QString DownloadDialog::errorText() const {
  return error_->isHidden() ? QString() : error_->text();
}

void DownloadDialog::start() {
  if (state_ == State::Running || state_ == State::Cancelling) return;
  if (destinationDir().isEmpty()) return onFailed(tr("Choose a folder to save the dataset in."));
  simclr::DownloadOptions options;
  options.url = sourceUrl().toStdString();
  options.md5 = md5_->text().trimmed().toStdString();
  options.dest_dir = QDir::cleanPath(destinationDir()).toStdString();
  datasetFolder_.clear();
  error_->hide();
  progress_->setRange(0, kBarSteps);
  progress_->setValue(0);
  status_->setText(
      tr("Connecting to %1…").arg(QUrl(sourceUrl()).host().isEmpty() ? sourceUrl() : QUrl(sourceUrl()).host()));

  // The dialog has no log view: progress and the outcome say what happens.
  const simclr::JobCallbacks callbacks = queuedCallbacks(
      this, [this](const JobProgress& p) { onProgress(p); }, [](int, const QString&) {});
  setState(State::Running);
  job_.start<Outcome>(
      QStringLiteral("download"),
      [options, callbacks](const simclr::StopToken& stop) { return download(options, callbacks, stop); },
      [this](const Outcome& outcome) { onEnded(outcome); });
}

void DownloadDialog::cancel() {
  if (state_ != State::Running) return;
  job_.cancel();  // directly, not through an event queue: the transfer polls it between reads
  status_->setText(tr("Cancelling…"));
  setState(State::Cancelling);
}

void DownloadDialog::reject() {
  if (state_ == State::Running || state_ == State::Cancelling) {
    closeWhenStopped_ = true;
    return cancel();
  }
  QDialog::reject();
}

void DownloadDialog::onProgress(const JobProgress& p) {
  if (state_ != State::Running) return;
  const qint64 done = p.step, total = p.total;
  if (total <= 0) {
    progress_->setRange(0, 0);  // busy indicator while the size is unknown
  } else {
    progress_->setRange(0, kBarSteps);
    progress_->setValue(int(double(std::min(done, total)) / double(total) * kBarSteps));
  }
  QStringList parts;
  if (p.stage == QLatin1String("unpack")) {  // "download" counts bytes, "unpack" compressed bytes
    parts << tr("Unpacking…");
  } else {
    parts << (total > 0 ? tr("%1 of %2").arg(dataSize(done), dataSize(total)) : dataSize(done));
    if (p.elapsedSeconds > 0.2) parts << tr("%1/s").arg(dataSize(qint64(double(done) / p.elapsedSeconds)));
  }
  if (p.etaSeconds > 0) parts << tr("about %1 left").arg(duration(p.etaSeconds));
  status_->setText(parts.join(QStringLiteral("  ·  ")));
}

void DownloadDialog::onEnded(const Outcome& outcome) {
  switch (outcome.kind) {
    case Outcome::Kind::Succeeded:
      onSucceeded(outcome.text);
      break;
    case Outcome::Kind::Failed:
      onFailed(outcome.text);
      break;
    case Outcome::Kind::Cancelled:
      onCancelled();
      break;
  }
  if (closeWhenStopped_) {
    closeWhenStopped_ = false;
    QDialog::reject();
  }
}

void DownloadDialog::onSucceeded(const QString& folder) {
  datasetFolder_ = folder;
  progress_->setRange(0, kBarSteps);
  progress_->setValue(kBarSteps);
  status_->setText(tr("Done: CIFAR-10 is in %1").arg(QDir::toNativeSeparators(folder)));
  setState(State::Succeeded);
  Q_EMIT downloaded(folder);
}

void DownloadDialog::onFailed(const QString& message) {
  progress_->setRange(0, kBarSteps);
  progress_->setValue(0);
  status_->setText(tr("The download failed; nothing was kept."));
  error_->setText(message);
  error_->show();
  setState(State::Failed);
}

void DownloadDialog::onCancelled() {
  progress_->setRange(0, kBarSteps);
  progress_->setValue(0);
  status_->setText(tr("Cancelled; nothing was kept."));
  setState(State::Cancelled);
}

void DownloadDialog::setState(State state) {
  state_ = state;
  const bool busy = state == State::Running || state == State::Cancelling;
  startButton_->setVisible(!busy && state != State::Succeeded);
  startButton_->setText(state == State::Failed || state == State::Cancelled ? tr("&Retry") : tr("&Download"));
  cancelButton_->setVisible(busy);
  cancelButton_->setEnabled(state == State::Running);
  destination_->setEnabled(!busy);
  browse_->setEnabled(!busy);
  url_->setEnabled(!busy);
  md5_->setEnabled(!busy);
  if (!busy && state != State::Succeeded)
    startButton_->setDefault(true);
  else if (state == State::Succeeded)
    closeButton_->setDefault(true);
  Q_EMIT stateChanged(state);
}

void DownloadDialog::chooseDestination() {
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Save CIFAR-10 in"), destinationDir());
  if (!dir.isEmpty()) destination_->setText(QDir::toNativeSeparators(dir));
}

}  // namespace simclr::gui

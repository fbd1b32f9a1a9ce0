// The download dialog against a local HTTP server: a tiny CIFAR-10 archive arrives with
// the progress bar at 100 % and the dataset panel finds it; cancel leaves nothing behind;
// a 404 and a checksum mismatch are shown in the dialog; closing mid-download is safe.
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QtTest>

#include "app/gui/dataset/dataset_panel.h"
#include "app/gui/dataset/download_dialog.h"
#include "app/gui/project/project_document.h"
#include "engine/core/atomic_file.h"
#include "engine/data/dataset_download.h"
#include "engine/data/dataset_locator.h"
#include "engine/project/project_file.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/local_http_server.h"
#include "tests/support/temp_dir.h"
#include "tests/widgets/widget_shots.h"

using namespace simclr;
using simclr::gui::DownloadDialog;
using simclr::test::LocalHttpServer;
namespace fs = std::filesystem;

namespace {
QString q(const fs::path& p) {
  return QString::fromStdString(p.string());
}
QString q(const std::string& s) {
  return QString::fromStdString(s);
}

bool isEmptyOrMissing(const fs::path& dir) {
  return !fs::exists(dir) || fs::is_empty(dir);
}
}  // namespace

class TestDownloadDialog : public QObject {
  Q_OBJECT

  std::string archive_;
  test::TempDir* dir_ = nullptr;

  void startWithButton(DownloadDialog& dialog) {
    dialog.show();
    QTest::mouseClick(dialog.findChild<QPushButton*>("downloadStart"), Qt::LeftButton);
  }

 private Q_SLOTS:
  void initTestCase() {
    if (!download_supported() || !test::have_archive_writer()) QSKIP("built without download support");
    archive_ = test::make_tar_gz(test::cifar10_archive_entries(10, 10, 3));
  }
  void init() {
    dir_ = new test::TempDir("download");
    qunsetenv("SIMCLR_DATA_DIR");
    qputenv("XDG_DATA_HOME", QByteArray::fromStdString((*dir_ / "xdg").string()));
  }
  void cleanup() { delete dir_; }

  void downloadsVerifiesAndUnpacks() {
    LocalHttpServer server(archive_);
    DownloadDialog dialog;
    QCOMPARE(dialog.destinationDir(), q(default_download_dir()));
    dialog.setSourceUrl(q(server.url()));
    dialog.setExpectedMd5(q(md5_hex(archive_)));
    dialog.setDestinationDir(q(*dir_ / "data"));
    QSignalSpy downloaded(&dialog, &DownloadDialog::downloaded);
    startWithButton(dialog);
    QTRY_COMPARE_WITH_TIMEOUT(dialog.state(), DownloadDialog::State::Succeeded, 20000);
    QCOMPARE(dialog.progressBar()->value(), dialog.progressBar()->maximum());
    QCOMPARE(downloaded.size(), 1);
    const fs::path folder = *dir_ / "data" / "cifar-10-batches-bin";
    QCOMPARE(downloaded.front().front().toString(), q(folder));
    QVERIFY(looks_like_dataset("cifar10", folder));
    QCOMPARE(load_dataset("cifar10", folder).train.size(), 50);
    QVERIFY(dialog.errorText().isEmpty());
    QVERIFY(dialog.statusText().startsWith("Done"));
  }

  void theDatasetPanelFindsTheDownload() {
    LocalHttpServer server(archive_);
    nlohmann::json p = to_json(ProjectConfig{});
    write_file_atomically(*dir_ / "p.json", p.dump(2));
    gui::ProjectDocument doc;
    QString error;
    QVERIFY(doc.open(q(*dir_ / "p.json"), &error));
    gui::DatasetPanel panel(&doc);
    panel.show();
    QTRY_COMPARE(panel.state(), gui::DatasetPanel::State::NotFound);
    QVERIFY(panel.downloadButton()->isVisible());

    QTest::mouseClick(panel.downloadButton(), Qt::LeftButton);
    auto* dialog = panel.findChild<DownloadDialog*>();
    QVERIFY(dialog && dialog->isVisible());
    QCOMPARE(dialog->destinationDir(), q(default_download_dir()));  // a searched place
    dialog->setSourceUrl(q(server.url()));
    dialog->setExpectedMd5({});
    dialog->start();
    QTRY_COMPARE_WITH_TIMEOUT(panel.state(), gui::DatasetPanel::State::Found, 20000);
    QCOMPARE(panel.summary().trainSize, 50);
    QCOMPARE(doc.value("/dataset/path"), nlohmann::json(""));  // found without a path
  }

  void aDownloadElsewhereSetsTheProjectsPath() {
    LocalHttpServer server(archive_);
    write_file_atomically(*dir_ / "p.json", to_json(ProjectConfig{}).dump(2));
    gui::ProjectDocument doc;
    QString error;
    QVERIFY(doc.open(q(*dir_ / "p.json"), &error));
    gui::DatasetPanel panel(&doc);
    QTRY_COMPARE(panel.state(), gui::DatasetPanel::State::NotFound);
    DownloadDialog* dialog = panel.showDownloadDialog();
    dialog->setSourceUrl(q(server.url()));
    dialog->setExpectedMd5({});
    dialog->setDestinationDir(q(*dir_ / "elsewhere"));
    dialog->start();
    QTRY_COMPARE_WITH_TIMEOUT(panel.state(), gui::DatasetPanel::State::Found, 20000);
    QCOMPARE(doc.value("/dataset/path"), nlohmann::json((*dir_ / "elsewhere" / "cifar-10-batches-bin").string()));
  }

  void cancelStopsPromptlyAndKeepsNothing() {
    LocalHttpServer server(archive_, LocalHttpServer::Mode::Slow);  // ~4 s for the archive
    DownloadDialog dialog;
    dialog.setSourceUrl(q(server.url()));
    dialog.setDestinationDir(q(*dir_ / "data"));
    startWithButton(dialog);
    QTRY_VERIFY(dialog.progressBar()->value() > 0);
    auto* cancel = dialog.findChild<QPushButton*>("downloadCancel");
    QVERIFY(cancel->isVisible());
    QElapsedTimer timer;
    timer.start();
    QTest::mouseClick(cancel, Qt::LeftButton);
    QCOMPARE(dialog.state(), DownloadDialog::State::Cancelling);  // the flag is set, not queued
    QTRY_COMPARE(dialog.state(), DownloadDialog::State::Cancelled);
    QVERIFY2(timer.elapsed() < 2000, qPrintable(QString::number(timer.elapsed())));
    QVERIFY(dialog.errorText().isEmpty());
    QVERIFY(dialog.statusText().contains("Cancelled"));
    QVERIFY(isEmptyOrMissing(*dir_ / "data"));
    QVERIFY(dialog.findChild<QPushButton*>("downloadStart")->isVisible());  // can retry
  }

  void httpErrorsAreShownInTheDialog() {
    LocalHttpServer server("no such file", LocalHttpServer::Mode::NotFound);
    DownloadDialog dialog;
    dialog.setSourceUrl(q(server.url()));
    dialog.setDestinationDir(q(*dir_ / "data"));
    startWithButton(dialog);
    QTRY_COMPARE_WITH_TIMEOUT(dialog.state(), DownloadDialog::State::Failed, 20000);
    QVERIFY2(dialog.errorText().contains("404"), qPrintable(dialog.errorText()));
    QVERIFY(dialog.findChild<QLabel*>("downloadError")->isVisible());
    QVERIFY(isEmptyOrMissing(*dir_ / "data"));
  }

  void checksumMismatchIsAnError() {
    LocalHttpServer server(archive_);
    DownloadDialog dialog;
    dialog.setSourceUrl(q(server.url()));
    dialog.setExpectedMd5(QString(32, QLatin1Char('0')));
    dialog.setDestinationDir(q(*dir_ / "data"));
    dialog.start();
    QTRY_COMPARE_WITH_TIMEOUT(dialog.state(), DownloadDialog::State::Failed, 20000);
    QVERIFY2(dialog.errorText().contains("MD5 mismatch"), qPrintable(dialog.errorText()));
  }

  void closingOrDestroyingMidDownloadIsSafe() {
    LocalHttpServer server(archive_, LocalHttpServer::Mode::Slow);
    {
      DownloadDialog dialog;
      dialog.setSourceUrl(q(server.url()));
      dialog.setDestinationDir(q(*dir_ / "a"));
      startWithButton(dialog);
      QTRY_VERIFY(dialog.progressBar()->value() > 0);
      dialog.reject();              // Esc or the window's close button
      QVERIFY(dialog.isVisible());  // stays until the worker has stopped
      QTRY_VERIFY(!dialog.isVisible());
      QCOMPARE(dialog.state(), DownloadDialog::State::Cancelled);
    }
    auto* dialog = new DownloadDialog;
    dialog->setSourceUrl(q(server.url()));
    dialog->setDestinationDir(q(*dir_ / "b"));
    startWithButton(*dialog);
    QTRY_VERIFY(dialog->progressBar()->value() > 0);
    QElapsedTimer timer;
    timer.start();
    delete dialog;  // stops the download and joins its thread
    QVERIFY(timer.elapsed() < 2000);
    QVERIFY(isEmptyOrMissing(*dir_ / "b"));
  }

  void screenshot() {
    SIMCLR_SKIP_WITHOUT_SHOTS();
    LocalHttpServer server(archive_, LocalHttpServer::Mode::Slow);
    DownloadDialog dialog;
    dialog.setSourceUrl(q(server.url()));
    dialog.setDestinationDir(q(*dir_ / "data"));
    startWithButton(dialog);
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QTRY_VERIFY(dialog.progressBar()->value() > 300);
    QVERIFY(widgets::testing::saveShot(dialog, "download_running"));
    dialog.cancel();
    QTRY_COMPARE(dialog.state(), DownloadDialog::State::Cancelled);
    LocalHttpServer missing("gone", LocalHttpServer::Mode::NotFound);
    dialog.setSourceUrl(q(missing.url()));
    dialog.start();
    QTRY_COMPARE(dialog.state(), DownloadDialog::State::Failed);
    QVERIFY(widgets::testing::saveShot(dialog, "download_failed"));
  }
};

QTEST_MAIN(TestDownloadDialog)
#include "test_download_dialog.moc"

#include <QtTest>

#include <memory>

#include "engine/core/error.h"
#include "engine/data/cifar10_reader.h"
#include "engine/data/dataset_download.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/local_http_server.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
namespace fs = std::filesystem;
using Mode = test::LocalHttpServer::Mode;

namespace {
std::vector<std::string> entries_of(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string names_text(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += n + " ";
  return s;
}

// Records what a job reports.
struct Recorder {
  std::vector<Progress> progress;
  std::vector<std::string> log;
  JobCallbacks callbacks() {
    JobCallbacks cb;
    cb.on_progress = [this](const Progress& p) { progress.push_back(p); };
    cb.on_log = [this](LogLevel, const std::string& text) { log.push_back(text); };
    return cb;
  }
};
}  // namespace
Q_DECLARE_METATYPE(Mode)

class TestDatasetDownload : public QObject {
  Q_OBJECT

  std::string archive_;
  DatasetSplits expected_;

 private Q_SLOTS:
  void initTestCase() {
    if (!download_supported()) QSKIP("built without download support");
    archive_ = test::make_tar_gz(test::cifar10_archive_entries(3, 4, 42, &expected_));
  }

  void md5MatchesKnownDigests() {
    QCOMPARE(md5_hex(""), std::string("d41d8cd98f00b204e9800998ecf8427e"));
    QCOMPARE(md5_hex("The quick brown fox jumps over the lazy dog"), std::string("9e107d9d372bb6826bd81d3542a419d6"));
  }

  void downloadsVerifiesAndUnpacks() {
    test::TempDir tmp;
    test::LocalHttpServer server(archive_);
    DownloadOptions opt;
    opt.url = server.url();
    opt.md5 = md5_hex(archive_);
    opt.dest_dir = tmp / "datasets";  // does not exist yet
    Recorder rec;
    const fs::path dir = download_cifar10(opt, rec.callbacks(), StopToken());
    QCOMPARE(dir, opt.dest_dir / "cifar-10-batches-bin");
    // Only the dataset folder is left: no archive, no staging folder.
    QCOMPARE(entries_of(opt.dest_dir), std::vector<std::string>{"cifar-10-batches-bin"});
    const DatasetSplits got = load_cifar10(dir);
    QVERIFY(torch::equal(got.train.images, expected_.train.images));
    QVERIFY(torch::equal(got.train.labels, expected_.train.labels));
    QVERIFY(torch::equal(got.test.images, expected_.test.images));
    QVERIFY(fs::exists(dir / "readme.html"));
    // Progress in bytes, ending at the archive's size.
    const auto last_download = std::find_if(rec.progress.rbegin(), rec.progress.rend(),
                                            [](const Progress& p) { return p.stage == "download"; });
    QVERIFY(last_download != rec.progress.rend());
    QCOMPARE(last_download->step, static_cast<long long>(archive_.size()));
    QCOMPARE(last_download->total, static_cast<long long>(archive_.size()));
    QCOMPARE(server.requests_served(), 1);
  }

  void replacesAnOlderCopyOnlyAfterSuccess() {
    test::TempDir tmp;
    test::write_bytes(tmp / "cifar-10-batches-bin" / "stale.bin", "old");
    test::LocalHttpServer server(archive_);
    DownloadOptions opt;
    opt.url = server.url();
    opt.md5 = md5_hex(archive_);
    opt.dest_dir = tmp.path();
    download_cifar10(opt, {}, StopToken());
    QVERIFY(!fs::exists(tmp / "cifar-10-batches-bin" / "stale.bin"));
    QCOMPARE(entries_of(tmp.path()), std::vector<std::string>{"cifar-10-batches-bin"});
    QCOMPARE(load_cifar10(tmp / "cifar-10-batches-bin").train.size(), expected_.train.size());
  }

  void failuresLeaveNothingBehind_data() {
    QTest::addColumn<Mode>("mode");
    QTest::addColumn<bool>("rightChecksum");
    QTest::addColumn<bool>("destExists");
    QTest::addColumn<QString>("problem");
    QTest::newRow("wrong checksum") << Mode::Normal << false << true << "MD5 mismatch";
    QTest::newRow("wrong checksum, new dest") << Mode::Normal << false << false << "MD5 mismatch";
    QTest::newRow("truncated") << Mode::Truncated << true << true << "truncated";
    QTest::newRow("truncated, new dest") << Mode::Truncated << true << false << "truncated";
    QTest::newRow("http 404") << Mode::NotFound << true << true << "404";
  }
  void failuresLeaveNothingBehind() {
    QFETCH(Mode, mode);
    QFETCH(bool, rightChecksum);
    QFETCH(bool, destExists);
    QFETCH(QString, problem);
    test::TempDir tmp;
    test::LocalHttpServer server(archive_, mode);
    DownloadOptions opt;
    opt.url = server.url();
    opt.md5 = rightChecksum ? md5_hex(archive_) : std::string(32, '0');
    opt.dest_dir = tmp / "dest";
    if (destExists) fs::create_directories(opt.dest_dir);
    try {
      download_cifar10(opt, {}, StopToken());
      QFAIL("no NetworkError");
    } catch (const NetworkError& e) {
      const QString m = QString::fromStdString(e.what());
      qInfo("%s", e.what());
      QVERIFY2(m.contains(problem), qPrintable(m));
      QVERIFY2(m.contains(QString::fromStdString(opt.url)), qPrintable(m));
      if (!rightChecksum) {
        QVERIFY2(m.contains(QString(32, '0')), qPrintable(m));                           // expected
        QVERIFY2(m.contains(QString::fromStdString(md5_hex(archive_))), qPrintable(m));  // actual
      }
    }
    QVERIFY2(entries_of(opt.dest_dir).empty(), names_text(entries_of(opt.dest_dir)).c_str());
    QCOMPARE(fs::exists(opt.dest_dir), destExists);
  }

  void cancelThroughStopToken() {
    test::TempDir tmp;
    test::LocalHttpServer server(archive_, Mode::Slow);
    DownloadOptions opt;
    opt.url = server.url();
    opt.md5 = md5_hex(archive_);
    opt.dest_dir = tmp.path();
    StopToken stop;
    JobCallbacks cb;
    cb.on_progress = [&](const Progress& p) {
      if (p.step > 0) stop.request_stop();  // as a GUI's Stop button would, mid-transfer
    };
    QElapsedTimer timer;
    timer.start();
    QVERIFY_THROWS_EXCEPTION(CancelledError, download_cifar10(opt, cb, stop));
    QVERIFY(timer.elapsed() < 5000);
    QVERIFY2(entries_of(tmp.path()).empty(), names_text(entries_of(tmp.path())).c_str());
  }

  void cancelBeforeStart() {
    test::TempDir tmp;
    test::LocalHttpServer server(archive_);
    DownloadOptions opt;
    opt.url = server.url();
    opt.dest_dir = tmp.path();
    StopToken stop;
    stop.request_stop();
    QVERIFY_THROWS_EXCEPTION(CancelledError, download_cifar10(opt, {}, stop));
    QVERIFY(entries_of(tmp.path()).empty());
  }

  void unsafeOrUnexpectedArchivesAreRejected_data() {
    QTest::addColumn<QString>("member");
    QTest::addColumn<QString>("problem");
    QTest::newRow("parent folder") << "../evil.txt"
                                   << "unsafe path";
    QTest::newRow("parent folder inside") << "cifar-10-batches-bin/../../evil.txt"
                                          << "unsafe path";
    QTest::newRow("absolute path") << "/tmp/simclr-evil.txt"
                                   << "unsafe";
    QTest::newRow("no dataset folder") << "other/readme.txt"
                                       << "no cifar-10-batches-bin";
  }
  void unsafeOrUnexpectedArchivesAreRejected() {
    QFETCH(QString, member);
    QFETCH(QString, problem);
    test::TempDir tmp;
    std::vector<test::ArchiveEntry> entries;
    if (problem != "no cifar-10-batches-bin") entries = test::cifar10_archive_entries(1, 1, 3);
    entries.emplace_back(member.toStdString(), "evil");
    const std::string archive = test::make_tar_gz(entries);
    test::LocalHttpServer server(archive);
    DownloadOptions opt;
    opt.url = server.url();
    opt.md5 = md5_hex(archive);
    opt.dest_dir = tmp / "a" / "b";
    fs::create_directories(opt.dest_dir);
    try {
      download_cifar10(opt, {}, StopToken());
      QFAIL("no DataError");
    } catch (const DataError& e) {
      qInfo("%s", e.what());
      QVERIFY2(QString(e.what()).contains(problem), e.what());
    }
    QVERIFY(entries_of(opt.dest_dir).empty());
    QVERIFY(!fs::exists(tmp / "a" / "evil.txt"));
    QVERIFY(!fs::exists(tmp / "evil.txt"));
    QVERIFY(!fs::exists("/tmp/simclr-evil.txt"));
  }

  void garbageArchiveIsADataError() {
    test::TempDir tmp;
    const std::string garbage(5000, 'g');
    test::LocalHttpServer server(garbage);
    DownloadOptions opt;
    opt.url = server.url();
    opt.md5 = md5_hex(garbage);
    opt.dest_dir = tmp.path();
    try {
      download_cifar10(opt, {}, StopToken());
      QFAIL("no DataError");
    } catch (const DataError& e) {
      qInfo("%s", e.what());
      QVERIFY2(QString(e.what()).contains(QString::fromStdString(opt.url)), e.what());
    }
    QVERIFY(entries_of(tmp.path()).empty());
  }

  void malformedOptionsAreRejectedBeforeFetching_data() {
    QTest::addColumn<QString>("md5");
    QTest::newRow("too short") << "0123";
    QTest::newRow("not hex") << "zz2a1d4ab5d03f1284b67883e8d87530";
  }
  void malformedOptionsAreRejectedBeforeFetching() {
    QFETCH(QString, md5);
    test::TempDir tmp;
    test::LocalHttpServer server(archive_);
    DownloadOptions opt;
    opt.url = server.url();
    opt.md5 = md5.toStdString();
    opt.dest_dir = tmp / "dest";
    QVERIFY_THROWS_EXCEPTION(ConfigError, download_cifar10(opt, {}, StopToken()));
    QCOMPARE(server.requests_served(), 0);
    QVERIFY(!fs::exists(opt.dest_dir));
  }

  void unreachableServerIsANetworkError() {
    uint16_t port = 0;
    {
      test::LocalHttpServer closed("");
      port = closed.port();
    }  // closed: nothing listens on the port any more
    test::TempDir tmp;
    DownloadOptions opt;
    opt.url = "http://127.0.0.1:" + std::to_string(port) + "/cifar.tar.gz";
    opt.dest_dir = tmp.path();
    QVERIFY_THROWS_EXCEPTION(NetworkError, download_cifar10(opt, {}, StopToken()));
    QVERIFY(entries_of(tmp.path()).empty());
  }
};

QTEST_GUILESS_MAIN(TestDatasetDownload)
#include "test_dataset_download.moc"

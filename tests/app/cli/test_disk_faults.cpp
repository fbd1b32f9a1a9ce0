// Full disks and failing disks beyond training (#18): `simclr-cli evaluate`, `tsne`,
// `export` and `dataset download` meet ENOSPC or EIO at their write points (SIMCLR_FAULT,
// see engine/core/fault_point.h) and, where this machine lets the test mount a small tmpfs in
// a user namespace (`unshare -rm`), a disk that really fills. Each time: exit code 1, a
// message naming the file and why, the files of the previous good result byte for byte as they
// were, and nothing half-written or temporary left beside them.
#include <QtTest>

#include <QProcess>
#include <QProcessEnvironment>

#include <fstream>
#include <map>
#include <sstream>

#include "engine/data/dataset_download.h"
#include "tests/app/cli/cli_process.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/local_http_server.h"
#include "tests/support/project_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
using simclr::test::qpath;
using Outcome = simclr::test::ProcessOutcome;
namespace fs = std::filesystem;

namespace {

// Every file below `dir` (relative path -> contents).
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> files;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    files[fs::relative(e.path(), dir).string()] = bytes.str();
  }
  return files;
}

// What differs between two snapshots, "" when nothing.
QString changes(const std::map<std::string, std::string>& before, const std::map<std::string, std::string>& after) {
  QString text;
  for (const auto& [name, bytes] : after) {
    const auto it = before.find(name);
    if (it == before.end())
      text += QString::fromStdString(name) + " is new; ";
    else if (it->second != bytes)
      text += QString::fromStdString(name) + " changed; ";
  }
  for (const auto& [name, bytes] : before)
    if (!after.count(name)) text += QString::fromStdString(name) + " is gone; ";
  return text;
}

// The one file in `dir` with extension `ext`, or "" when there is not exactly one.
QString only_file(const fs::path& dir, const std::string& ext) {
  QString found;
  int n = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ext) {
      found = QString::fromStdString(e.path().filename().string());
      ++n;
    }
  return n == 1 ? found : QString();
}

bool can_mount_tmpfs() {
  return test::run_process(QStringLiteral("unshare"), {"-rm", "sh", "-c", "mount -t tmpfs -o size=64k none /tmp"},
                           20000)
             .code == 0;
}

}  // namespace

class TestDiskFaults : public QObject {
  Q_OBJECT
  test::TempDir dir_{"simclr-cli-disk-faults"};
  fs::path run_, export_dir_, download_dir_;
  std::string archive_;
  std::unique_ptr<test::LocalHttpServer> server_;
  QStringList evaluate_, tsne_, export_, download_;

 private Q_SLOTS:
  void initTestCase() {
    run_ = test::train_tiny_run(dir_.path(), 11, 1, false);
    export_dir_ = dir_ / "export";
    evaluate_ = QStringList{"-q", "evaluate", qpath(run_), "knn", "--k", "1"};
    tsne_ = QStringList{"-q", "tsne", qpath(run_), "--points", "40", "--perplexity", "5", "--iterations", "50"};
    export_ =
        QStringList{"-q", "export", qpath(run_), "--format", "npy", "--features", "both", "--out", qpath(export_dir_)};
    // The previous good results the faults must leave as they are.
    for (const QStringList& args : {evaluate_, tsne_, export_}) {
      const Outcome o = test::cli(args);
      QVERIFY2(o.code == 0, qPrintable(args.join(' ') + ": " + o.err));
    }
    QVERIFY(!only_file(run_ / "evaluation", ".json").isEmpty());
    QVERIFY(!only_file(run_ / "layouts", ".json").isEmpty());
    if (download_supported()) {
      archive_ = test::make_tar_gz(test::cifar10_archive_entries(3, 4, 42));
      server_ = std::make_unique<test::LocalHttpServer>(archive_);
      download_dir_ = dir_ / "downloads";
      download_ = QStringList{"-q",       "dataset",
                              "download", "cifar10",
                              "--dest",   qpath(download_dir_),
                              "--url",    QString::fromStdString(server_->url()),
                              "--md5",    "none",
                              "--force"};
      const Outcome o = test::cli(download_);
      QVERIFY2(o.code == 0, qPrintable(o.err));
      QVERIFY(fs::exists(download_dir_ / "cifar-10-batches-bin" / "data_batch_1.bin"));
    }
  }

  // FILE: the file the message must name (EVAL and LAYOUT stand for the evaluation's and the
  // t-SNE sidecar's names, known once the good results exist).
  void failedWriteKeepsThePreviousResult_data() {
    QTest::addColumn<QString>("command");
    QTest::addColumn<QString>("fault");
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("message");
    QTest::newRow("evaluate full") << "evaluate"
                                   << "file_write@EVAL:1:enospc"
                                   << "evaluation/EVAL"
                                   << "cannot write: No space left on device";
    QTest::newRow("evaluate eio") << "evaluate"
                                  << "file_rename@EVAL:1:eio"
                                  << "evaluation/EVAL"
                                  << "cannot replace file: Input/output error";
    QTest::newRow("tsne sidecar full") << "tsne"
                                       << "file_write@LAYOUT:1:enospc"
                                       << "layouts/LAYOUT"
                                       << "cannot write: No space left on device";
    QTest::newRow("tsne sidecar eio") << "tsne"
                                      << "file_rename@LAYOUT:1:eio"
                                      << "layouts/LAYOUT"
                                      << "cannot replace file: Input/output error";
    QTest::newRow("export features full") << "export"
                                          << "file_write@test-z.npy:1:enospc"
                                          << "test-z.npy"
                                          << "cannot write: No space left on device";
    QTest::newRow("export manifest eio") << "export"
                                         << "file_rename@export.json:1:eio"
                                         << "export.json"
                                         << "cannot replace file: Input/output error";
    QTest::newRow("download full") << "download"
                                   << "download_write:1:enospc"
                                   << ""
                                   << "cannot write the download from URL: No space left on device";
    QTest::newRow("unpack eio") << "download"
                                << "unpack_write:2:eio"
                                << ""
                                << "cannot unpack: Input/output error";
  }
  void failedWriteKeepsThePreviousResult() {
    QFETCH(QString, command);
    QFETCH(QString, fault);
    QFETCH(QString, file);
    QFETCH(QString, message);
    QStringList args;
    fs::path root;  // the folder whose files must stay as they were
    fs::path base;  // where FILE is
    if (command == "evaluate") {
      args = evaluate_, root = base = run_;
    } else if (command == "tsne") {
      args = tsne_, root = base = run_;
    } else if (command == "export") {
      args = export_, root = base = export_dir_;
    } else {
      if (!download_supported()) QSKIP("built without download support");
      args = download_, root = download_dir_;
      message.replace("URL", QString::fromStdString(server_->url()));
    }
    const QString eval = only_file(run_ / "evaluation", ".json"), layout = only_file(run_ / "layouts", ".json");
    fault.replace("EVAL", eval).replace("LAYOUT", layout);
    file.replace("EVAL", eval).replace("LAYOUT", layout);

    const auto before = snapshot(root);
    const Outcome o = simclr::test::cli_with_env(args, QStringLiteral("SIMCLR_FAULT"), fault);
    QCOMPARE(o.code, 1);
    const QString named = file.isEmpty() ? QString() : qpath(base / file.toStdString()) + ": ";
    QVERIFY2(o.err.contains("error: " + named) && o.err.contains(message), qPrintable(o.err));
    if (file.isEmpty()) QVERIFY2(o.err.contains("error: " + qpath(download_dir_) + "/"), qPrintable(o.err));
    const QString changed = changes(before, snapshot(root));
    QVERIFY2(changed.isEmpty(), qPrintable(changed));  // nothing new (no temporary file), nothing touched

    // Without the fault the same command works again: nothing in its way.
    const Outcome again = test::cli(args);
    QVERIFY2(again.code == 0, qPrintable(again.err));
  }

  // Killed while writing, a command leaves its temporary file (as a crash would); the next
  // command that opens the run removes it.
  void killedWriteIsCleanedUpNextTime_data() {
    QTest::addColumn<QString>("command");
    QTest::newRow("evaluate") << "evaluate";
    QTest::newRow("tsne") << "tsne";
  }
  void killedWriteIsCleanedUpNextTime() {
    QFETCH(QString, command);
    const QStringList args = command == "evaluate" ? evaluate_ : tsne_;
    const QString file = command == "evaluate" ? only_file(run_ / "evaluation", ".json")
                                               : only_file(run_ / "layouts", ".json");
    const auto temporaries = [&] {
      QStringList found;
      for (const auto& e : fs::recursive_directory_iterator(run_))
        if (e.path().filename().string().find(".tmp-") != std::string::npos)
          found << QString::fromStdString(e.path().string());
      return found;
    };
    const Outcome killed =
        simclr::test::cli_with_env(args, QStringLiteral("SIMCLR_FAULT"), "file_write@" + file + ":1:kill");
    QVERIFY2(killed.code != 0, qPrintable(killed.err));
    QCOMPARE(temporaries().size(), 1);
    const Outcome again = test::cli(args);
    QVERIFY2(again.code == 0, qPrintable(again.err));
    QVERIFY2(temporaries().isEmpty(), qPrintable(temporaries().join(", ")));
  }

  // A tmpfs that really fills: a good export (and download) on it, the disk filled up, the
  // same again. Runs in a user and mount namespace, so the mount is gone when it ends.
  void reallyFullDisk_data() {
    QTest::addColumn<QString>("command");
    QTest::newRow("export") << "export";
    QTest::newRow("download") << "download";
  }
  void reallyFullDisk() {
    QFETCH(QString, command);
    if (!can_mount_tmpfs()) QSKIP("cannot mount a tmpfs here (unshare -rm is not allowed): no real full disk");
    QStringList args;
    if (command == "export") {
      args = export_;
    } else {
      if (!download_supported()) QSKIP("built without download support");
      args = download_;
    }
    const fs::path mount = dir_ / ("tmpfs-" + command.toStdString());
    fs::create_directories(mount);
    const QString out = qpath(mount / "out");
    args.replaceInStrings(qpath(command == "export" ? export_dir_ : download_dir_), out);
    // $1 the mount point, $2 the output folder, then simclr-cli and its arguments. Prints the
    // files' checksums before and after the failing run, then every file left.
    const QString script = QStringLiteral(
        "set -u; mount -t tmpfs -o size=2m none \"$1\" || exit 90; m=$1; o=$2; shift 2; "
        "\"$@\" || exit 91; "
        "head -c 4000000 /dev/zero > \"$m/fill\" 2>/dev/null; "
        "(cd \"$o\" && find . -type f | sort | xargs md5sum) > \"$m/../before.txt\"; "
        "\"$@\"; rc=$?; "
        "(cd \"$o\" && find . -type f | sort | xargs md5sum) > \"$m/../after.txt\"; "
        "find \"$o\" -name '.*' > \"$m/../hidden.txt\"; exit $rc");
    QStringList unshare{"-rm", "sh", "-c", script, "sh", qpath(mount), out, QStringLiteral(SIMCLR_CLI_PATH)};
    const Outcome o = test::run_process(QStringLiteral("unshare"), unshare + args);
    QVERIFY2(o.code != 90 && o.code != 91, qPrintable(QString("setup failed (%1): %2").arg(o.code).arg(o.err)));
    QCOMPARE(o.code, 1);
    QVERIFY2(o.err.contains("error: " + out + "/") && o.err.contains("No space left on device"), qPrintable(o.err));
    const auto read = [&](const char* name) {
      std::ifstream in(dir_ / name);
      std::ostringstream s;
      s << in.rdbuf();
      return QString::fromStdString(s.str());
    };
    QVERIFY(!read("before.txt").isEmpty());
    QCOMPARE(read("after.txt"), read("before.txt"));  // the previous result untouched
    QCOMPARE(read("hidden.txt"), QString());          // no temporary file left
  }
};

QTEST_GUILESS_MAIN(TestDiskFaults)
#include "test_disk_faults.moc"

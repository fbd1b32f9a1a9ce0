// `simclr-cli runs` as a user runs it: the runs of a project, a runs folder or one run
// folder with their states; an interrupted run (its process gone) comes with the command
// that resumes it; a missing path is bad input (exit 2).
#include <QtTest>

#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "engine/core/atomic_file.h"
#include "engine/project/project_file.h"
#include "engine/project/run_process.h"
#include "tests/app/cli/cli_process.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
using simclr::test::cli;
using Outcome = simclr::test::ProcessOutcome;
namespace fs = std::filesystem;

namespace {

// A pid that no longer names a process.
int64_t gone_pid() {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  ::waitpid(pid, nullptr, 0);
  return pid;
}

}  // namespace

class TestRunsCommand : public QObject {
  Q_OBJECT
  test::TempDir dir_{"simclr-cli-runs"};
  QString project_;
  fs::path runs_;

 private Q_SLOTS:
  void initTestCase() {
    ProjectConfig p;
    p.name = "p";
    save_project(p, dir_ / "p.json");
    project_ = test::qpath(dir_ / "p.json");
    runs_ = dir_ / "runs";
    RunFolder done(runs_ / "done");
    done.write_config(p);
    write_file_atomically(
        done.status_file(),
        nlohmann::json{
            {"state", "completed"}, {"steps_done", 10}, {"total_steps", 10}, {"final_loss", 3.25}, {"device", "CPU"}}
            .dump());
    RunFolder live(runs_ / "live");
    live.write_config(p);
    ProcessRecord me = this_process_record();
    me.step = 3;
    me.total_steps = 10;
    write_process_record(live, me);
    RunFolder dead(runs_ / "dead");
    dead.write_config(p);
    write_file_atomically(dead.checkpoint_file(4), "x");
    ProcessRecord gone = me;
    gone.pid = gone_pid();
    write_process_record(dead, gone);
    RunFolder early(runs_ / "early");  // killed before its first checkpoint
    early.write_config(p);
    write_process_record(early, gone);
  }

  void listsStatesAndHowToResume_data() {
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("project");
    QTest::newRow("project") << project_ << project_;
    QTest::newRow("runs folder") << test::qpath(runs_) << "PROJECT";
  }
  void listsStatesAndHowToResume() {
    QFETCH(QString, input);
    QFETCH(QString, project);
    const Outcome o = cli({"runs", input});
    QVERIFY2(o.code == 0, qPrintable(o.err));
    const auto row = [&](const QString& name) {
      for (const QString& line : o.out.split('\n'))
        if (line.startsWith(name + " ")) return line.simplified();
      return QString();
    };
    QVERIFY2(row("done").startsWith("done completed 10 / 10 3.2500 CPU"), qPrintable(o.out));
    QVERIFY2(row("live").startsWith(QString("live running 3 / 10 process %1 on ").arg(::getpid())), qPrintable(o.out));
    QVERIFY2(row("dead").startsWith("dead interrupted 4 / 10 process "), qPrintable(o.out));
    QVERIFY2(o.out.contains("interrupted: resume with  simclr-cli train " + project + " --resume " +
                            test::qpath(runs_ / "dead") + "\n"),
             qPrintable(o.out));
    QCOMPARE(o.out.count("resume with"), 1);
    QVERIFY2(o.out.contains("interrupted: " + test::qpath(runs_ / "early") +
                            " before its first checkpoint: nothing to resume\n"),
             qPrintable(o.out));
  }

  void oneRunFolder() {
    const Outcome o = cli({"runs", test::qpath(runs_ / "done")});
    QVERIFY2(o.code == 0, qPrintable(o.err));
    QVERIFY2(o.out.contains("done ") && !o.out.contains("live "), qPrintable(o.out));
  }

  void emptyAndMissing() {
    Outcome o = cli({"runs", test::qpath(dir_ / "no-runs-here")});
    QCOMPARE(o.code, 2);
    QVERIFY2(o.err.contains("no-runs-here: no such project file or folder"), qPrintable(o.err));
    fs::create_directories(dir_ / "empty");
    o = cli({"runs", test::qpath(dir_ / "empty")});
    QCOMPARE(o.code, 0);
    QVERIFY2(o.out.startsWith("no runs in"), qPrintable(o.out));
  }
};

QTEST_GUILESS_MAIN(TestRunsCommand)
#include "test_runs_command.moc"

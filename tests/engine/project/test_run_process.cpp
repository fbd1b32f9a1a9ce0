// The process record of a training run: whether the process that wrote it still lives (by
// pid and start time on this host, by heartbeat on another), and the states a run summary
// derives from it: running, interrupted, or the status.json of how it ended.
#include <QtTest>

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "engine/core/atomic_file.h"
#include "engine/project/run_process.h"
#include "engine/project/run_summary.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
namespace fs = std::filesystem;

namespace {

// The state letter of /proc/<pid>/stat ('Z' for a zombie), or 0 when there is no such process.
char proc_state(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line) || line.rfind(')') == std::string::npos) return 0;
  return line[line.rfind(')') + 2];
}

// A child process that has exited: `reap` false leaves it a zombie.
pid_t exited_child(bool reap) {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  if (reap) ::waitpid(pid, nullptr, 0);
  return pid;
}

void write_status(const RunFolder& run, const std::string& state) {
  write_file_atomically(
      run.status_file(),
      nlohmann::json{{"state", state}, {"steps_done", 8}, {"total_steps", 10}, {"final_loss", 3.5}}.dump());
}

// Makes `file` look written `seconds` ago.
void age(const fs::path& file, int seconds) {
  fs::last_write_time(file, fs::last_write_time(file) - std::chrono::seconds(seconds));
}

}  // namespace

class TestRunProcess : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void recordRoundTrips() {
    test::TempDir dir("process");
    RunFolder run(dir / "r");
    QVERIFY(!read_process_record(run));
    ProcessRecord r = this_process_record();
    r.step = 12;
    r.total_steps = 40;
    write_process_record(run, r);
    const auto back = read_process_record(run);
    QVERIFY(back);
    QCOMPARE(back->pid, int64_t(::getpid()));
    QCOMPARE(back->host, r.host);
    QCOMPARE(back->process_start, r.process_start);
    QVERIFY(back->process_start > 0);
    QCOMPARE(back->step, int64_t(12));
    QCOMPARE(back->total_steps, int64_t(40));
    write_file_atomically(process_record_file(run), "{ torn");
    QVERIFY(!read_process_record(run));
  }

  void thisProcessIsAlive() { QVERIFY(process_alive(this_process_record(), unix_now())); }

  // The pid now belongs to another process (it was reused): its start time differs.
  void reusedPidIsNotAlive() {
    ProcessRecord r = this_process_record();
    r.process_start -= 1;
    QVERIFY(!process_alive(r, unix_now()));
  }

  void exitedProcessIsNotAlive_data() {
    QTest::addColumn<bool>("reap");
    QTest::newRow("gone") << true;
    QTest::newRow("zombie") << false;  // killed, its parent not yet told
  }
  void exitedProcessIsNotAlive() {
    QFETCH(bool, reap);
    ProcessRecord r = this_process_record();
    const pid_t child = exited_child(reap);
    if (!reap) QTRY_COMPARE(proc_state(child), 'Z');
    r.pid = child;
    QVERIFY(!process_alive(r, unix_now()));
    if (!reap) ::waitpid(child, nullptr, 0);
  }

  // On another machine only the heartbeat tells.
  void otherHostGoesByTheHeartbeat_data() {
    QTest::addColumn<int>("age");
    QTest::addColumn<bool>("alive");
    QTest::newRow("fresh") << 30 << true;
    QTest::newRow("at the limit") << int(kStaleHeartbeatSeconds) << true;
    QTest::newRow("stale") << int(kStaleHeartbeatSeconds) + 1 << false;
  }
  void otherHostGoesByTheHeartbeat() {
    QFETCH(int, age);
    QFETCH(bool, alive);
    ProcessRecord r = this_process_record();
    r.host = "elsewhere.example";
    r.pid = 1;  // alive here, but not the process on that host
    const int64_t now = unix_now();
    r.heartbeat_at = now - age;
    QCOMPARE(process_alive(r, now), alive);
  }

  void describesTheProcess() {
    ProcessRecord r;
    r.pid = 4242;
    r.host = "node-7";
    r.started_at = 1714564800;
    const std::string text = describe_process(r);
    QVERIFY2(text.rfind("process 4242 on node-7, started 2024-05-0", 0) == 0, text.c_str());
  }

  // What a run summary makes of a record: the live process's progress, or the checkpoint a
  // resume would continue from; a status.json newer than the record wins.
  void summaryStates_data() {
    QTest::addColumn<bool>("processAlive");
    QTest::addColumn<QString>("status");  // an earlier part's status.json, or none
    QTest::addColumn<bool>("statusNewer");
    QTest::addColumn<QString>("state");
    QTest::addColumn<qint64>("steps");
    QTest::newRow("running") << true << "" << false << "running" << qint64(7);
    QTest::newRow("running again after a stop") << true << "stopped" << false << "running" << qint64(7);
    QTest::newRow("killed") << false << "" << false << "interrupted" << qint64(4);
    QTest::newRow("killed after a resume") << false << "stopped" << false << "interrupted" << qint64(4);
    QTest::newRow("killed after it ended") << false << "completed" << true << "completed" << qint64(8);
  }
  void summaryStates() {
    QFETCH(bool, processAlive);
    QFETCH(QString, status);
    QFETCH(bool, statusNewer);
    QFETCH(QString, state);
    QFETCH(qint64, steps);
    test::TempDir dir("process");
    RunFolder run(dir / "r");
    write_file_atomically(run.checkpoint_file(4), "x");
    if (!status.isEmpty()) write_status(run, status.toStdString());
    ProcessRecord r = this_process_record();
    if (!processAlive) r.pid = exited_child(true);
    r.step = 7;
    r.total_steps = 10;
    write_process_record(run, r);
    if (!status.isEmpty()) age(statusNewer ? process_record_file(run) : run.status_file(), 5);
    const RunSummary s = read_run_summary(run);
    QCOMPARE(QString::fromStdString(s.state), state);
    QCOMPARE(qint64(s.steps_done), steps);
    QCOMPARE(s.total_steps, int64_t(10));
    QCOMPARE(s.process.has_value(), !statusNewer);
    if (s.process) QCOMPARE(s.process->pid, r.pid);
    QCOMPARE(s.final_loss.has_value(), statusNewer);  // an earlier part's end is not this run's
  }
};

QTEST_GUILESS_MAIN(TestRunProcess)
#include "test_run_process.moc"

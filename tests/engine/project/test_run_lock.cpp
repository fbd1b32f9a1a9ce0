// One trainer per run folder: a second lock is refused naming the process that holds the
// first, a released lock can be taken again, and a killed holder leaves no stale lock.
#include <QtTest>

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <memory>

#include "engine/core/error.h"
#include "engine/project/run_lock.h"
#include "engine/project/run_process.h"
#include "tests/support/temp_dir.h"

using namespace simclr;

namespace {

// A child process that holds the run's lock (plain system calls: the child of a threaded
// process may not allocate) until it is killed.
pid_t child_holding_lock(const RunFolder& run) {
  const std::string file = run_lock_file(run).string();
  int ready[2];
  if (::pipe(ready) != 0) return -1;
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(file.c_str(), O_RDWR | O_CREAT, 0644);
    const char ok = fd >= 0 && ::flock(fd, LOCK_EX) == 0 ? '1' : '0';
    (void)::write(ready[1], &ok, 1);
    for (;;) ::pause();
  }
  char ok = '0';
  (void)::read(ready[0], &ok, 1);
  ::close(ready[0]);
  ::close(ready[1]);
  return ok == '1' ? pid : -1;
}

}  // namespace

class TestRunLock : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void secondLockIsRefusedNamingTheFirst() {
    test::TempDir dir("lock");
    RunFolder run(dir / "r");
    std::filesystem::create_directories(run.dir());
    ProcessRecord me = this_process_record();
    me.step = 12;
    me.total_steps = 40;
    write_process_record(run, me);
    auto first = std::make_unique<RunLock>(run);
    try {
      RunLock second(run);
      QFAIL("expected ConfigError");
    } catch (const ConfigError& e) {
      const QString message = e.what();
      QVERIFY2(message.startsWith(QString::fromStdString(run.dir().string()) + " is being trained by process " +
                                  QString::number(::getpid()) + " on " + QString::fromStdString(me.host)),
               e.what());
      QVERIFY2(message.contains("at step 12 of 40"), e.what());
    }
    first.reset();
    RunLock again(run);  // released: taken without complaint
  }

  void killedHolderLeavesNoStaleLock() {
    test::TempDir dir("lock");
    RunFolder run(dir / "r");
    std::filesystem::create_directories(run.dir());
    const pid_t child = child_holding_lock(run);
    QVERIFY(child > 0);
    QVERIFY_THROWS_EXCEPTION(ConfigError, RunLock{run});
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    RunLock mine(run);
  }

  void missingFolderIsAnIoError() {
    test::TempDir dir("lock");
    try {
      RunLock lock(RunFolder(dir / "no-such-run"));
      QFAIL("expected IoError");
    } catch (const IoError& e) {
      QVERIFY2(QString(e.what()).contains("no-such-run/.train.lock"), e.what());
    }
  }
};

QTEST_GUILESS_MAIN(TestRunLock)
#include "test_run_lock.moc"

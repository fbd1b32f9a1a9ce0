// Injected faults: SIMCLR_FAULT names the pass of a point that fails (ENOSPC, EIO) or kills
// the process; every other pass, and every point not named, goes through.
#include <QtTest>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "engine/core/fault_point.h"

using namespace simclr;

class TestFaultPoint : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  // Before the first pass: the variable is read once per process.
  void initTestCase() { qputenv("SIMCLR_FAULT", "write:2:enospc,write:4:eio,sync:1:eio,die:1:kill"); }

  void namedPassesFail() {
    QCOMPARE(fault_point("write"), 0);
    QCOMPARE(fault_point("write"), ENOSPC);
    QCOMPARE(fault_point("write"), 0);
    QCOMPARE(fault_point("write"), EIO);
    QCOMPARE(fault_point("write"), 0);
    QCOMPARE(fault_point("sync"), EIO);
    QCOMPARE(fault_point("sync"), 0);
    QCOMPARE(fault_point("other"), 0);
  }

  // The process dies by SIGKILL, after what a write cut short would leave.
  void killEndsTheProcess() {
    int pipe_fds[2];
    QCOMPARE(::pipe(pipe_fds), 0);
    const pid_t child = ::fork();
    if (child == 0) {
      fault_point("die", [&] { (void)::write(pipe_fds[1], "x", 1); });
      ::_exit(0);  // not reached
    }
    ::close(pipe_fds[1]);
    int status = 0;
    QCOMPARE(::waitpid(child, &status, 0), child);
    QVERIFY(WIFSIGNALED(status));
    QCOMPARE(WTERMSIG(status), SIGKILL);
    char left = 0;
    QCOMPARE(::read(pipe_fds[0], &left, 1), ssize_t(1));
    QCOMPARE(left, 'x');
    ::close(pipe_fds[0]);
  }
};

QTEST_GUILESS_MAIN(TestFaultPoint)
#include "test_fault_point.moc"

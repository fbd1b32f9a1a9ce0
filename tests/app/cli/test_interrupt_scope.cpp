// The one Ctrl+C handling of simclr-cli, in-process: while a scope lives SIGINT and SIGTERM
// only request a stop of its token; afterwards the handlers installed before are back,
// whether the scope ended normally or by an exception; nested scopes hand the signals back.
#include <QtTest>

#include <csignal>
#include <memory>
#include <stdexcept>

#include "app/cli/interrupt_scope.h"
#include "engine/core/job.h"

using simclr::StopToken;
using simclr::cli::InterruptScope;

namespace {

volatile std::sig_atomic_t g_previous_calls = 0;
extern "C" void previous_handler(int) {
  g_previous_calls = g_previous_calls + 1;
}

// The handler now installed for `signal`.
void (*installed(int signal))(int) {
  struct sigaction current {};
  sigaction(signal, nullptr, &current);
  return current.sa_handler;
}

void install(int signal, void (*handler)(int)) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  sigaction(signal, &action, nullptr);
}

}  // namespace

class TestInterruptScope : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // Every case starts from a handler of its own: a stray signal never ends the test program.
  void init() {
    install(SIGINT, previous_handler);
    install(SIGTERM, previous_handler);
    g_previous_calls = 0;
  }
  void cleanup() {
    install(SIGINT, SIG_DFL);
    install(SIGTERM, SIG_DFL);
  }

  void signalRequestsAStop_data() {
    QTest::addColumn<int>("signal");
    QTest::newRow("SIGINT") << SIGINT;
    QTest::newRow("SIGTERM") << SIGTERM;
  }
  void signalRequestsAStop() {
    QFETCH(int, signal);
    StopToken stop;
    {
      InterruptScope scope(stop);
      QVERIFY(installed(signal) != previous_handler);
      QVERIFY(!stop.stop_requested());
      QCOMPARE(std::raise(signal), 0);  // the handler runs before raise() returns
      QVERIFY(stop.stop_requested());
      QCOMPARE(int(g_previous_calls), 0);  // the earlier handler is not called meanwhile
    }
    QCOMPARE(std::raise(signal), 0);
    QCOMPARE(int(g_previous_calls), 1);
  }

  // The bug this scope replaced: an exception out of the job left the handler pointing at a
  // token that no longer existed.
  void previousHandlersComeBack_data() {
    QTest::addColumn<bool>("throws");
    QTest::newRow("normal end") << false;
    QTest::newRow("exception") << true;
  }
  void previousHandlersComeBack() {
    QFETCH(bool, throws);
    StopToken stop;
    try {
      InterruptScope scope(stop);
      if (throws) throw std::runtime_error("the job failed");
    } catch (const std::runtime_error&) {
    }
    QVERIFY(installed(SIGINT) == previous_handler);
    QVERIFY(installed(SIGTERM) == previous_handler);
    QCOMPARE(std::raise(SIGINT), 0);
    QCOMPARE(std::raise(SIGTERM), 0);
    QCOMPARE(int(g_previous_calls), 2);
    QVERIFY(!stop.stop_requested());
  }

  void defaultHandlersComeBack() {
    install(SIGINT, SIG_DFL);
    install(SIGTERM, SIG_IGN);
    {
      StopToken stop;
      InterruptScope scope(stop);
      QVERIFY(installed(SIGINT) != SIG_DFL);
      QVERIFY(installed(SIGTERM) != SIG_IGN);
    }
    QVERIFY(installed(SIGINT) == SIG_DFL);
    QVERIFY(installed(SIGTERM) == SIG_IGN);
  }

  // The token may go before the scope: the scope holds a copy, which shares the flag.
  void tokenMayEndFirst() {
    auto stop = std::make_unique<StopToken>();
    const StopToken observer = *stop;
    InterruptScope scope(*stop);
    stop.reset();
    QCOMPARE(std::raise(SIGINT), 0);
    QVERIFY(observer.stop_requested());
  }

  void nestedScopesHandBackTheSignals() {
    StopToken outer_stop, inner_stop;
    InterruptScope outer(outer_stop);
    {
      InterruptScope inner(inner_stop);
      QCOMPARE(std::raise(SIGINT), 0);
      QVERIFY(inner_stop.stop_requested());
      QVERIFY(!outer_stop.stop_requested());
    }
    QCOMPARE(std::raise(SIGTERM), 0);
    QVERIFY(outer_stop.stop_requested());
    QCOMPARE(int(g_previous_calls), 0);
  }
};

QTEST_GUILESS_MAIN(TestInterruptScope)
#include "test_interrupt_scope.moc"

// Rank, world and store address as torchrun, Slurm and Open MPI set them (by hand here).
#include <QtTest>

#include <map>

#include "engine/core/error.h"
#include "engine/distributed/launch_environment.h"

using namespace simclr;

namespace {
using Vars = std::map<std::string, std::string>;
std::optional<LaunchEnvironment> read(const Vars& vars, const std::string& url = "") {
  return read_launch_environment(
      [&](const char* name) -> const char* {
        auto it = vars.find(name);
        return it == vars.end() ? nullptr : it->second.c_str();
      },
      url);
}
}  // namespace

class TestLaunchEnvironment : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void noLauncherMeansOneProcess() { QVERIFY(!read({{"HOME", "/root"}})); }

  void torchrun() {
    const auto env = read({{"RANK", "3"},
                           {"WORLD_SIZE", "8"},
                           {"LOCAL_RANK", "1"},
                           {"MASTER_ADDR", "node7"},
                           {"MASTER_PORT", "29400"},
                           {"TORCHELASTIC_RUN_ID", "abc"},
                           {"TORCHELASTIC_RESTART_COUNT", "2"},
                           {"TORCHELASTIC_USE_AGENT_STORE", "True"}});
    QVERIFY(env);
    QCOMPARE(env->launcher, std::string("torchrun"));
    QCOMPARE(env->rank, 3);
    QCOMPARE(env->world_size, 8);
    QCOMPARE(env->local_rank, 1);
    QCOMPARE(env->master_addr, std::string("node7"));
    QCOMPARE(env->master_port, 29400);
    QVERIFY(env->agent_store);
    QCOMPARE(env->restart_count, 2);
  }

  void slurmTakesTheFirstNodeAsTheStoreHost() {
    const auto env = read({{"SLURM_PROCID", "5"},
                           {"SLURM_NTASKS", "8"},
                           {"SLURM_LOCALID", "1"},
                           {"SLURM_JOB_NODELIST", "gpu[03-05,09],cpu1"}});
    QVERIFY(env);
    QCOMPARE(env->launcher, std::string("slurm"));
    QCOMPARE(env->rank, 5);
    QCOMPARE(env->world_size, 8);
    QCOMPARE(env->local_rank, 1);
    QCOMPARE(env->master_addr, std::string("gpu03"));
    QCOMPARE(env->master_port, 29500);
  }

  void firstSlurmHost_data() {
    QTest::addColumn<QString>("list");
    QTest::addColumn<QString>("host");
    QTest::newRow("plain") << "node1"
                           << "node1";
    QTest::newRow("list") << "a,b"
                          << "a";
    QTest::newRow("range") << "gpu[07-12]"
                           << "gpu07";
    QTest::newRow("set") << "n[3,5]x"
                         << "n3";
  }
  void firstSlurmHost() {
    QFETCH(QString, list);
    QFETCH(QString, host);
    QCOMPARE(QString::fromStdString(first_slurm_host(list.toStdString())), host);
  }

  void openMpiWithADistUrl() {
    const auto env =
        read({{"OMPI_COMM_WORLD_RANK", "0"}, {"OMPI_COMM_WORLD_SIZE", "2"}, {"OMPI_COMM_WORLD_LOCAL_RANK", "0"}},
             "tcp://10.1.2.3:23456");
    QVERIFY(env);
    QCOMPARE(env->launcher, std::string("mpi"));
    QCOMPARE(env->world_size, 2);
    QCOMPARE(env->master_addr, std::string("10.1.2.3"));
    QCOMPARE(env->master_port, 23456);
  }

  void badValuesNameTheVariable_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("expected");
    QTest::newRow("rank beyond world") << "RANK"
                                       << "4"
                                       << "RANK='4'";
    QTest::newRow("rank not a number") << "RANK"
                                       << "one"
                                       << "RANK='one'";
    QTest::newRow("port") << "MASTER_PORT"
                          << "70000"
                          << "MASTER_PORT";
    QTest::newRow("world") << "WORLD_SIZE"
                           << "0"
                           << "WORLD_SIZE='0'";
  }
  void badValuesNameTheVariable() {
    QFETCH(QString, name);
    QFETCH(QString, value);
    QFETCH(QString, expected);
    Vars vars{{"RANK", "1"}, {"WORLD_SIZE", "4"}, {"MASTER_ADDR", "h"}, {"MASTER_PORT", "1234"}};
    vars[name.toStdString()] = value.toStdString();
    try {
      read(vars);
      QFAIL("accepted a bad value");
    } catch (const ConfigError& e) {
      QVERIFY2(QString(e.what()).contains(expected), e.what());
    }
  }

  void aWorldWithoutAStoreAddressIsRefused() {
    try {
      read({{"OMPI_COMM_WORLD_RANK", "0"}, {"OMPI_COMM_WORLD_SIZE", "2"}});
      QFAIL("accepted a world without a store");
    } catch (const ConfigError& e) {
      QVERIFY2(QString(e.what()).contains("MASTER_ADDR"), e.what());
    }
    try {
      read({{"RANK", "0"}, {"WORLD_SIZE", "2"}}, "http://h:1");
      QFAIL("accepted a bad --dist-url");
    } catch (const ConfigError& e) {
      QVERIFY2(QString(e.what()).contains("tcp://HOST:PORT"), e.what());
    }
  }

  void theRunTokenIsRead() {
    const auto env = read({{"RANK", "0"}, {"WORLD_SIZE", "1"}, {"SIMCLR_RUN_TOKEN", "s3cret"}});
    QVERIFY(env);
    QCOMPARE(env->token, std::string("s3cret"));
    QCOMPARE(env->master_addr, std::string("127.0.0.1"));
  }
};

QTEST_GUILESS_MAIN(TestLaunchEnvironment)
#include "test_launch_environment.moc"

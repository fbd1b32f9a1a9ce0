// Data-parallel training on loopback: two ranks of half the batch each against one process
// of the whole batch, then what happens when ranks disagree or die.
#include <QtTest>

#include <csignal>
#include <memory>

#include "engine/core/error.h"
#include "engine/core/seeding.h"
#include "engine/project/project_file.h"
#include "engine/project/run_folder.h"
#include "engine/train/checkpoint.h"
#include "engine/train/metrics_log.h"
#include "engine/train/run_setup.h"
#include "engine/train/trainer.h"
#include "tests/engine/distributed/rank_process.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/project_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;

namespace {

// The tiny project for 20 steps of batch 16 (2 ranks x 8), monitor off, one thread each.
ProjectConfig parallel_project(const std::filesystem::path& data, bool sync_bn, bool gather) {
  ProjectConfig p = test::tiny_project(data);
  p.training.epochs = 4;  // 5 steps per epoch of the 80 images
  p.training.batch_size = 16;
  p.training.threads = 1;
  p.training.precision = "fp32";
  // This tiny model's training is chaotic: the same run on 1 and on 2 threads (another
  // summation order, nothing else) parts by 1e-2 in the loss within 10 steps at SGD's
  // lr 0.05, and Adam turns last-bit differences of near-zero gradients into full steps.
  // At a small SGD rate the runs stay within float noise for 20 steps, and a wrong
  // gradient still shows in the weights, which move by far more than the tolerance.
  p.training.optimizer = "sgd";
  p.training.learning_rate = 2e-4;
  p.training.checkpoint_every_steps = 10;
  p.training.views_version = 2;
  p.training.distributed.sync_batch_norm = sync_bn;
  p.training.distributed.gather_negatives = gather;
  p.training.distributed.timeout_s = 20;
  p.evaluation.knn_every_epochs = 0;
  return p;
}

std::vector<double> step_losses(const std::filesystem::path& run) {
  std::vector<double> out;
  for (const auto& record : read_metrics(run / "metrics.jsonl"))
    if (record.value("type", "") == "step") out.push_back(record.value("loss", 0.0));
  return out;
}

SimCLRModel final_weights(const ProjectConfig& p, const std::filesystem::path& run) {
  SimCLRModel model = build_model(p, 3, 32);
  load_checkpoint(RunFolder(run).latest_checkpoint(), model, nullptr);
  return model;
}

double max_weight_difference(SimCLRModel& a, SimCLRModel& b) {
  double worst = 0;
  const auto pb = b->named_parameters();
  for (const auto& item : a->named_parameters())
    worst = std::max(worst, (item.value() - pb[item.key()]).abs().max().item<double>());
  return worst;
}

struct Ranks {
  std::vector<std::unique_ptr<QProcess>> processes;
  bool wait_all(int ms = 180000) {
    bool ok = true;
    for (auto& p : processes) ok = p->waitForFinished(ms) && ok;
    return ok;
  }
  QString output(int r) {
    return processes[size_t(r)]->readAllStandardOutput() + processes[size_t(r)]->readAllStandardError();
  }
};

Ranks start_ranks(const std::filesystem::path& project, const std::filesystem::path& runs, const std::string& name,
                  int world, const std::vector<std::map<std::string, std::string>>& extra = {}) {
  Ranks ranks;
  const int port = test::free_port();
  for (int r = 0; r < world; ++r)
    ranks.processes.emplace_back(
        test::start_rank(project, runs, name, r, world, port,
                         r < int(extra.size()) ? extra[size_t(r)] : std::map<std::string, std::string>{}));
  return ranks;
}

}  // namespace

class TestDataParallel : public QObject {
  Q_OBJECT
  test::TempDir dir_{"simclr-data-parallel"};

  std::filesystem::path data() const { return dir_.path() / "data"; }

  // Trains `p` alone (in this process) and with two ranks; returns both run folders.
  std::pair<std::filesystem::path, std::filesystem::path> train_both(const ProjectConfig& p, const std::string& name) {
    const auto root = dir_.path() / name;
    const auto file = root / "project.json";
    std::filesystem::create_directories(root);
    save_project(p, file);
    const ProjectConfig saved = load_project(file);
    TrainOptions alone;
    alone.runs_root = root / "runs";
    alone.run_name = "alone";
    const TrainResult single = train(saved, alone, TrainCallbacks(), StopToken());
    Ranks ranks = start_ranks(file, root / "runs", "two", 2);
    [&] { QVERIFY2(ranks.wait_all(), "the ranks did not finish"); }();
    for (int r = 0; r < 2; ++r) {
      const QString out = ranks.output(r);
      if (ranks.processes[size_t(r)]->exitCode() != 0) qWarning().noquote() << "rank" << r << out;
      [&] { QCOMPARE(ranks.processes[size_t(r)]->exitCode(), 0); }();
    }
    return {single.run_dir, root / "runs" / "two"};
  }

 private Q_SLOTS:
  void initTestCase() { test::write_cifar10_folder(data(), 16, 40, 5); }

  // The acceptance test: the same loss at every step and the same weights.
  void twoRanksEqualOneProcessOfTheWholeBatch() {
    const ProjectConfig p = parallel_project(data(), /*sync_bn=*/true, /*gather=*/true);
    const auto [alone, two] = train_both(p, "equal");
    const auto a = step_losses(alone), b = step_losses(two);
    QCOMPARE(a.size(), size_t(20));
    QCOMPARE(b.size(), size_t(20));
    for (size_t i = 0; i < a.size(); ++i)
      QVERIFY2(
          std::abs(a[i] - b[i]) <= 1e-4 * std::abs(a[i]),
          qPrintable(QString("step %1: alone %2, two ranks %3").arg(i + 1).arg(a[i], 0, 'g', 9).arg(b[i], 0, 'g', 9)));
    SimCLRModel wa = final_weights(p, alone), wb = final_weights(p, two);
    const double diff = max_weight_difference(wa, wb);
    QVERIFY2(diff <= 1e-5, qPrintable(QString("largest weight difference %1").arg(diff)));
    torch::manual_seed(derive_seed(p.training.seed, {0}));  // the trainer's initialisation
    SimCLRModel initial = build_model(p, 3, 32);
    const double moved = max_weight_difference(wa, initial);
    QVERIFY2(moved > 1e-3, qPrintable(QString("the weights moved only %1").arg(moved)));
    // Rank 0 alone wrote the folder, and said how the run was split.
    const ProjectConfig config = RunFolder(two).read_config();
    QCOMPARE(config.training.batch_size, int64_t(16));
    const auto status = nlohmann::json::parse(std::ifstream(two / "status.json"));
    QCOMPARE(status.value("world_size", 0), 2);
    QCOMPARE(status.value("state", std::string()), std::string("completed"));
  }

  // The test above can fail: each rank's NT-Xent of its own 8 images is not the loss of 16.
  void withoutGatheringTheLossDiffers() {
    const ProjectConfig p = parallel_project(data(), /*sync_bn=*/true, /*gather=*/false);
    const auto [alone, two] = train_both(p, "local");
    const auto a = step_losses(alone), b = step_losses(two);
    QCOMPARE(b.size(), size_t(20));
    QVERIFY2(std::abs(a[0] - b[0]) > 1e-2 * std::abs(a[0]),
             qPrintable(QString("alone %1, two ranks without gathering %2").arg(a[0]).arg(b[0])));
  }

  void ranksTrainingDifferentProjectsAreRefused() {
    const auto root = dir_.path() / "mismatch";
    std::filesystem::create_directories(root);
    ProjectConfig p = parallel_project(data(), false, true);
    save_project(p, root / "a.json");
    p.training.temperature = 0.3;
    save_project(p, root / "b.json");
    const int port = test::free_port();
    std::unique_ptr<QProcess> r0(test::start_rank(root / "a.json", root / "runs", "m", 0, 2, port));
    std::unique_ptr<QProcess> r1(test::start_rank(root / "b.json", root / "runs", "m", 1, 2, port));
    QVERIFY(r0->waitForFinished(60000));
    QVERIFY(r1->waitForFinished(60000));
    QCOMPARE(r0->exitCode(), 1);
    QCOMPARE(r1->exitCode(), 1);
    const QString said = r0->readAllStandardError();
    QVERIFY2(said.contains("rank 1 trains a different project"), qPrintable(said));
    QVERIFY2(!std::filesystem::exists(root / "runs" / "m"), "a refused run must not leave a folder");
  }

  void aStrayJobWithAnotherTokenIsRefused() {
    const auto root = dir_.path() / "token";
    std::filesystem::create_directories(root);
    save_project(parallel_project(data(), false, true), root / "p.json");
    Ranks ranks = start_ranks(root / "p.json", root / "runs", "t", 2,
                              {{{"SIMCLR_RUN_TOKEN", "ours"}}, {{"SIMCLR_RUN_TOKEN", "someone else's"}}});
    QVERIFY(ranks.wait_all(60000));
    QCOMPARE(ranks.processes[0]->exitCode(), 1);
    const QString said = ranks.output(0);
    QVERIFY2(said.contains("rank 1") && said.contains("different run token"), qPrintable(said));
  }

  void unreachableStoreNamesTheAddress() {
    const auto root = dir_.path() / "nostore";
    std::filesystem::create_directories(root);
    ProjectConfig p = parallel_project(data(), false, true);
    p.training.distributed.timeout_s = 2;
    save_project(p, root / "p.json");
    // Rank 1 alone: nobody hosts the store.
    std::unique_ptr<QProcess> r1(test::start_rank(root / "p.json", root / "runs", "s", 1, 2, test::free_port()));
    QVERIFY(r1->waitForFinished(60000));
    QCOMPARE(r1->exitCode(), 1);
    const QString said = r1->readAllStandardError();
    QVERIFY2(said.contains("could not reach the run's store at 127.0.0.1:"), qPrintable(said));
  }

  // A rank killed mid-run: the other stops within the timeout naming it, the last
  // checkpoint is intact, and one process resumes the run to its end.
  void aKilledRankIsNamedAndTheRunResumesAlone() {
    const auto root = dir_.path() / "kill";
    std::filesystem::create_directories(root);
    ProjectConfig p = parallel_project(data(), false, true);
    p.training.epochs = 40;  // long enough to be killed in the middle
    p.training.checkpoint_every_steps = 5;
    p.training.distributed.timeout_s = 10;
    save_project(p, root / "p.json");
    Ranks ranks = start_ranks(root / "p.json", root / "runs", "k", 2);
    const auto run = root / "runs" / "k";
    QTRY_VERIFY_WITH_TIMEOUT(
        !RunFolder(run).latest_checkpoint().empty() && checkpoint_step(RunFolder(run).latest_checkpoint()) >= 10,
        120000);
    ::kill(static_cast<pid_t>(ranks.processes[1]->processId()), SIGKILL);
    QElapsedTimer clock;
    clock.start();
    QVERIFY(ranks.processes[0]->waitForFinished(60000));
    QVERIFY2(clock.elapsed() < 30000, "the surviving rank must stop within the timeout");
    QCOMPARE(ranks.processes[0]->exitCode(), 1);
    QVERIFY(ranks.processes[1]->waitForFinished(10000));
    const QString said = ranks.output(0);
    QVERIFY2(said.contains("rank 1: its process") && said.contains("has exited"), qPrintable(said));
    // Every checkpoint loads; resume alone finishes the run.
    for (const auto& entry : std::filesystem::directory_iterator(run / "checkpoints"))
      QVERIFY2(entry.path().extension() == ".pt", qPrintable(QString::fromStdString(entry.path().string())));
    ProjectConfig same = load_project(root / "p.json");
    same.training.max_steps = checkpoint_step(RunFolder(run).latest_checkpoint()) + 5;
    TrainOptions resume;
    resume.resume_run = run;
    const TrainResult r = train(same, resume, TrainCallbacks(), StopToken());
    QCOMPARE(r.steps_done, same.training.max_steps);
    QCOMPARE(r.world_size, 1);
  }

  // A rank that hangs (stopped, its sockets still open): the other gives up after the
  // group's timeout, naming it, rather than waiting for ever.
  void aHungRankIsNamedWithinTheTimeout() {
    const auto root = dir_.path() / "hang";
    std::filesystem::create_directories(root);
    ProjectConfig p = parallel_project(data(), false, true);
    p.training.epochs = 40;
    p.training.distributed.timeout_s = 5;
    save_project(p, root / "p.json");
    Ranks ranks = start_ranks(root / "p.json", root / "runs", "h", 2);
    const auto run = root / "runs" / "h";
    QTRY_VERIFY_WITH_TIMEOUT(std::filesystem::exists(run / "metrics.jsonl") && step_losses(run).size() >= 5, 120000);
    const auto hung = static_cast<pid_t>(ranks.processes[1]->processId());
    ::kill(hung, SIGSTOP);
    QElapsedTimer clock;
    clock.start();
    const bool stopped = ranks.processes[0]->waitForFinished(60000);
    const qint64 waited = clock.elapsed();
    ::kill(hung, SIGKILL);
    ::kill(hung, SIGCONT);
    QVERIFY(ranks.processes[1]->waitForFinished(10000));
    QVERIFY2(stopped, "rank 0 waited for the hung rank for over a minute");
    QVERIFY2(waited < 30000, qPrintable(QStringLiteral("rank 0 took %1 ms to give up").arg(waited)));
    QCOMPARE(ranks.processes[0]->exitCode(), 1);
    const QString said = ranks.output(0);
    QVERIFY2(said.contains("rank 1"), qPrintable(said));
  }
};

int main(int argc, char** argv) {
  const int rank_exit = simclr::test::run_rank_mode();
  if (rank_exit >= 0) return rank_exit;
  QCoreApplication app(argc, argv);
  TestDataParallel test;
  return QTest::qExec(&test, argc, argv);
}

#include "test_data_parallel.moc"

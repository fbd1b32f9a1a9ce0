// The background layout job on a real tiny run: a class-balanced subset is stated, never
// silent; the layout and its settings are saved and reopen identically; the same seed gives
// the same layout; cancel and bad settings come back as messages.
#include <QtTest>

#include "app/gui/embedding/embedding_job.h"
#include "engine/train/trainer.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/project_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
using simclr::gui::EmbeddingJob;
using simclr::gui::EmbeddingLayout;
using simclr::gui::LayoutSettings;
namespace fs = std::filesystem;

class TestEmbeddingJob : public QObject {
  Q_OBJECT
  test::TempDir dir_{"gui-embedding-job"};
  QString runDir_;

  static EmbeddingLayout run(EmbeddingJob& job, QSignalSpy& finished) {
    if (finished.isEmpty()) finished.wait(120000);
    return finished.isEmpty() ? EmbeddingLayout{} : finished.takeFirst().first().value<EmbeddingLayout>();
  }

  static LayoutSettings smallTsne() {
    LayoutSettings s;
    s.points = 20;  // of the 40 test images: a class-balanced subset
    s.perplexity = 5;
    s.iterations = 150;
    s.seed = 7;
    return s;
  }

 private Q_SLOTS:
  void initTestCase() { runDir_ = QString::fromStdString(test::train_tiny_run(dir_.path(), 5).string()); }

  void computesStatesAndSavesASubset() {
    EmbeddingJob job;
    QSignalSpy finished(&job, &EmbeddingJob::finished);
    QSignalSpy progress(&job, &EmbeddingJob::progressReported);
    QVERIFY(job.compute(runDir_, smallTsne()));
    QVERIFY(!job.compute(runDir_, smallTsne()));  // one at a time
    const EmbeddingLayout out = run(job, finished);
    QVERIFY2(out.ok, qPrintable(out.error));
    QCOMPARE(out.points.size(), 20);
    QCOMPARE(out.splitSize, qint64(40));
    QVERIFY(out.isSubset());
    QVERIFY2(out.description().contains(QStringLiteral("20 of 40 test points (class-balanced subset)")),
             qPrintable(out.description()));
    QVERIFY(out.description().contains(QStringLiteral("seed 7")));
    QCOMPARE(out.settings, smallTsne());
    QCOMPARE(out.labels.size(), 20);
    QCOMPARE(out.classNames.size(), 10);
    QVERIFY(out.data != nullptr);
    // Class-balanced: 20 points of 10 classes = 2 per class.
    QVector<int> perClass(10, 0);
    for (int l : out.labels) ++perClass[l];
    QCOMPARE(perClass, QVector<int>(10, 2));
    QVERIFY(!progress.isEmpty());
    QVERIFY(out.file.endsWith(QStringLiteral("layouts/tsne-h-test-20-seed7.npy")));
    QVERIFY(QFileInfo::exists(out.file));
    QVERIFY(QFileInfo::exists(out.file.chopped(4) + QStringLiteral(".json")));
    QCOMPARE(gui::savedLayouts(runDir_).size(), 1);

    // Reopened: the same points, settings, indices and labels.
    QVERIFY(job.open(out.file));
    const EmbeddingLayout back = run(job, finished);
    QVERIFY2(back.ok, qPrintable(back.error));
    QCOMPARE(back.settings, out.settings);
    QCOMPARE(back.indices, out.indices);
    QCOMPARE(back.labels, out.labels);
    QCOMPARE(back.classNames, out.classNames);
    QCOMPARE(back.points.size(), out.points.size());
    for (int i = 0; i < out.points.size(); ++i) {  // saved as float32
      QVERIFY(qAbs(back.points[i].x() - out.points[i].x()) <= 1e-5 * (1 + qAbs(out.points[i].x())));
      QVERIFY(qAbs(back.points[i].y() - out.points[i].y()) <= 1e-5 * (1 + qAbs(out.points[i].y())));
    }
    QCOMPARE(back.description(), out.description());

    // Same seed, same layout.
    QVERIFY(job.compute(runDir_, smallTsne()));
    const EmbeddingLayout again = run(job, finished);
    QVERIFY2(again.ok, qPrintable(again.error));
    QCOMPARE(again.points, out.points);
  }

  void pcaOfTheWholeSplit() {
    EmbeddingJob job;
    QSignalSpy finished(&job, &EmbeddingJob::finished);
    LayoutSettings s;
    s.method = QStringLiteral("pca");
    s.features = QStringLiteral("z");
    s.split = QStringLiteral("train");
    s.points = 0;
    QVERIFY(job.compute(runDir_, s));
    const EmbeddingLayout out = run(job, finished);
    QVERIFY2(out.ok, qPrintable(out.error));
    QCOMPARE(out.points.size(), 80);
    QVERIFY(!out.isSubset());
    QVERIFY(out.description().contains(QStringLiteral("(the whole split)")));
    // PCA coordinates are centred: their mean is 0.
    double mx = 0, my = 0;
    for (const QPointF& p : out.points) mx += p.x(), my += p.y();
    QVERIFY(qAbs(mx / 80) < 1e-4 && qAbs(my / 80) < 1e-4);
  }

  // Without labels the points are coloured by seeded k-means clusters of the features, and
  // a reopened layout keeps them.
  void unlabelledRunIsColouredByClusters() {
    const fs::path photos = dir_.path() / "photos-run";
    const QString runDir = QString::fromStdString(test::train_photo_run(photos).string());
    EmbeddingJob job;
    QSignalSpy finished(&job, &EmbeddingJob::finished);
    LayoutSettings s;
    s.method = QStringLiteral("pca");
    s.points = 0;
    QVERIFY(job.compute(runDir, s));
    const EmbeddingLayout out = run(job, finished);
    QVERIFY2(out.ok, qPrintable(out.error));
    QVERIFY(out.clustered);
    QCOMPARE(out.classNames.size(), 8);
    QCOMPARE(out.classNames.first(), QStringLiteral("cluster 1"));
    QCOMPARE(out.points.size(), out.labels.size());
    QSet<int> used(out.labels.begin(), out.labels.end());
    QVERIFY2(used.size() > 1, "one cluster for every point");
    for (int l : out.labels) QVERIFY(l >= 0 && l < 8);

    QVERIFY(job.open(out.file));
    const EmbeddingLayout back = run(job, finished);
    QVERIFY2(back.ok, qPrintable(back.error));
    QVERIFY(back.clustered);
    QCOMPARE(back.labels, out.labels);
    QCOMPARE(back.classNames, out.classNames);
  }

  void badSettingsAndCancelAreMessages() {
    EmbeddingJob job;
    QSignalSpy finished(&job, &EmbeddingJob::finished);
    LayoutSettings s = smallTsne();
    s.perplexity = 30;  // above the 20 points
    QVERIFY(job.compute(runDir_, s));
    EmbeddingLayout out = run(job, finished);
    QVERIFY(!out.ok);
    QVERIFY2(out.error.contains(QStringLiteral("perplexity")), qPrintable(out.error));

    s = smallTsne();
    s.points = 0;
    s.iterations = 100000;
    QSignalSpy progress(&job, &EmbeddingJob::progressReported);
    QVERIFY(job.compute(runDir_, s));
    QTRY_VERIFY(!progress.isEmpty());  // under way: the cancel stops a running job
    job.cancel();
    out = run(job, finished);
    QVERIFY(!out.ok);
    QCOMPARE(out.error, QStringLiteral("cancelled"));

    s.split = QStringLiteral("validation");
    QVERIFY(!s.validate().isEmpty());
  }

  void destroyingWhileRunningCancelsAndWaits() {
    auto* job = new EmbeddingJob;
    LayoutSettings s = smallTsne();
    s.iterations = 100000;
    QVERIFY(job->compute(runDir_, s));
    delete job;
  }
};

QTEST_MAIN(TestEmbeddingJob)
#include "test_embedding_job.moc"

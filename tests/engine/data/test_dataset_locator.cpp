#include <QtTest>

#include <memory>

#include "engine/core/error.h"
#include "engine/data/dataset_locator.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
namespace fs = std::filesystem;

namespace {
// Enough for locate_dataset(): a marker file of the dataset.
void make_marker(const fs::path& dir, const std::string& name) {
  test::write_bytes(dir / (name == "cifar10" ? "data_batch_1.bin" : "train-images-idx3-ubyte.gz"), "x");
}

// Saves an environment variable and puts it back when destroyed.
class EnvGuard {
 public:
  explicit EnvGuard(const char* name) : name_(name), had_(qEnvironmentVariableIsSet(name)), old_(qgetenv(name)) {}
  ~EnvGuard() {
    if (had_)
      qputenv(name_, old_);
    else
      qunsetenv(name_);
  }

 private:
  const char* name_;
  bool had_;
  QByteArray old_;
};
}  // namespace

class TestDatasetLocator : public QObject {
  Q_OBJECT

  std::unique_ptr<test::TempDir> tmp_;
  std::vector<std::unique_ptr<EnvGuard>> env_;

  fs::path xdg_datasets() const { return tmp_->path() / "xdg" / "simclr-workbench" / "datasets"; }

 private Q_SLOTS:
  // Every test starts from a known environment: no SIMCLR_DATA_DIR, XDG in a scratch folder.
  void init() {
    tmp_ = std::make_unique<test::TempDir>("simclr-locator");
    for (const char* v : {"SIMCLR_DATA_DIR", "XDG_DATA_HOME", "XDG_CACHE_HOME", "HOME"})
      env_.push_back(std::make_unique<EnvGuard>(v));
    qunsetenv("SIMCLR_DATA_DIR");
    qputenv("XDG_DATA_HOME", QByteArray::fromStdString((tmp_->path() / "xdg").string()));
  }
  void cleanup() {
    env_.clear();
    tmp_.reset();
  }

  void knownDatasetsAreListed() {
    QCOMPARE(known_datasets(), (std::vector<std::string>{"cifar10", "fashion-mnist", "mnist", "image-folder"}));
  }

  void namesAreCanonicalised_data() {
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("canonical");
    QTest::newRow("cifar10") << "cifar10"
                             << "cifar10";
    QTest::newRow("CIFAR-10") << "CIFAR-10"
                              << "cifar10";
    QTest::newRow("fashion_mnist") << "fashion_mnist"
                                   << "fashion-mnist";
    QTest::newRow("FashionMNIST") << "FashionMNIST"
                                  << "fashion-mnist";
    QTest::newRow("MNIST") << "MNIST"
                           << "mnist";
  }
  void namesAreCanonicalised() {
    QFETCH(QString, input);
    QFETCH(QString, canonical);
    QCOMPARE(QString::fromStdString(canonical_dataset_name(input.toStdString())), canonical);
  }

  void unknownNameIsAConfigError() {
    try {
      locate_dataset("imagenet", "", tmp_->path());
      QFAIL("no ConfigError");
    } catch (const ConfigError& e) {
      QVERIFY(QString(e.what()).contains("imagenet"));
      QVERIFY(QString(e.what()).contains("fashion-mnist"));
    }
  }

  void searchOrderIsConfiguredThenEnvThenXdg() {
    const fs::path configured = tmp_->path() / "configured";
    const fs::path env = tmp_->path() / "env";
    make_marker(configured, "cifar10");
    make_marker(env / "cifar-10-batches-bin", "cifar10");
    make_marker(xdg_datasets() / "cifar-10-batches-bin", "cifar10");
    qputenv("SIMCLR_DATA_DIR", QByteArray::fromStdString(env.string()));

    QCOMPARE(locate_dataset("cifar10", configured.string(), tmp_->path()), configured);
    QCOMPARE(locate_dataset("cifar10", "", tmp_->path()), env / "cifar-10-batches-bin");
    // A configured path without the dataset falls through to the next place.
    QCOMPARE(locate_dataset("cifar10", (tmp_->path() / "nowhere").string(), tmp_->path()),
             env / "cifar-10-batches-bin");
    qunsetenv("SIMCLR_DATA_DIR");
    QCOMPARE(locate_dataset("cifar10", "", tmp_->path()), xdg_datasets() / "cifar-10-batches-bin");
  }

  void searchPathsListEveryPlaceInOrder() {
    qputenv("SIMCLR_DATA_DIR", QByteArray::fromStdString((tmp_->path() / "env").string()));
    const auto paths = dataset_search_paths("fashion-mnist", "conf", tmp_->path() / "project");
    QVERIFY(paths.size() >= 4);
    QCOMPARE(paths.front(), tmp_->path() / "project" / "conf");
    const auto index_of = [&](const fs::path& p) { return std::find(paths.begin(), paths.end(), p) - paths.begin(); };
    QVERIFY(index_of(tmp_->path() / "env") < index_of(xdg_datasets()));
    QVERIFY(index_of(xdg_datasets()) < index_of("/usr/share/datasets/fashion-mnist"));
    QVERIFY(index_of("/usr/share/datasets/fashion-mnist") < static_cast<long>(paths.size()));
    // Only Fashion-MNIST has a system-wide Debian package.
    const auto cifar = dataset_search_paths("cifar10", "", tmp_->path());
    QVERIFY(std::find(cifar.begin(), cifar.end(), fs::path("/usr/share/datasets/fashion-mnist")) == cifar.end());
  }

  void relativeConfiguredPathIsResolvedAgainstBaseDir() {
    const fs::path base = tmp_->path() / "project";
    make_marker(base / "data" / "mnist", "mnist");
    QCOMPARE(locate_dataset("mnist", "data", base), base / "data" / "mnist");
    QCOMPARE(locate_dataset("mnist", "./data/../data/mnist", base), base / "data" / "mnist");
  }

  void acceptsDatasetFolderOrConventionalSubFolder_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("sub");
    QTest::newRow("cifar10 itself") << "cifar10"
                                    << "";
    QTest::newRow("cifar10 sub-folder") << "cifar10"
                                        << "cifar-10-batches-bin";
    QTest::newRow("fashion-mnist itself") << "fashion-mnist"
                                          << "";
    QTest::newRow("fashion-mnist sub-folder") << "fashion-mnist"
                                              << "fashion-mnist";
    QTest::newRow("fashion-mnist torchvision") << "fashion-mnist"
                                               << "FashionMNIST/raw";
    QTest::newRow("mnist sub-folder") << "mnist"
                                      << "mnist";
    QTest::newRow("mnist torchvision") << "mnist"
                                       << "MNIST/raw";
  }
  void acceptsDatasetFolderOrConventionalSubFolder() {
    QFETCH(QString, name);
    QFETCH(QString, sub);
    const fs::path root = tmp_->path() / "root";
    const fs::path expected = sub.isEmpty() ? root : root / sub.toStdString();
    make_marker(expected, name.toStdString());
    QCOMPARE(locate_dataset(name.toStdString(), root.string(), {}), expected);
    qputenv("SIMCLR_DATA_DIR", QByteArray::fromStdString(root.string()));
    QCOMPARE(locate_dataset(name.toStdString(), "", {}), expected);
  }

  void notFoundListsEveryPlaceAndTheDownloadHint() {
    const fs::path configured = tmp_->path() / "configured";
    const fs::path env = tmp_->path() / "env";
    qputenv("SIMCLR_DATA_DIR", QByteArray::fromStdString(env.string()));
    try {
      locate_dataset("cifar10", configured.string(), {});
      QFAIL("no DataError");
    } catch (const DataError& e) {
      const QString m = QString::fromStdString(e.what());
      QVERIFY2(m.contains(QString::fromStdString(configured.string())), qPrintable(m));
      QVERIFY2(m.contains(QString::fromStdString((env / "cifar-10-batches-bin").string())), qPrintable(m));
      QVERIFY2(m.contains(QString::fromStdString(xdg_datasets().string())), qPrintable(m));
      QVERIFY2(m.contains("simclr-cli dataset download cifar10"), qPrintable(m));
      QVERIFY2(!m.contains('\n'), "one-line message");
    }
  }

  void defaultDirsFollowXdg() {
    QCOMPARE(default_download_dir(), xdg_datasets());
    qunsetenv("XDG_DATA_HOME");
    qputenv("HOME", QByteArray::fromStdString((tmp_->path() / "home").string()));
    QCOMPARE(default_download_dir(), tmp_->path() / "home" / ".local/share/simclr-workbench/datasets");
    qputenv("XDG_DATA_HOME", "relative/is/ignored");
    QCOMPARE(default_download_dir(), tmp_->path() / "home" / ".local/share/simclr-workbench/datasets");
    qunsetenv("XDG_CACHE_HOME");
    QCOMPARE(default_cache_dir(), tmp_->path() / "home" / ".cache/simclr-workbench");
    qputenv("XDG_CACHE_HOME", QByteArray::fromStdString((tmp_->path() / "cache").string()));
    QCOMPARE(default_cache_dir(), tmp_->path() / "cache" / "simclr-workbench");
  }

  void findsAndLoadsEachFormat() {
    qputenv("SIMCLR_DATA_DIR", QByteArray::fromStdString(tmp_->path().string()));
    const DatasetSplits cifar_want = test::write_cifar10_folder(tmp_->path() / "cifar-10-batches-bin", 2, 3, 1);
    const DatasetSplits cifar = find_and_load_dataset("CIFAR-10", "", {});
    QCOMPARE(cifar.name, std::string("cifar10"));
    QCOMPARE(cifar.root, tmp_->path() / "cifar-10-batches-bin");
    QVERIFY(torch::equal(cifar.test.images, cifar_want.test.images));

    const DatasetSplits mnist_want = test::write_idx_folder(tmp_->path() / "mnist", 4, 2, false, 2);
    const DatasetSplits mnist = find_and_load_dataset("mnist", "", {});
    QCOMPARE(mnist.name, std::string("mnist"));
    QCOMPARE(mnist.train.class_names, default_class_names("mnist"));
    QVERIFY(torch::equal(mnist.train.images, mnist_want.train.images));
  }
};

QTEST_GUILESS_MAIN(TestDatasetLocator)
#include "test_dataset_locator.moc"

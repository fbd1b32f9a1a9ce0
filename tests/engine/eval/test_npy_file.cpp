#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

#include <fstream>

#include <torch/torch.h>

#include "engine/core/error.h"
#include "engine/eval/npy_file.h"
#include "tests/support/dataset_fixtures.h"
#include "tests/support/temp_dir.h"

using namespace simclr;
namespace fs = std::filesystem;

namespace {

// A python3 that can import numpy: the one on PATH, else Debian's (python3-numpy), which a
// pyenv shim on PATH may hide. Empty when there is none.
QString python_with_numpy() {
  for (const QString& exe : {QStringLiteral("python3"), QStringLiteral("/usr/bin/python3")}) {
    QProcess p;
    p.start(exe, {"-c", "import numpy"});
    if (p.waitForFinished(60000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0) return exe;
  }
  return {};
}

// Runs a Python snippet and returns its stdout; fails the test on an error.
QByteArray run_python(const QString& python, const QString& code) {
  QProcess p;
  p.start(python, {"-c", code});
  if (!p.waitForFinished(60000) || p.exitCode() != 0)
    qWarning("python failed: %s", p.readAllStandardError().constData());
  return p.exitCode() == 0 ? p.readAllStandardOutput() : QByteArray();
}

std::vector<torch::Tensor> sample_tensors() {
  torch::manual_seed(1);
  return {
      torch::randn({5, 7}),                                              // float32 2-D
      torch::randn({3, 2, 4}, torch::kDouble),                           // float64 3-D
      torch::tensor({int64_t{-3}, int64_t{0}, (int64_t{1} << 40) + 3}),  // int64 1-D
      torch::randint(0, 256, {2, 3, 4, 5}, torch::kByte),                // uint8 4-D
      torch::tensor(2.5f).reshape({}),                                   // 0-D
      torch::zeros({0, 3}),                                              // empty
      torch::arange(12, torch::kFloat).reshape({3, 4}).t(),              // non-contiguous
  };
}

}  // namespace

class TestNpyFile : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void roundTrips() {
    test::TempDir dir;
    int i = 0;
    for (const auto& t : sample_tensors()) {
      const fs::path file = dir / ("t" + std::to_string(i++) + ".npy");
      write_npy(file, t);
      const auto back = read_npy(file);
      QCOMPARE(back.scalar_type(), t.scalar_type());
      QCOMPARE(back.sizes().vec(), t.sizes().vec());
      QVERIFY(torch::equal(back, t));
    }
  }

  void headerIsNumpyVersion1PaddedTo64() {
    test::TempDir dir;
    write_npy(dir / "a.npy", torch::zeros({3, 4}));
    std::ifstream in(dir / "a.npy", std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    QCOMPARE(bytes.substr(0, 6), std::string("\x93NUMPY"));
    QCOMPARE(int(bytes[6]), 1);
    QCOMPARE(int(bytes[7]), 0);
    const size_t header_len = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
    QCOMPARE((10 + header_len) % 64, size_t{0});
    QCOMPARE(bytes[10 + header_len - 1], '\n');
    QCOMPARE(bytes.size(), 10 + header_len + 3 * 4 * 4);
    QVERIFY(bytes.find("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }") == 10);
    QCOMPARE(npy_header_dict(torch::zeros({7}, torch::kLong)),
             std::string("{'descr': '<i8', 'fortran_order': False, 'shape': (7,), }"));
    QCOMPARE(npy_header_dict(torch::zeros({}, torch::kByte)),
             std::string("{'descr': '|u1', 'fortran_order': False, 'shape': (), }"));
  }

  void numpyReadsWhatWeWrite() {
    const QString python = python_with_numpy();
    if (python.isEmpty()) QSKIP("python3 with numpy not found (install python3-numpy): cross-check skipped");
    test::TempDir dir;
    const auto tensors = sample_tensors();
    const char* dtypes[] = {"<f4", "<f8", "<i8", "|u1", "<f4", "<f4", "<f4"};
    for (size_t i = 0; i < tensors.size(); ++i) {
      const fs::path file = dir / ("t" + std::to_string(i) + ".npy");
      write_npy(file, tensors[i]);
      const QByteArray out =
          run_python(python, QString("import json, numpy; a = numpy.load(r'%1'); "
                                     "print(json.dumps({'dtype': a.dtype.str, 'shape': list(a.shape), "
                                     "'c': bool(a.flags.c_contiguous), 'values': a.ravel().tolist()}))")
                                 .arg(QString::fromStdString(file.string())));
      const QJsonObject o = QJsonDocument::fromJson(out).object();
      QVERIFY2(!o.isEmpty(), out.constData());
      QCOMPARE(o["dtype"].toString(), QString(dtypes[i]));
      QJsonArray shape;
      for (int64_t s : tensors[i].sizes()) shape.append(qint64(s));
      QCOMPARE(o["shape"].toArray(), shape);
      const auto flat = tensors[i].contiguous().reshape({-1}).to(torch::kDouble);
      const QJsonArray values = o["values"].toArray();
      QCOMPARE(values.size(), qsizetype(flat.numel()));
      for (int64_t j = 0; j < flat.numel(); ++j) QCOMPARE(values[j].toDouble(), flat[j].item<double>());
    }
  }

  void weReadWhatNumpyWrites() {
    const QString python = python_with_numpy();
    if (python.isEmpty()) QSKIP("python3 with numpy not found (install python3-numpy): cross-check skipped");
    test::TempDir dir;
    const QString d = QString::fromStdString(dir.path().string());
    run_python(python, QString("import numpy as np; d = r'%1'; "
                               "np.save(d + '/f.npy', np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 8); "
                               "np.save(d + '/i.npy', np.array([[1, -2], [3, 1 << 40]], dtype=np.int64)); "
                               "np.save(d + '/u.npy', np.arange(250, 256, dtype=np.uint8)); "
                               "np.save(d + '/b.npy', np.array([True, False, True]))")
                           .arg(d));
    QVERIFY(torch::equal(read_npy(dir / "f.npy"), torch::arange(24, torch::kFloat).reshape({2, 3, 4}) / 8));
    QVERIFY(torch::equal(read_npy(dir / "i.npy"),
                         torch::tensor({int64_t{1}, int64_t{-2}, int64_t{3}, int64_t{1} << 40}).reshape({2, 2})));
    QVERIFY(torch::equal(read_npy(dir / "u.npy"), torch::arange(250, 256, torch::kLong).to(torch::kByte)));
    QVERIFY(torch::equal(read_npy(dir / "b.npy"), torch::tensor({true, false, true})));
  }

  void badFilesAndDtypesAreRejected() {
    test::TempDir dir;
    QVERIFY_THROWS_EXCEPTION(ConfigError, write_npy(dir / "h.npy", torch::zeros({2}, torch::kHalf)));
    QVERIFY_THROWS_EXCEPTION(DataError, read_npy(dir / "missing.npy"));
    test::write_bytes(dir / "bad.npy", "not numpy at all");
    QVERIFY_THROWS_EXCEPTION(DataError, read_npy(dir / "bad.npy"));
    write_npy(dir / "ok.npy", torch::ones({4, 4}));
    std::ifstream in(dir / "ok.npy", std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    test::write_bytes(dir / "short.npy", bytes.substr(0, bytes.size() - 4));
    QVERIFY_THROWS_EXCEPTION(DataError, read_npy(dir / "short.npy"));
    auto fortran = bytes;
    fortran.replace(fortran.find("False"), 5, "True ");
    test::write_bytes(dir / "fortran.npy", fortran);
    QVERIFY_THROWS_EXCEPTION(DataError, read_npy(dir / "fortran.npy"));
    auto complex = bytes;
    complex.replace(complex.find("<f4"), 3, "<c8");
    test::write_bytes(dir / "complex.npy", complex);
    QVERIFY_THROWS_EXCEPTION(DataError, read_npy(dir / "complex.npy"));
  }
};

QTEST_GUILESS_MAIN(TestNpyFile)
#include "test_npy_file.moc"

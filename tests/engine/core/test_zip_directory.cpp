// zip_directory_damage and pickle_damage: the guards in front of LibTorch's zip reader and
// unpickler. Archives written by LibTorch itself pass; each kind of damage is named.
#include <QtTest>

#include <c10/core/Device.h>
#include <torch/serialize.h>
#include <torch/torch.h>

#include "engine/core/pickle_check.h"
#include "engine/core/zip_directory.h"

using namespace simclr;

namespace {
std::string torch_save_bytes() {
  c10::Dict<std::string, at::Tensor> tensors;
  tensors.insert("a", torch::arange(3, torch::kFloat));
  tensors.insert("b", torch::ones({2, 2}));
  const std::vector<char> bytes = torch::pickle_save(c10::IValue(tensors));
  return std::string(bytes.begin(), bytes.end());
}

void put32(std::string& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<char>(v >> (8 * i) & 0xff);
}
}  // namespace

class TestZipDirectory : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void libtorchArchivesPass() {
    QCOMPARE(QString::fromStdString(zip_directory_damage(torch_save_bytes())), QString());
    std::ostringstream out;
    torch::serialize::OutputArchive archive;
    archive.write("x", torch::ones({3}));
    archive.save_to(out);
    QCOMPARE(QString::fromStdString(zip_directory_damage(out.str())), QString());
  }

  void damageIsNamed_data() {
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("expected");
    QTest::newRow("cut short") << 0 << "no zip directory at its end";
    QTest::newRow("directory offset past the end") << 1 << "lies outside";
    QTest::newRow("record header moved") << 2 << "no record header";
    QTest::newRow("pickle changed, CRC not") << 3 << "do not match their CRC";
  }
  void damageIsNamed() {
    QFETCH(int, kind);
    QFETCH(QString, expected);
    std::string b = torch_save_bytes();
    const size_t eocd = b.rfind(std::string("PK\x05\x06", 4));
    const size_t cd = b.find(std::string("PK\x01\x02", 4));
    if (kind == 0) b.resize(b.size() - 10);
    if (kind == 1) put32(b, eocd + 16, static_cast<uint32_t>(b.size()));
    if (kind == 2) put32(b, cd + 42, 7);
    if (kind == 3) b[b.find("\x80\x02", b.find("data.pkl")) + 2] = 'z';  // the first opcode after PROTO
    const QString why = QString::fromStdString(zip_directory_damage(b));
    QVERIFY2(why.contains(expected), qPrintable(why));
  }

  void pickles_data() {
    QTest::addColumn<QByteArray>("pickle");
    QTest::addColumn<QString>("expected");  // empty: accepted
    QTest::newRow("dict") << QByteArray(
                                 "\x80\x02}q\x00(X\x01\x00\x00\x00"
                                 "aK\x01u.",
                                 16)
                          << "";
    QTest::newRow("no STOP") << QByteArray("\x80\x02}", 3) << "no STOP";
    QTest::newRow("SETITEMS without MARK") << QByteArray("\x80\x02}K\x01K\x02u.", 10) << "SETITEMS";
    QTest::newRow("SETITEMS odd") << QByteArray("\x80\x02}(K\x01u.", 8) << "SETITEMS";
    QTest::newRow("APPEND on empty") << QByteArray(
                                            "\x80\x02K\x01"
                                            "a.",
                                            6)
                                     << "APPEND";
    QTest::newRow("memo far ahead") << QByteArray("\x80\x02Nr\xff\xff\xff\x7f.", 10) << "memo index";
    QTest::newRow("memo never set") << QByteArray("\x80\x02h\x05.", 5) << "never set";
    QTest::newRow("string past the end") << QByteArray(
                                                "\x80\x02X\xff\x00\x00\x00"
                                                "ab.",
                                                10)
                                         << "longer than";
    QTest::newRow("global not a name") << QByteArray(
                                              "\x80\x02"
                                              "ca[b\nc\n.",
                                              10)
                                       << "not a Python name";
    QTest::newRow("type tag") << QByteArray(
                                     "\x80\x02"
                                     "ctorch.jit._pickle\nrestore_type_tag\n}X\x07\x00\x00\x00List[x]\x86R.",
                                     54)
                              << "type tag";
    QTest::newRow("good type tag") << QByteArray(
                                          "\x80\x02"
                                          "ctorch.jit._pickle\nrestore_type_tag\n}X\x11\x00\x00\x00"
                                          "Dict[str, Tensor]\x86R.",
                                          64)
                                   << "";
    QTest::newRow("two values left") << QByteArray("\x80\x02NN.", 5) << "values left";
  }
  void pickles() {
    QFETCH(QByteArray, pickle);
    QFETCH(QString, expected);
    const QString why = QString::fromStdString(pickle_damage(pickle.toStdString()));
    if (expected.isEmpty())
      QCOMPARE(why, QString());
    else
      QVERIFY2(why.contains(expected), qPrintable(why));
  }
};

QTEST_GUILESS_MAIN(TestZipDirectory)
#include "test_zip_directory.moc"

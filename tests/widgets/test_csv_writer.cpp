#include <QtTest>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <cmath>
#include <limits>

#include "widgets/csv_writer.h"

using simclr::widgets::CsvWriter;

// A strict RFC 4180 reader, independent of the writer: records of fields, a quoted field
// may hold commas, line breaks and doubled quotes. Returns false on malformed input.
static bool parseCsv(const QString& text, QList<QStringList>* records) {
  records->clear();
  QStringList record;
  QString field;
  bool quoted = false, fieldStarted = false;
  for (qsizetype i = 0; i < text.size(); ++i) {
    const QChar c = text[i];
    if (quoted) {
      if (c != QLatin1Char('"')) {
        field += c;
      } else if (i + 1 < text.size() && text[i + 1] == QLatin1Char('"')) {
        field += c;
        ++i;
      } else {
        quoted = false;
        if (i + 1 < text.size() && text[i + 1] != QLatin1Char(',') && text[i + 1] != QLatin1Char('\n')) return false;
      }
    } else if (c == QLatin1Char('"')) {
      if (fieldStarted) return false;  // a quote inside an unquoted field
      quoted = fieldStarted = true;
    } else if (c == QLatin1Char(',')) {
      record << field;
      field.clear();
      fieldStarted = false;
    } else if (c == QLatin1Char('\n')) {
      record << field;
      *records << record;
      record.clear();
      field.clear();
      fieldStarted = false;
    } else if (c == QLatin1Char('\r')) {
      return false;  // a bare CR outside quotes: the writer ends records with LF only
    } else {
      field += c;
      fieldStarted = true;
    }
  }
  return !quoted && !fieldStarted && field.isEmpty() && record.isEmpty();  // ends with a record
}

class TestCsvWriter : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void quoted_data() {
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("expected");
    QTest::newRow("plain") << QStringLiteral("run-A") << QStringLiteral("run-A");
    QTest::newRow("empty") << QString() << QString();
    QTest::newRow("spaces stay bare") << QStringLiteral(" a b ") << QStringLiteral(" a b ");
    QTest::newRow("comma") << QStringLiteral("t-SNE, 2-D") << QStringLiteral("\"t-SNE, 2-D\"");
    QTest::newRow("quote") << QStringLiteral("run \"B\"") << QStringLiteral("\"run \"\"B\"\"\"");
    QTest::newRow("only a quote") << QStringLiteral("\"") << QStringLiteral("\"\"\"\"");
    QTest::newRow("newline") << QStringLiteral("two\nlines") << QStringLiteral("\"two\nlines\"");
    QTest::newRow("carriage return") << QStringLiteral("a\rb") << QStringLiteral("\"a\rb\"");
    QTest::newRow("crlf") << QStringLiteral("a\r\nb") << QStringLiteral("\"a\r\nb\"");
    QTest::newRow("all of them") << QStringLiteral("a,\"b\"\nc") << QStringLiteral("\"a,\"\"b\"\"\nc\"");
    QTest::newRow("non-ASCII") << QStringLiteral("chien \u00e9t\u00e9") << QStringLiteral("chien \u00e9t\u00e9");
  }
  void quoted() {
    QFETCH(QString, field);
    QFETCH(QString, expected);
    QCOMPARE(CsvWriter::quoted(field), expected);
  }

  void records() {
    CsvWriter csv;
    csv.record({QStringLiteral("series"), QStringLiteral("value")});
    csv.field(QStringLiteral("a,b")).number(0.5).endRecord();
    csv.field(QString()).field(QString()).endRecord();  // two empty fields: one comma
    QCOMPARE(csv.text(), QStringLiteral("series,value\n\"a,b\",0.5\n,\n"));
  }

  void oneEmptyFieldIsNotABlankLine() {
    CsvWriter csv;
    csv.field(QStringLiteral("category")).endRecord();
    csv.field(QString()).endRecord();
    csv.number(std::nan("")).endRecord();
    QCOMPARE(csv.text(), QStringLiteral("category\n\"\"\n\"\"\n"));
    QList<QStringList> records;
    QVERIFY(parseCsv(csv.text(), &records));
    QCOMPARE(records.size(), 3);
    QCOMPARE(records[1], QStringList{QString()});
  }

  void emptyRecordList() {
    CsvWriter csv;
    QCOMPARE(csv.text(), QString());
    csv.record({QStringLiteral("category")});
    QCOMPARE(csv.text(), QStringLiteral("category\n"));
  }

  void numbers_data() {
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("expected");
    QTest::newRow("integer valued") << 2.0 << QStringLiteral("2");
    QTest::newRow("zero") << 0.0 << QStringLiteral("0");
    QTest::newRow("negative") << -1.5 << QStringLiteral("-1.5");
    QTest::newRow("a tenth") << 0.1 << QStringLiteral("0.1");
    QTest::newRow("NaN is empty") << std::numeric_limits<double>::quiet_NaN() << QString();
  }
  void numbers() {
    QFETCH(double, value);
    QFETCH(QString, expected);
    QCOMPARE(CsvWriter::formatNumber(value), expected);
    CsvWriter csv;
    csv.field(QStringLiteral("x")).number(value).endRecord();
    QCOMPARE(csv.text(), QStringLiteral("x,") + expected + QLatin1Char('\n'));
  }

  void numbersReadBackExactly() {
    for (double v : {1.0 / 3.0, 3.3333333333333335, 1e-300, 6.02214076e23, -0.0001234, 123456789.125}) {
      bool ok = false;
      QCOMPARE(CsvWriter::formatNumber(v).toDouble(&ok), v);
      QVERIFY(ok);
    }
  }

  void integers() {
    CsvWriter csv;
    csv.integer(0).integer(-7).integer(1000000).integer(std::numeric_limits<qint64>::max()).endRecord();
    QCOMPARE(csv.text(), QStringLiteral("0,-7,1000000,9223372036854775807\n"));
  }

  void roundTripsThroughAReader() {
    const QList<QStringList> table = {
        {QStringLiteral("name"), QStringLiteral("note")},
        {QStringLiteral("run \"B\", v2"), QStringLiteral("line one\nline two")},
        {QString(), QStringLiteral("a\r\nb")},
        {QStringLiteral(","), QStringLiteral("\"\"")},
    };
    CsvWriter csv;
    for (const QStringList& row : table) csv.record(row);
    QList<QStringList> read;
    QVERIFY2(parseCsv(csv.text(), &read), qPrintable(csv.text()));
    QCOMPARE(read, table);
  }

  void saveWritesUtf8Atomically() {
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("table.csv"));
    CsvWriter csv;
    csv.record({QStringLiteral("class"), QStringLiteral("n")});
    csv.field(QStringLiteral("ch\u00e8vre")).integer(3).endRecord();
    QString error;
    QVERIFY2(csv.save(file, &error), qPrintable(error));
    QFile in(file);
    QVERIFY(in.open(QIODevice::ReadOnly));
    QCOMPARE(in.readAll(), QByteArray("class,n\nch\xc3\xa8vre,3\n"));
    // Only the target file: the atomic writer left no temporary behind.
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("table.csv")});
  }

  void saveReportsTheFile() {
    CsvWriter csv;
    csv.record({QStringLiteral("a")});
    QString error;
    QVERIFY(!csv.save(QStringLiteral("/nonexistent-simclr-dir/sub/t.csv"), &error));
    QVERIFY2(error.contains(QStringLiteral("Cannot write")), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("nonexistent-simclr-dir")), qPrintable(error));
    QVERIFY(!csv.save(QStringLiteral("/nonexistent-simclr-dir/sub/t.csv")));  // no error wanted: no crash
  }
};

QTEST_GUILESS_MAIN(TestCsvWriter)
#include "test_csv_writer.moc"

#pragma once

// The one CSV writer of simclr_widgets: every table a widget exports (MetricChart,
// EmbeddingScatter, AccuracyBarChart, SweepChart) is written through it. Internal to
// simclr_widgets; consumers use the widgets' own export functions.

#include <QCoreApplication>
#include <QString>
#include <QStringList>

namespace simclr::widgets {

// Builds comma-separated text one record at a time, quoting as RFC 4180 does:
//
//   CsvWriter csv;
//   csv.record({QStringLiteral("series"), QStringLiteral("value")});
//   csv.field(name).number(0.5).endRecord();
//   csv.save(file, &error);
//
// A field is quoted only when it holds a comma, a double quote or a line break (CR or LF);
// a double quote inside it is doubled. A record that is one empty field is written as ""
// so that it does not read back as a blank line. Records end in "\n" rather than RFC 4180's
// "\r\n": every CSV reader accepts it and the files diff cleanly.
class CsvWriter {
  Q_DECLARE_TR_FUNCTIONS(CsvWriter)

 public:
  // Appends a text field, quoted when needed.
  CsvWriter& field(const QString& text);
  // Appends the shortest text that reads back as the same double; an empty field for NaN
  // (a value not measured).
  CsvWriter& number(double value);
  // Appends an integer in decimal (never in exponent notation).
  CsvWriter& integer(qint64 value);
  // Ends the current record.
  CsvWriter& endRecord();
  // Appends a whole record of text fields and ends it.
  CsvWriter& record(const QStringList& fields);

  // The text written so far.
  const QString& text() const { return text_; }

  // Writes text() as UTF-8 to `file` through a QSaveFile, so a failed write never leaves a
  // truncated file or destroys an older one. On failure returns false and, when given, sets
  // *error to a message naming the file.
  bool save(const QString& file, QString* error = nullptr) const;

  // One field as it stands in the file: `text` itself, or quoted when it needs to be.
  static QString quoted(const QString& text);
  // The text number() writes for `value`.
  static QString formatNumber(double value);

 private:
  void separate();

  QString text_;
  qsizetype recordStart_ = 0;  // where the current record begins in text_
  int fieldsInRecord_ = 0;
};

}  // namespace simclr::widgets

#include "widgets/csv_writer.h"

#include <QDir>
#include <QLocale>
#include <QSaveFile>

#include <cmath>

namespace simclr::widgets {

QString CsvWriter::quoted(const QString& text) {
  if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) && !text.contains(QLatin1Char('\n')) &&
      !text.contains(QLatin1Char('\r')))
    return text;
  QString escaped = text;
  escaped.replace(QLatin1String("\""), QLatin1String("\"\""));
  return QLatin1Char('"') + escaped + QLatin1Char('"');
}

QString CsvWriter::formatNumber(double value) {
  if (std::isnan(value)) return {};
  return QString::number(value, 'g', QLocale::FloatingPointShortest);
}

void CsvWriter::separate() {
  if (fieldsInRecord_ > 0) text_ += QLatin1Char(',');
  ++fieldsInRecord_;
}

CsvWriter& CsvWriter::field(const QString& text) {
  separate();
  text_ += quoted(text);
  return *this;
}

CsvWriter& CsvWriter::number(double value) {
  separate();
  text_ += formatNumber(value);
  return *this;
}

CsvWriter& CsvWriter::integer(qint64 value) {
  separate();
  text_ += QString::number(value);
  return *this;
}

CsvWriter& CsvWriter::endRecord() {
  // One empty field would otherwise be a blank line, which readers skip.
  if (fieldsInRecord_ == 1 && text_.size() == recordStart_) text_ += QLatin1String("\"\"");
  text_ += QLatin1Char('\n');
  recordStart_ = text_.size();
  fieldsInRecord_ = 0;
  return *this;
}

CsvWriter& CsvWriter::record(const QStringList& fields) {
  for (const QString& f : fields) field(f);
  return endRecord();
}

bool CsvWriter::save(const QString& file, QString* error) const {
  QSaveFile out(file);
  const QByteArray bytes = text_.toUtf8();
  if (out.open(QIODevice::WriteOnly) && out.write(bytes) == bytes.size() && out.commit()) return true;
  if (error) *error = tr("Cannot write \"%1\": %2").arg(QDir::toNativeSeparators(file), out.errorString());
  return false;
}

}  // namespace simclr::widgets

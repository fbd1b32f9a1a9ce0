#include "app/gui/results/result_files.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

#include "engine/core/error.h"
#include "engine/project/run_summary.h"

namespace simclr::gui {
namespace {

const double kNaN = std::nan("");

[[noreturn]] void fail(const QString& message) {
  throw DataError(message.toStdString());
}

QString readText(const QString& file) {
  QFile f(file);
  if (!f.open(QIODevice::ReadOnly))
    fail(QStringLiteral("%1: cannot read: %2").arg(QDir::toNativeSeparators(file), f.errorString()));
  return QString::fromUtf8(f.readAll());
}

// Column positions by name; required ones must be there.
class Columns {
 public:
  Columns(const QStringList& header, const QString& file) : header_(header), file_(file) {}
  int require(const QString& name) const {
    const int i = int(header_.indexOf(name));
    if (i < 0)
      fail(QStringLiteral("%1: no column \"%2\" in the header (%3)")
               .arg(QDir::toNativeSeparators(file_), name, header_.join(QLatin1Char(','))));
    return i;
  }
  int optional(const QString& name) const { return int(header_.indexOf(name)); }

 private:
  QStringList header_;
  QString file_;
};

// A record's field as a number: NaN when empty or the column is absent; DataError naming
// line and column when it is not a number.
double number(const QStringList& record, int column, const QString& name, int line, const QString& file) {
  if (column < 0 || column >= record.size()) return kNaN;
  const QString text = record[column].trimmed();
  if (text.isEmpty()) return kNaN;
  bool ok = false;
  const double v = text.toDouble(&ok);
  if (!ok)
    fail(QStringLiteral("%1, line %2: column \"%3\" is \"%4\", not a number")
             .arg(QDir::toNativeSeparators(file))
             .arg(line)
             .arg(name, text));
  return v;
}

qint64 integer(double v) {
  return std::isnan(v) ? 0 : qint64(std::llround(v));
}

QString text(const QStringList& record, int column) {
  return column >= 0 && column < record.size() ? record[column] : QString();
}

void checkWidth(const QStringList& record, const QStringList& header, int line, const QString& file) {
  if (record.size() != header.size())
    fail(QStringLiteral("%1, line %2: %3 fields where the header has %4")
             .arg(QDir::toNativeSeparators(file))
             .arg(line)
             .arg(record.size())
             .arg(header.size()));
}

QJsonObject readJsonObject(const QString& file) {
  QFile f(file);
  if (!f.open(QIODevice::ReadOnly)) return {};
  return QJsonDocument::fromJson(f.readAll()).object();
}

}  // namespace

QVector<QStringList> parseCsv(const QString& text, const QString& file) {
  QVector<QStringList> records;
  QStringList record;
  QString field;
  bool quoted = false, fieldStarted = false;
  int line = 1, quoteLine = 0;
  auto endRecord = [&] {
    if (fieldStarted || !record.isEmpty()) {
      record << field;
      records << record;
    }
    record.clear();
    field.clear();
    fieldStarted = false;
  };
  for (int i = 0; i < text.size(); ++i) {
    const QChar c = text[i];
    if (quoted) {
      if (c == QLatin1Char('"')) {
        if (i + 1 < text.size() && text[i + 1] == QLatin1Char('"')) {
          field += c;
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == QLatin1Char('\n')) ++line;
        field += c;
      }
    } else if (c == QLatin1Char('"')) {
      quoted = true;
      fieldStarted = true;
      quoteLine = line;
    } else if (c == QLatin1Char(',')) {
      record << field;
      field.clear();
      fieldStarted = true;
    } else if (c == QLatin1Char('\n')) {
      endRecord();
      ++line;
    } else if (c != QLatin1Char('\r')) {
      field += c;
      fieldStarted = true;
    }
  }
  if (quoted)
    fail(QStringLiteral("%1, line %2: a quoted field is never closed")
             .arg(QDir::toNativeSeparators(file))
             .arg(quoteLine));
  endRecord();
  return records;
}

QString newestEvaluationFile(const QString& runDir, const QString& prefix, const QString& suffix) {
  const QDir dir(QDir(runDir).filePath(QStringLiteral("evaluation")));
  QString best;
  qint64 bestStep = -1;
  for (const QString& name : dir.entryList({prefix + QStringLiteral("*") + suffix}, QDir::Files)) {
    bool ok = false;
    const qint64 step = name.mid(prefix.size(), name.size() - prefix.size() - suffix.size()).toLongLong(&ok);
    if (ok && step > bestStep) {
      bestStep = step;
      best = dir.filePath(name);
    }
  }
  return best;
}

Figure10Table readFigure10Csv(const QString& file) {
  const QVector<QStringList> records = parseCsv(readText(file), file);
  if (records.isEmpty()) fail(QStringLiteral("%1: the file is empty").arg(QDir::toNativeSeparators(file)));
  const QStringList& header = records.first();
  const Columns columns(header, file);
  const int representation = columns.require(QStringLiteral("representation"));
  const int label = columns.require(QStringLiteral("label"));
  const int trainSize = columns.require(QStringLiteral("train_size"));
  const int testSize = columns.require(QStringLiteral("test_size"));
  const int testTop1 = columns.require(QStringLiteral("test_top1"));
  const int trainTop1 = columns.optional(QStringLiteral("train_top1"));
  const int paper = columns.optional(QStringLiteral("paper_test_top1"));
  const int inputDim = columns.optional(QStringLiteral("input_dim"));
  const int step = columns.optional(QStringLiteral("step"));

  Figure10Table table;
  table.file = file;
  for (int r = 1; r < records.size(); ++r) {
    const QStringList& rec = records[r];
    const int line = r + 1;
    checkWidth(rec, header, line, file);
    Figure10Row row;
    row.representation = text(rec, representation);
    row.label = text(rec, label);
    if (row.label.isEmpty()) row.label = row.representation;
    row.inputDim = integer(number(rec, inputDim, QStringLiteral("input_dim"), line, file));
    row.trainSize = integer(number(rec, trainSize, QStringLiteral("train_size"), line, file));
    row.testSize = integer(number(rec, testSize, QStringLiteral("test_size"), line, file));
    row.trainTop1 = number(rec, trainTop1, QStringLiteral("train_top1"), line, file);
    row.testTop1 = number(rec, testTop1, QStringLiteral("test_top1"), line, file);
    if (std::isnan(row.testTop1))
      fail(QStringLiteral("%1, line %2: column \"test_top1\" is empty").arg(QDir::toNativeSeparators(file)).arg(line));
    row.paperTestTop1 = number(rec, paper, QStringLiteral("paper_test_top1"), line, file);
    const double s = number(rec, step, QStringLiteral("step"), line, file);
    if (!std::isnan(s)) table.step = integer(s);
    table.rows << row;
  }
  if (table.rows.isEmpty()) fail(QStringLiteral("%1: no results below the header").arg(QDir::toNativeSeparators(file)));
  return table;
}

SweepRow::SweepRow()
    : learningRate(kNaN),
      finalLoss(kNaN),
      knnTop1(kNaN),
      linearTop1(kNaN),
      viewsPerSecond(kNaN),
      trainSeconds(kNaN),
      wallSeconds(kNaN) {}

SweepTable readSweepCsv(const QString& file) {
  const QVector<QStringList> records = parseCsv(readText(file), file);
  if (records.isEmpty()) fail(QStringLiteral("%1: the file is empty").arg(QDir::toNativeSeparators(file)));
  SweepTable table;
  table.file = file;
  table.name = QFileInfo(file).absoluteDir().dirName();
  table.header = records.first();
  const Columns columns(table.header, file);
  const int batch = columns.require(QStringLiteral("batch_size"));
  auto column = [&](const char* name) { return columns.optional(QLatin1String(name)); };
  const int lr = column("learning_rate"), epochs = column("epochs"), steps = column("steps"), status = column("status"),
            loss = column("final_loss"), knn = column("knn_top1"), linear = column("linear_top1"),
            vps = column("views_per_second"), train = column("train_seconds"), wall = column("wall_seconds"),
            run = column("run");
  for (int r = 1; r < records.size(); ++r) {
    const QStringList& rec = records[r];
    const int line = r + 1;
    checkWidth(rec, table.header, line, file);
    SweepRow row;
    const double b = number(rec, batch, QStringLiteral("batch_size"), line, file);
    if (std::isnan(b) || b < 1)
      fail(QStringLiteral("%1, line %2: column \"batch_size\" must be a positive number")
               .arg(QDir::toNativeSeparators(file))
               .arg(line));
    row.batchSize = integer(b);
    row.learningRate = number(rec, lr, QStringLiteral("learning_rate"), line, file);
    row.epochs = integer(number(rec, epochs, QStringLiteral("epochs"), line, file));
    row.steps = integer(number(rec, steps, QStringLiteral("steps"), line, file));
    row.status = text(rec, status);
    row.finalLoss = number(rec, loss, QStringLiteral("final_loss"), line, file);
    row.knnTop1 = number(rec, knn, QStringLiteral("knn_top1"), line, file);
    row.linearTop1 = number(rec, linear, QStringLiteral("linear_top1"), line, file);
    row.viewsPerSecond = number(rec, vps, QStringLiteral("views_per_second"), line, file);
    row.trainSeconds = number(rec, train, QStringLiteral("train_seconds"), line, file);
    row.wallSeconds = number(rec, wall, QStringLiteral("wall_seconds"), line, file);
    row.run = text(rec, run);
    row.fields = rec;
    table.rows << row;
  }
  return table;
}

QStringList findSweepFiles(const QString& runsRoot) {
  QStringList files;
  if (runsRoot.isEmpty()) return files;
  const QDir root(runsRoot);
  for (const QString& name : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
    const QString file = root.filePath(name + QStringLiteral("/sweep.csv"));
    if (QFileInfo::exists(file)) files << file;
  }
  return files;
}

EncoderLabel readEncoderLabel(const QString& runDir) {
  const QJsonObject config = readJsonObject(QDir(runDir).filePath(QStringLiteral("config.json")));
  const QJsonObject model = config.value(QStringLiteral("model")).toObject();
  EncoderLabel label;
  label.batchSize = config.value(QStringLiteral("training")).toObject().value(QStringLiteral("batch_size")).toInteger();
  const QString encoder = model.value(QStringLiteral("encoder")).toString();
  if (encoder == QLatin1String("vit")) {
    const QJsonObject vit = model.value(QStringLiteral("vit")).toObject();
    label.isVit = true;
    label.text = QStringLiteral("ViT %1/%2 (patch %3, dim %4)")
                     .arg(vit.value(QStringLiteral("heads")).toInteger())
                     .arg(vit.value(QStringLiteral("layers")).toInteger())
                     .arg(vit.value(QStringLiteral("patch_size")).toInteger())
                     .arg(vit.value(QStringLiteral("dim")).toInteger());
  } else if (encoder.startsWith(QLatin1String("resnet"))) {
    label.text = QStringLiteral("ResNet-%1").arg(encoder.mid(6));
    if (model.contains(QStringLiteral("width")))
      label.text += QStringLiteral(" (width %1)").arg(model.value(QStringLiteral("width")).toInteger());
  } else {
    label.text = encoder.isEmpty() ? QStringLiteral("?") : encoder;
  }
  return label;
}

RunAccuracy readBestRunAccuracy(const QString& runDir) {
  RunAccuracy best;
  const QString finetune = newestEvaluationFile(runDir, QStringLiteral("finetune-step-"), QStringLiteral(".json"));
  if (!finetune.isEmpty()) {
    const QJsonObject doc = readJsonObject(finetune);
    const QJsonValue top1 = doc.value(QStringLiteral("results")).toObject().value(QStringLiteral("test_top1"));
    if (top1.isDouble()) {
      best.valid = true;
      best.top1 = 100 * top1.toDouble();
      best.metric = QObject::tr("fine-tune test top-1");
      best.step = doc.value(QStringLiteral("step")).toInteger();
      return best;
    }
  }
  const RunSummary summary = read_run_summary(RunFolder(runDir.toStdString()));
  if (summary.evaluated_knn_top1) {
    best.valid = true;
    best.top1 = 100 * *summary.evaluated_knn_top1;
    best.metric = QObject::tr("kNN top-1 (full test split)");
    best.step = summary.evaluated_step;
  } else if (summary.knn_top1) {
    best.valid = true;
    best.top1 = 100 * *summary.knn_top1;
    best.metric = QObject::tr("kNN monitor");
    best.step = summary.steps_done;
  }
  return best;
}

}  // namespace simclr::gui

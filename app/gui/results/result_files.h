#pragma once
// The small result files the Results dock charts, read into plain tables: the paper's
// Figure 10 comparison (<run>/evaluation/figure10-step-*.csv), batch-size sweeps
// (<runs>/<sweep>/sweep.csv) and the best accuracy a run has to show (fine-tune, full kNN,
// kNN monitor). Accuracies are in percent here, as the charts draw them. Readers throw
// DataError naming the file, line and column when a file is malformed.
#include <QString>
#include <QStringList>
#include <QVector>

namespace simclr::gui {

// RFC 4180 records: fields separated by commas, quoted fields may hold commas, doubled
// quotes and line breaks. Blank lines are skipped. Throws DataError (naming `file`) on a
// quote left open.
QVector<QStringList> parseCsv(const QString& text, const QString& file = QString());

// The evaluation file with the highest step whose name is <prefix><step><suffix> in
// <runDir>/evaluation ("figure10-step-", ".csv"); empty when there is none.
QString newestEvaluationFile(const QString& runDir, const QString& prefix, const QString& suffix);

struct Figure10Row {
  QString representation;  // raw | h | pca | tsne
  QString label;           // "Raw pixels"
  qint64 inputDim = 0;
  qint64 trainSize = 0, testSize = 0;
  double trainTop1 = 0, testTop1 = 0;  // percent
  double paperTestTop1 = 0;            // percent; NaN when the paper gives none
};

struct Figure10Table {
  QString file;
  qint64 step = -1;  // the checkpoint's step (column "step"), -1 when absent
  QVector<Figure10Row> rows;
};

// Needs the columns representation, label, train_size, test_size, test_top1 (others are
// optional); throws DataError for a missing file, column or a non-number.
Figure10Table readFigure10Csv(const QString& file);

struct SweepRow {
  qint64 batchSize = 0;
  QString status;  // done | skipped-memory | failed | pending
  // NaN where the field is empty (not measured).
  double learningRate, finalLoss, knnTop1, linearTop1, viewsPerSecond, trainSeconds, wallSeconds;
  qint64 epochs = 0, steps = 0;
  QString run;
  QStringList fields;  // the record as written, in header order
  SweepRow();
};

struct SweepTable {
  QString file;
  QString name;        // the sweep folder's name
  QStringList header;  // as written
  QVector<SweepRow> rows;
};

// Needs the column batch_size; the others of the sweep format are read when present.
SweepTable readSweepCsv(const QString& file);

// <runsRoot>/<name>/sweep.csv for every sub-folder that has one, by folder name.
QStringList findSweepFiles(const QString& runsRoot);

// A run's encoder for chart labels, from its config.json: "ViT 6/6 (patch 16, dim 768)"
// (heads/layers) or "ResNet-18 (width 16)". isVit tells which.
struct EncoderLabel {
  QString text;
  bool isVit = false;
  qint64 batchSize = 0;
};
EncoderLabel readEncoderLabel(const QString& runDir);

// The best accuracy a run has to show, in order: the newest fine-tune test top-1, the
// newest full-split kNN top-1, the final kNN monitor. valid is false when it has none.
struct RunAccuracy {
  bool valid = false;
  double top1 = 0;  // percent
  QString metric;   // "fine-tune test top-1", "kNN top-1 (full test split)", "kNN monitor"
  qint64 step = 0;  // the checkpoint it was measured at (0 when unknown)
};
RunAccuracy readBestRunAccuracy(const QString& runDir);

}  // namespace simclr::gui

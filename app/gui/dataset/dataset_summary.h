#pragma once
// What the dataset panel shows about the current project's dataset, computed away from the
// GUI thread: where the dataset is (or where it was looked for), split sizes, class counts
// and a few sample images per class. Plain Qt value types, so it crosses threads by queued
// signal; no Torch here (moc reads this header).
#include <QImage>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVector>

namespace simclr::gui {

// What to look at: the project's dataset settings.
struct DatasetRequest {
  int id = 0;                                     // echoed in the summary, so stale answers can be told apart
  QString name;                                   // dataset.name as written in the project
  QString path;                                   // dataset.path (may be empty or relative)
  QString baseDir;                                // the project's folder, for a relative path
  qint64 trainLimit = 0;                          // dataset.train_limit
  qint64 testLimit = 0;                           // dataset.test_limit
  qint64 imageSize = 0;                           // dataset.image_size (image-folder; 0 = the reader's default)
  QString onUnreadable = QStringLiteral("skip");  // dataset.on_unreadable (image-folder)
  QString labels = QStringLiteral("auto");        // dataset.labels (image-folder)
  double holdoutFraction = 0.1;                   // dataset.holdout_fraction (image-folder)
  int samplesPerClass = 4;                        // an unlabelled set gives 8 times as many, evenly spaced
};

// True when the two requests would load the same data (the id and the sample count aside).
bool sameDatasetSettings(const DatasetRequest& a, const DatasetRequest& b);

struct DatasetSummary {
  enum class State { Found, NotFound, Failed };

  int requestId = 0;
  State state = State::Failed;
  QString name;               // canonical ("cifar10") when known, else as requested
  QString title;              // "CIFAR-10"
  QString folder;             // where it was found
  QStringList searched;       // NotFound: every place tried, in order
  bool downloadable = false;  // NotFound and the engine can download it (CIFAR-10)
  QString error;              // NotFound and Failed: the engine's message

  qint64 trainSize = 0, testSize = 0;
  qint64 trainUsed = 0, testUsed = 0;  // after the project's limits
  int channels = 0, height = 0, width = 0;
  QStringList classNames;                   // empty for an unlabelled image folder
  QVector<qint64> trainCounts, testCounts;  // per class
  QVector<QImage> samples;                  // from the training split, class by class
  QVector<int> sampleLabels;                // -1 without labels
  QStringList sampleFiles;                  // image folders: each sample's file under the folder
  QString heldOut;                          // how the test split was drawn, when it was
  QStringList skippedFiles;                 // image-folder: unreadable files left out, "<path>: <problem>"
  double loadSeconds = 0;
};

// Locates and loads the dataset and summarises it. Blocking (about 0.2 s for CIFAR-10);
// never throws: engine errors become State::NotFound / State::Failed with their message.
DatasetSummary summarizeDataset(const DatasetRequest& request);

// "CIFAR-10", "Fashion-MNIST", "MNIST"; the name itself for others.
QString datasetTitle(const QString& name);

void registerDatasetSummaryTypes();

}  // namespace simclr::gui

Q_DECLARE_METATYPE(simclr::gui::DatasetRequest)
Q_DECLARE_METATYPE(simclr::gui::DatasetSummary)

#pragma once
// The augmentation preview: a few sample images of the project's dataset, each beside the
// two views the trainer would make of it (same pipeline, same view generators, see
// augmentation_views.h), labelled with the branch of Algorithm 1 and the ops each view took.
// It follows the project: editing the augmentation setting (here, in the project editor or
// the JSON view) or the seed updates the views at once. The dataset loads in the background
// (DatasetLoader) and the views are made on a thread of their own (AugmentationViewsRunner):
// 8 CIFAR images take 3-4 ms, but 16 views resized to 224 px about 80 ms on two cores.
// "Open Images…" previews the same views of image files from disk instead (issue #6): they
// are decoded on the views' thread and scaled/centre-cropped to the dataset's image size, as
// an image-folder dataset would be; "Dataset samples" goes back.
#include <memory>

#include <QVector>
#include <QWidget>

#include "app/gui/augmentation/augmentation_views.h"
#include "app/gui/dataset/dataset_summary.h"

class QToolBar;
class QButtonGroup;
class QLabel;
class QPushButton;
class QSpinBox;

namespace simclr::widgets {
class ImageGrid;
}

namespace simclr::gui {

class AugmentationEditor;
class AugmentationViewsRunner;
class DatasetLoader;
class ProjectDocument;

class AugmentationPreview : public QWidget {
  Q_OBJECT
 public:
  explicit AugmentationPreview(ProjectDocument* document, QWidget* parent = nullptr);
  ~AugmentationPreview() override;

  // The seed of the views: the project's training.seed until re-rolled or set.
  quint64 seed() const { return seed_; }
  void setSeed(quint64 seed);
  int sampleCount() const;
  void setSampleCount(int count);
  // Indices into summary().samples of the images shown, in order (dataset samples only).
  const QVector<int>& sampleIndices() const { return picked_; }
  const DatasetSummary& summary() const { return summary_; }
  // Loading the dataset or making views; views() is the last finished set meanwhile.
  bool isBusy() const;
  // What the grid shows: originals, views, their notes (empty until the dataset loaded).
  const AugmentedViews& views() const { return views_; }
  double lastMilliseconds() const { return views_.milliseconds; }  // of the last set, on its thread
  QString messageText() const;  // a dataset, pipeline or file problem; empty when all is well
  // True while opened image files are shown instead of dataset samples.
  bool showingFiles() const { return showFiles_; }
  const QStringList& fileNames() const { return files_.names; }  // of the files shown
  simclr::widgets::ImageGrid* grid() const { return grid_; }
  QLabel* legend() const { return legend_; }
  // Grid cell of an image's original (view -1) or view 0/1; -1 when not shown.
  int gridIndex(int sample, int view) const;

 public Q_SLOTS:
  void reroll();   // a new random seed
  void shuffle();  // other sample images from the dataset
  // Sets augmentation.preset (keeping image_size): "paper" is Algorithm 1.
  void usePreset(const QString& name);
  void openImages();  // asks for image files (multi-select) and shows them
  // Decodes `paths` in the background and shows the ones that decode; each one that does
  // not is named in the message. When none decodes, what was shown stays.
  void openImageFiles(const QStringList& paths);
  void showDatasetSamples();  // back from opened files to the dataset's images

 Q_SIGNALS:
  void viewsChanged();

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  // The constructor's parts.
  QToolBar* makeToolbar();
  void makeMessages();
  QWidget* makeGridAndEditor();
  void onDocumentChanged();
  void onLoaded(const DatasetSummary& summary);
  void pickDefaultSamples();
  void updateViews();
  void onComputed();
  void fillGrid();
  void showMessage(const QString& text);
  void onFilesDecoded();
  void updateSourceButtons();
  int fileImageSize() const;  // the dataset's image size (32 until it loaded)
  int fileChannels() const;   // 1 for a grayscale dataset, else 3
  DatasetRequest currentRequest() const;

  ProjectDocument* document_;
  DatasetLoader* loader_;
  AugmentationViewsRunner* runner_;
  DatasetRequest lastRequest_;
  bool haveRequest_ = false;
  DatasetSummary summary_;
  QVector<int> picked_;
  quint64 seed_ = 0;
  quint64 projectSeed_ = 0;
  nlohmann::json shownSpec_;
  AugmentedViews views_;
  int gridColumns_ = -1;
  QVector<int> cellOf_;  // grid cell of (sample * 3 + 1 + view)
  quint32 shuffles_ = 0;
  // Opened files: what was asked for, what decoded (at which size), and their problems.
  bool showFiles_ = false;
  QStringList openedPaths_;
  DecodedImageFiles files_;
  int filesSize_ = 0, filesChannels_ = 0;
  QString mainMessage_, fileMessage_;

  QButtonGroup* presets_;
  QSpinBox* count_;
  QSpinBox* seedBox_;
  QPushButton* shuffle_;
  QPushButton* openImages_;
  QPushButton* datasetSamples_;
  QLabel* status_;
  QLabel* message_;
  QLabel* legend_;  // shown when a view took a branch of a random choice
  simclr::widgets::ImageGrid* grid_;
  std::unique_ptr<AugmentationEditor> editor_;  // not a QObject: its widgets live in the panel
};

}  // namespace simclr::gui

#pragma once
// The nearest-neighbour browser: a query image and its k nearest neighbours as a grid of
// thumbnails (similarity and label under each, a red frame around those of another class),
// in the backbone features h, the projection z, or both side by side with the label
// agreement of each. Clicking a neighbour (or Enter on it) makes it the next query; Back and
// Forward walk the history, which the browser keeps itself.
//
// It computes nothing: every change (query, split searched, k, features) is emitted as a
// NeighbourRequest, and the owner answers with showResult(); an answer to an older request
// is ignored, so late results never overwrite newer ones. Plain values in (QImage, QString).
//
// Keys: arrows move the current neighbour, Enter follows it, Backspace (or Alt+Left) goes
// back, Alt+Right forward.
#include <QHash>
#include <QImage>
#include <QString>
#include <QVector>
#include <QWidget>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace simclr::widgets {

class ImageGrid;

struct NeighbourRequest {
  QString querySplit;                            // the split of the query image: "train" or "test"
  qint64 index = -1;                             // its row in that split
  QString searchSplit = QStringLiteral("test");  // the split searched for neighbours
  int k = 10;
  QString features = QStringLiteral("h");  // "h", "z" or "both"

  bool operator==(const NeighbourRequest& o) const {
    return querySplit == o.querySplit && index == o.index && searchSplit == o.searchSplit && k == o.k &&
           features == o.features;
  }
  bool operator!=(const NeighbourRequest& o) const { return !(*this == o); }
};

struct NeighbourEntry {
  qint64 index = -1;  // row in the searched split
  QImage image;
  QString label;
  double similarity = 0;  // cosine
  bool sameClass = false;
};

// The neighbours in one feature space.
struct NeighbourList {
  QString features;                    // "h" or "z"
  QVector<NeighbourEntry> neighbours;  // most similar first
  int agreement() const;               // neighbours of the query's class
  double precision() const;            // agreement / k, -1 when empty
};

struct NeighbourResult {
  NeighbourRequest request;  // the request it answers
  QImage queryImage;
  QString queryLabel;
  bool labelled = true;          // false: an unlabelled dataset, similarities only (labels are file names)
  QVector<NeighbourList> lists;  // one, or two (h then z) for "both"
  QString error;                 // shown instead when not empty
};

class NeighbourBrowser : public QWidget {
  Q_OBJECT

 public:
  explicit NeighbourBrowser(QWidget* parent = nullptr);

  // Makes row `index` of `split` the query: a new history entry (the forward history is
  // dropped) and a request. Ignored when it is already the query.
  void openQuery(const QString& split, qint64 index);
  bool back();
  bool forward();
  bool canGoBack() const { return position_ > 0; }
  bool canGoForward() const { return position_ + 1 < history_.size(); }
  // The request for the current query and controls (index -1 before the first query).
  NeighbourRequest currentRequest() const;

  // Returns false (and shows nothing) when `result` answers another request than the
  // current one.
  bool showResult(const NeighbourResult& result);
  const NeighbourResult& result() const { return result_; }
  // The split-mean precision@k for queries of querySplit searched in searchSplit with
  // features "h" or "z"; shown while those are the settings.
  void setMeanPrecision(const QString& querySplit, const QString& searchSplit, const QString& features, int k,
                        double value);
  double meanPrecision(const QString& features) const;  // for the current settings, -1 when unknown
  void clear();                                         // history, result and means (e.g. another run)

  // Controls (each change re-requests the current query).
  void setSearchSplit(const QString& split);
  void setFeatures(const QString& features);
  void setK(int k);

  // Background work: a progress bar (total 0 = busy without a count) and a Cancel button.
  void setBusy(bool busy);
  void setProgress(qint64 step, qint64 total, const QString& stage);
  bool isBusy() const { return busy_; }

  // The neighbour the keys act on, in the side that was used last.
  int currentNeighbour() const;
  int currentSide() const { return side_; }

  ImageGrid* grid(int side) const { return grids_[side]; }
  QLabel* sideLabel(int side) const { return sideLabels_[side]; }
  QLabel* queryCaption() const { return queryCaption_; }
  QLabel* currentCaption() const { return currentCaption_; }
  QPushButton* backButton() const { return back_; }
  QPushButton* forwardButton() const { return forward_; }
  QPushButton* inspectButton() const { return inspect_; }
  QSpinBox* kBox() const { return k_; }
  QComboBox* splitBox() const { return split_; }
  QComboBox* featuresBox() const { return features_; }

 Q_SIGNALS:
  void requested(const simclr::widgets::NeighbourRequest& request);
  void cancelRequested();
  void inspectRequested(const QString& split, qint64 index);  // "Inspect positive pair"

 protected:
  void keyPressEvent(QKeyEvent* event) override;

 private:
  struct Place {
    QString split;
    qint64 index = -1;
  };
  void request();
  void follow(int side, int neighbour);
  void updateSides();
  void updateCurrentCaption();
  void updateButtons();
  static QString meanKey(const QString& querySplit, const QString& searchSplit, const QString& features, int k);

  QVector<Place> history_;
  int position_ = -1;
  NeighbourResult result_;
  QHash<QString, double> means_;
  int side_ = 0;
  bool busy_ = false;
  bool settingControls_ = false;

  QPushButton* back_;
  QPushButton* forward_;
  QComboBox* split_;
  QComboBox* features_;
  QSpinBox* k_;
  QPushButton* inspect_;
  QLabel* queryImage_;
  QLabel* queryCaption_;
  QLabel* currentCaption_;
  QLabel* sideLabels_[2];
  ImageGrid* grids_[2];
  QWidget* sideBoxes_[2];
  QProgressBar* progress_;
  QPushButton* cancel_;
};

}  // namespace simclr::widgets

Q_DECLARE_METATYPE(simclr::widgets::NeighbourRequest)
Q_DECLARE_METATYPE(simclr::widgets::NeighbourResult)

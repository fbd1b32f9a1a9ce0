#pragma once
// The positive-pair inspector: for one image, the two augmented views the trainer would
// make, the cosine similarity of their projections z, the rank of that positive among the
// batch's 2B-2 negatives ("rank 3 of 255": 1 = the positive is the most similar), and the
// hardest negatives as thumbnails (framed orange when they share the query's class: the
// "false negatives" the contrastive loss pushes away anyway).
//
// Like the neighbour browser it computes nothing: inspect() and the controls emit a
// PositivePairRequest, the owner answers with showResult(); answers to older requests are
// ignored. Plain values in.
#include <QImage>
#include <QString>
#include <QVector>
#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace simclr::widgets {

class ImageGrid;

struct PositivePairRequest {
  QString split;  // of the query image
  qint64 index = -1;
  int batchSize = 256;  // B: the query and B-1 other training images
  quint64 seed = 0;     // draws the batch and the views
  int hardest = 8;      // hardest negatives to show

  bool operator==(const PositivePairRequest& o) const {
    return split == o.split && index == o.index && batchSize == o.batchSize && seed == o.seed && hardest == o.hardest;
  }
  bool operator!=(const PositivePairRequest& o) const { return !(*this == o); }
};

struct PositivePairNegative {
  qint64 index = -1;  // training row
  int view = 0;       // which of its two views (0 or 1)
  QImage image;       // that view
  QString label;
  double similarity = 0;
  bool sameClass = false;
};

struct PositivePairResult {
  PositivePairRequest request;
  QString label;      // of the query
  qint64 step = 0;    // checkpoint step
  int batchSize = 0;  // B used (the request's, or fewer when the training split is smaller)
  QImage view1, view2;
  double similarity = 0;
  int rank = 0;                           // 1 = the positive beats every negative
  int candidates = 0;                     // 2B-1: the positive and the 2B-2 negatives
  QVector<PositivePairNegative> hardest;  // most similar first
  QString error;                          // shown instead when not empty
};

class PositivePairView : public QWidget {
  Q_OBJECT

 public:
  explicit PositivePairView(QWidget* parent = nullptr);

  // Inspects row `index` of `split` with the current batch size, seed and count.
  void inspect(const QString& split, qint64 index);
  PositivePairRequest currentRequest() const { return request_; }
  // False (and nothing shown) when it answers another request than the current one.
  bool showResult(const PositivePairResult& result);
  const PositivePairResult& result() const { return result_; }
  void clear();

  void setBusy(bool busy);
  void setProgress(qint64 step, qint64 total, const QString& stage);
  bool isBusy() const { return busy_; }

  QLabel* titleLabel() const { return title_; }
  QLabel* similarityLabel() const { return similarity_; }
  QLabel* rankLabel() const { return rank_; }
  QLabel* viewLabel(int view) const { return views_[view]; }
  ImageGrid* negativesGrid() const { return negatives_; }
  QSpinBox* batchBox() const { return batch_; }
  QSpinBox* seedBox() const { return seed_; }
  QPushButton* redrawButton() const { return redraw_; }

 Q_SIGNALS:
  void requested(const simclr::widgets::PositivePairRequest& request);
  void cancelRequested();
  void negativeActivated(qint64 trainIndex);  // a hardest negative clicked

 private:
  void request();

  PositivePairRequest request_;
  PositivePairResult result_;
  bool busy_ = false;
  QLabel* title_;
  QLabel* views_[2];
  QLabel* similarity_;
  QLabel* rank_;
  QSpinBox* batch_;
  QSpinBox* seed_;
  QSpinBox* count_;
  QPushButton* redraw_;
  ImageGrid* negatives_;
  QProgressBar* progress_;
  QPushButton* cancel_;
};

}  // namespace simclr::widgets

Q_DECLARE_METATYPE(simclr::widgets::PositivePairRequest)
Q_DECLARE_METATYPE(simclr::widgets::PositivePairResult)

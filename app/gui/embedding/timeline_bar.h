#pragma once
// The timeline's controls under the embedding scatter: Compute (or extend) the timeline,
// Play/Pause, a slider over the checkpoints with in-between positions (the scatter
// interpolates), the frame's step and metrics, and a small chart of kNN and kept
// neighbours against step whose cursor follows the slider and which scrubs when clicked,
// and which points' paths to draw (the selected ones, or a class).
#include <QVector>
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QSlider;
class QTimer;

namespace simclr::widgets {
class TimelineChart;
}

namespace simclr::gui {

class TimelineBar : public QWidget {
  Q_OBJECT
 public:
  static constexpr int kSubsteps = 50;             // slider positions per checkpoint
  static constexpr int kTickMs = 40;               // 25 frames per second while playing
  static constexpr double kFramesPerSecond = 1.0;  // checkpoints passed per second of play

  explicit TimelineBar(QWidget* parent = nullptr);

  // The checkpoints' steps (ascending) and per step the kNN top-1 and kept-neighbour share
  // (fractions or NaN). Empty steps: no timeline (the bar says how to get one).
  void setFrames(const QVector<qint64>& steps, const QVector<double>& knn, const QVector<double>& stability);
  void setMetrics(const QVector<double>& knn, const QVector<double>& stability);  // same steps
  int frameCount() const { return int(steps_.size()); }
  // In [0, frames - 1]; fractions lie between two checkpoints.
  double position() const;
  void setPosition(double position);
  void setPlaying(bool playing);
  bool isPlaying() const;
  void setFrameText(const QString& text);
  void setEmptyText(const QString& text);
  void setComputeEnabled(bool enabled);
  // The classes whose paths can be followed (empty: only the selected points).
  void setClasses(const QStringList& names);
  // The class whose paths are drawn, or -1 for the selected points.
  int followedClass() const;

  QPushButton* computeButton() const { return compute_; }
  QPushButton* playButton() const { return play_; }
  QSlider* slider() const { return slider_; }
  QLabel* frameLabel() const { return frameLabel_; }
  QComboBox* followBox() const { return follow_; }
  widgets::TimelineChart* chart() const { return chart_; }

 Q_SIGNALS:
  void computeRequested();
  void positionChanged(double position);
  void followChanged();

 private:
  double stepAt(double position) const;
  double positionOfStep(double step) const;
  void advance();

  QVector<qint64> steps_;
  QPushButton* compute_;
  QPushButton* play_;
  QSlider* slider_;
  QComboBox* follow_;
  QLabel* frameLabel_;
  widgets::TimelineChart* chart_;
  QTimer* timer_;
};

}  // namespace simclr::gui

#pragma once

#include <QColor>
#include <QPoint>
#include <QPointF>
#include <QRect>
#include <QSize>
#include <QString>
#include <QStringList>
#include <QVector>
#include <QWidget>

#include <functional>

class QCustomPlot;
class QCPCurve;
class QCPGraph;
class QLabel;
class QTimer;
class QMouseEvent;
class QWheelEvent;

namespace simclr::widgets {

class ImageGrid;

// A 2-D scatter of an embedding layout (t-SNE, PCA): one point per image, coloured by class,
// with a legend of class names on top of QCustomPlot. Plain values in (points, labels,
// names), so it knows nothing about the engine.
//
// Mouse: hovering a point shows a tooltip (index, class; plus an optional thumbnail) and
// reports it; a click (press and release without moving) selects the nearest point and
// emits pointActivated; dragging pans, the wheel zooms, Shift+drag zooms to a rectangle,
// a double-click resets the view, Ctrl+drag selects the points inside a rectangle and lists
// them (count and thumbnails) under the plot. Clicking a legend entry hides or shows that class.
// One QCPGraph per class keeps replots cheap for 10 000 points; hit tests are a linear scan
// in pixel space (microseconds for 10 000 points).
class EmbeddingScatter : public QWidget {
  Q_OBJECT

 public:
  explicit EmbeddingScatter(QWidget* parent = nullptr);
  ~EmbeddingScatter() override;

  // --- data ---------------------------------------------------------------------------
  // points and labels have the same length; label i indexes classNames (a label outside
  // it is drawn as "class <label>"). Clears the selection and highlights, resets the view.
  // Returns false (and keeps the old data) when the lengths differ.
  bool setPoints(QVector<QPointF> points, QVector<int> labels, QStringList classNames);
  void clear();
  // New positions for the same points (a frame of an embedding timeline): labels, the view,
  // the selection and the highlights stay. While frames follow each other the points are
  // drawn without antialiasing (as while panning), smooth again once they rest. Returns
  // false when the count differs.
  bool movePoints(const QVector<QPointF>& points);
  // Polylines drawn under the points (the paths of followed points through a timeline);
  // an empty list removes them.
  void setPaths(const QVector<QVector<QPointF>>& paths);
  int pathCount() const { return int(paths_.size()); }
  int pointCount() const { return int(points_.size()); }
  QPointF point(int index) const { return points_.value(index); }
  int label(int index) const { return labels_.value(index, -1); }
  QString className(int label) const;
  int classCount() const { return int(graphs_.size()); }
  QColor classColor(int label) const;

  // --- selection and highlights -------------------------------------------------------
  // -1 clears. Does not emit pointActivated (that is for the user's clicks).
  void setSelectedIndex(int index);
  int selectedIndex() const { return selected_; }
  // Ringed points, e.g. the neighbours of the selected one. Out-of-range indices are dropped.
  void setHighlighted(const QVector<int>& indices);
  QVector<int> highlighted() const { return highlighted_; }
  // The rectangle selection (embedding_scatter_selection.cpp): visible points only, sorted.
  // Emits selectionChanged; an empty list hides the list under the plot.
  void setSelection(QVector<int> indices);
  QVector<int> selection() const { return selection_; }
  // Selects the visible points drawn inside `pixels` (plot widget coordinates), as Ctrl+drag does.
  void selectPointsIn(const QRect& pixels);
  ImageGrid* selectionGrid() const { return selectionGrid_; }
  QLabel* selectionLabel() const { return selectionLabel_; }
  static constexpr int kMaxListedSelection = 500;  // thumbnails listed; the count covers all

  // --- classes ------------------------------------------------------------------------
  void setClassVisible(int label, bool visible);
  bool isClassVisible(int label) const;

  // --- view ---------------------------------------------------------------------------
  void resetView();  // fits all points with a small margin
  // Optional thumbnail for hover tooltips (an image of point i, or a null QImage).
  void setThumbnailProvider(std::function<QImage(int)> provider);
  QString toolTipText(int index) const;  // the tooltip's text part
  QString toolTipHtml(int index) const;  // the whole tooltip, thumbnail included

  // --- hit tests (plot widget coordinates) -------------------------------------------
  // The nearest visible point within radiusPx of pos, or -1.
  int indexAt(const QPoint& pos, double radiusPx = 8.0) const;
  QPoint pixelOf(int index) const;  // where point `index` is drawn now

  // --- export -------------------------------------------------------------------------
  // PNG, SVG or PDF by extension, written atomically. size defaults to the widget's.
  bool exportImage(const QString& file, QString* error = nullptr, QSize size = QSize());
  // "index,x,y,label,class" rows, written atomically.
  bool exportCsv(const QString& file, QString* error = nullptr) const;

  QCustomPlot* plot() const { return plot_; }

 Q_SIGNALS:
  void pointActivated(int index);
  void pointHovered(int index);  // -1 when the mouse leaves every point
  void classVisibilityChanged(int label, bool visible);
  void selectionChanged(const QVector<int>& indices);

 private:
  void onMousePress(QMouseEvent* event);
  void onMouseRelease(QMouseEvent* event);
  void onMouseMove(QMouseEvent* event);
  void updateMarkers();
  void fillClassGraphs();
  void setHovered(int index);
  void buildSelectionList();  // the count, a Clear button and the thumbnail grid
  void updateSelectionList();

  QCustomPlot* plot_ = nullptr;
  QVector<QCPGraph*> graphs_;  // one per class, index = label
  QVector<QCPCurve*> paths_;
  QCPGraph* highlightGraph_ = nullptr;
  QCPGraph* selectedGraph_ = nullptr;
  QCPGraph* selectionGraph_ = nullptr;  // squares around the rectangle selection
  QVector<QPointF> points_;
  QVector<int> labels_;
  QStringList classNames_;
  QVector<int> highlighted_;
  QVector<int> selection_;
  QWidget* selectionBar_ = nullptr;
  QLabel* selectionLabel_ = nullptr;
  ImageGrid* selectionGrid_ = nullptr;
  int selected_ = -1;
  int hovered_ = -1;
  QPoint pressPos_;
  bool pressed_ = false;
  std::function<QImage(int)> thumbnail_;
  QTimer* settle_ = nullptr;  // redraws antialiased once moving points rest
};

}  // namespace simclr::widgets

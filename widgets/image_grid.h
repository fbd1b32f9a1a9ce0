#pragma once

#include <QAbstractScrollArea>
#include <QColor>
#include <QImage>
#include <QString>
#include <QVector>

namespace simclr::widgets {

struct ImageGridItem {
  QImage image;
  QString caption;     // first line under the image, e.g. the class name
  QString subcaption;  // second, quieter line, e.g. "d = 0.213"
  QColor frame;        // drawn around the image when valid, e.g. red for "other class"
  QString toolTip;
};

// A scrolling grid of small images with captions: augmentation previews, dataset samples,
// nearest-neighbour results. Images are scaled to a square cell; enlarging uses
// nearest-neighbour sampling so 32x32 pixels stay crisp blocks (shrinking is smoothed).
// Columns fit the width. Only visible cells are painted, so thousands of items stay cheap.
//
// Mouse: click activates a cell, hovering reports it, Ctrl+wheel zooms, the mouse's back
// button requests "back". Keys: arrows/Home/End/PageUp/PageDown move the current cell,
// Enter activates it, Backspace requests "back", Ctrl+Plus/Minus zoom.
class ImageGrid : public QAbstractScrollArea {
  Q_OBJECT

 public:
  explicit ImageGrid(QWidget* parent = nullptr);

  // Replaces all items; the current index goes to 0 (-1 when empty), the view to the top.
  void setItems(QVector<ImageGridItem> items);
  // Replaces one item in place (e.g. a thumbnail that finished loading).
  void setItem(int index, ImageGridItem item);
  const QVector<ImageGridItem>& items() const { return items_; }
  int count() const { return int(items_.size()); }
  void clear();

  // Side of the square image area of a cell, in pixels (clamped to 8..1024).
  void setCellSize(int pixels);
  int cellSize() const { return cellSize_; }
  // Integer magnification of the largest item image (32 px when there are none).
  void setZoom(int factor);
  int zoom() const;

  void setPlaceholderText(const QString& text);  // shown while the grid is empty
  QString placeholderText() const { return placeholder_; }

  int currentIndex() const { return current_; }
  void setCurrentIndex(int index);  // -1 clears; scrolls the cell into view

  // Geometry in viewport coordinates, for tests and for the owner's overlays.
  int columnCount() const;
  QRect cellRect(int index) const;               // image and captions
  QRect imageRect(int index) const;              // the square image area
  int indexAt(const QPoint& viewportPos) const;  // -1 outside every cell
  void scrollTo(int index);

 Q_SIGNALS:
  void activated(int index);
  void hovered(int index);  // -1 when the mouse leaves the cells
  void currentChanged(int index);
  void backRequested();
  void zoomChanged(int cellSize);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  bool viewportEvent(QEvent* event) override;
  void scrollContentsBy(int dx, int dy) override;

 private:
  int cellWidth() const;
  int cellHeight() const;
  int gridLeft() const;
  int visibleRows() const;
  void updateLayout();
  void setHovered(int index);
  void paintCell(QPainter& painter, int index) const;
  void moveCurrent(int delta);

  QVector<ImageGridItem> items_;
  int cellSize_ = 96;
  int baseSize_ = 32;
  int captionLines_ = 0;
  int current_ = -1;
  int hovered_ = -1;
  QString placeholder_;
};

}  // namespace simclr::widgets

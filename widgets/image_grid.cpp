#include "widgets/image_grid.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace simclr::widgets {
namespace {
constexpr int kMargin = 10;  // around the whole grid
constexpr int kSpacing = 8;  // between cells
constexpr int kPadding = 4;  // inside a cell, around the image and captions
constexpr int kFrameWidth = 3;
constexpr int kMinCell = 8;
constexpr int kMaxCell = 1024;

// Painting converts other formats on every draw; convert once instead.
QImage paintable(QImage image) {
  if (image.isNull() || image.format() == QImage::Format_RGB32 || image.format() == QImage::Format_ARGB32_Premultiplied)
    return image;
  return image.convertToFormat(image.hasAlphaChannel() ? QImage::Format_ARGB32_Premultiplied : QImage::Format_RGB32);
}
}  // namespace

ImageGrid::ImageGrid(QWidget* parent) : QAbstractScrollArea(parent) {
  setFocusPolicy(Qt::StrongFocus);
  setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);  // columns always fit the width
  viewport()->setMouseTracking(true);
  viewport()->setBackgroundRole(QPalette::Base);
  updateLayout();
}

void ImageGrid::setItems(QVector<ImageGridItem> items) {
  items_ = std::move(items);
  baseSize_ = 0;
  captionLines_ = 0;
  bool caption = false, subcaption = false;
  for (ImageGridItem& item : items_) {
    item.image = paintable(std::move(item.image));
    baseSize_ = std::max({baseSize_, item.image.width(), item.image.height()});
    caption = caption || !item.caption.isEmpty();
    subcaption = subcaption || !item.subcaption.isEmpty();
  }
  if (baseSize_ == 0) baseSize_ = 32;
  // Every cell reserves the same caption lines so rows stay aligned.
  captionLines_ = int(caption) + int(subcaption);
  hovered_ = -1;
  // New content starts at its first cell (in the neighbour browser: the query image).
  const int previous = current_;
  current_ = items_.isEmpty() ? -1 : 0;
  verticalScrollBar()->setValue(0);
  updateLayout();
  viewport()->update();
  if (current_ != previous) Q_EMIT currentChanged(current_);
}

void ImageGrid::setItem(int index, ImageGridItem item) {
  if (index < 0 || index >= count()) return;
  item.image = paintable(std::move(item.image));
  items_[index] = std::move(item);
  viewport()->update(cellRect(index));
}

void ImageGrid::clear() {
  setItems({});
}

void ImageGrid::setCellSize(int pixels) {
  pixels = std::clamp(pixels, kMinCell, kMaxCell);
  if (pixels == cellSize_) return;
  // Keep the current cell (or the top-left one) in view across the zoom.
  const int anchor = current_ >= 0 ? current_ : indexAt(QPoint(gridLeft(), kMargin));
  cellSize_ = pixels;
  updateLayout();
  if (anchor >= 0) scrollTo(anchor);
  viewport()->update();
  Q_EMIT zoomChanged(pixels);
}

void ImageGrid::setZoom(int factor) {
  setCellSize(std::max(1, factor) * baseSize_);
}

int ImageGrid::zoom() const {
  return std::max(1, int(std::lround(double(cellSize_) / baseSize_)));
}

void ImageGrid::setPlaceholderText(const QString& text) {
  placeholder_ = text;
  if (items_.isEmpty()) viewport()->update();
}

void ImageGrid::setCurrentIndex(int index) {
  index = (index < 0 || items_.isEmpty()) ? -1 : std::min(index, count() - 1);
  if (index == current_) return;
  viewport()->update(cellRect(current_));
  current_ = index;
  viewport()->update(cellRect(current_));
  scrollTo(index);
  Q_EMIT currentChanged(index);
}

// --- geometry ---------------------------------------------------------------------------

int ImageGrid::cellWidth() const {
  return cellSize_ + 2 * kPadding;
}

int ImageGrid::cellHeight() const {
  const int lines = captionLines_ * (fontMetrics().height() + 1);
  return cellSize_ + 2 * kPadding + (lines > 0 ? lines + kPadding : 0);
}

int ImageGrid::columnCount() const {
  const int available = viewport()->width() - 2 * kMargin + kSpacing;
  return std::max(1, available / (cellWidth() + kSpacing));
}

int ImageGrid::gridLeft() const {
  // Centre the columns so the leftover width is split evenly on both sides.
  const int columns = columnCount();
  const int used = columns * cellWidth() + (columns - 1) * kSpacing;
  return std::max(kMargin, (viewport()->width() - used) / 2);
}

int ImageGrid::visibleRows() const {
  return std::max(1, (viewport()->height() - kMargin) / (cellHeight() + kSpacing));
}

QRect ImageGrid::cellRect(int index) const {
  if (index < 0 || index >= count()) return {};
  const int columns = columnCount();
  const int x = gridLeft() + (index % columns) * (cellWidth() + kSpacing);
  const int y = kMargin + (index / columns) * (cellHeight() + kSpacing) - verticalScrollBar()->value();
  return {x, y, cellWidth(), cellHeight()};
}

QRect ImageGrid::imageRect(int index) const {
  const QRect cell = cellRect(index);
  if (cell.isNull()) return {};
  return {cell.x() + kPadding, cell.y() + kPadding, cellSize_, cellSize_};
}

int ImageGrid::indexAt(const QPoint& pos) const {
  if (items_.isEmpty()) return -1;
  const int x = pos.x() - gridLeft();
  const int y = pos.y() + verticalScrollBar()->value() - kMargin;
  if (x < 0 || y < 0) return -1;
  const int column = x / (cellWidth() + kSpacing);
  const int row = y / (cellHeight() + kSpacing);
  // Points in the spacing between cells belong to no cell.
  if (column >= columnCount() || x % (cellWidth() + kSpacing) >= cellWidth() ||
      y % (cellHeight() + kSpacing) >= cellHeight())
    return -1;
  const int index = row * columnCount() + column;
  return index < count() ? index : -1;
}

void ImageGrid::scrollTo(int index) {
  const QRect cell = cellRect(index);
  if (cell.isNull()) return;
  QScrollBar* bar = verticalScrollBar();
  if (cell.top() < kMargin)
    bar->setValue(bar->value() + cell.top() - kMargin);
  else if (cell.bottom() > viewport()->height() - kMargin)
    bar->setValue(bar->value() + cell.bottom() - viewport()->height() + kMargin);
}

void ImageGrid::updateLayout() {
  const int rows = (count() + columnCount() - 1) / columnCount();
  const int content = rows == 0 ? 0 : 2 * kMargin + rows * cellHeight() + (rows - 1) * kSpacing;
  QScrollBar* bar = verticalScrollBar();
  bar->setRange(0, std::max(0, content - viewport()->height()));
  bar->setPageStep(viewport()->height());
  bar->setSingleStep(std::max(1, cellHeight() / 3));
}

// --- painting ---------------------------------------------------------------------------

void ImageGrid::paintEvent(QPaintEvent* event) {
  QPainter painter(viewport());
  if (items_.isEmpty()) {
    painter.setPen(palette().color(QPalette::PlaceholderText));
    painter.drawText(viewport()->rect(), Qt::AlignCenter | Qt::TextWordWrap, placeholder_);
    return;
  }
  // Only the rows that intersect the dirty region are painted.
  const QRect dirty = event->rect();
  const int pitch = cellHeight() + kSpacing;
  const int top = dirty.top() + verticalScrollBar()->value() - kMargin;
  const int firstRow = std::max(0, top / pitch);
  const int lastRow = std::max(0, (top + dirty.height()) / pitch);
  const int columns = columnCount();
  for (int row = firstRow; row <= lastRow; ++row) {
    for (int column = 0; column < columns; ++column) {
      const int index = row * columns + column;
      if (index >= count()) return;
      if (cellRect(index).intersects(dirty)) paintCell(painter, index);
    }
  }
}

void ImageGrid::paintCell(QPainter& painter, int index) const {
  const ImageGridItem& item = items_[index];
  const QRect cell = cellRect(index);
  const QRect area = imageRect(index);
  const QPalette& pal = palette();

  if (index == current_ || index == hovered_) {
    QColor fill = pal.color(QPalette::Highlight);
    fill.setAlpha(index == current_ ? (hasFocus() ? 60 : 35) : 22);
    painter.setPen(index == current_ && hasFocus() ? QPen(pal.color(QPalette::Highlight), 1.5) : QPen(Qt::NoPen));
    painter.setBrush(fill);
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.drawRoundedRect(QRectF(cell).adjusted(0.75, 0.75, -0.75, -0.75), 4, 4);
    painter.setRenderHint(QPainter::Antialiasing, false);
  }

  if (!item.image.isNull()) {
    const QSize scaled = item.image.size().scaled(area.size(), Qt::KeepAspectRatio);
    QRect target(QPoint(0, 0), scaled);
    target.moveCenter(area.center());
    // Enlarging: nearest neighbour keeps each source pixel a crisp block. Shrinking: smooth,
    // or nearest-neighbour sampling would alias.
    const bool shrinking = scaled.width() < item.image.width();
    painter.setRenderHint(QPainter::SmoothPixmapTransform, shrinking);
    painter.drawImage(target, item.image);
    painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
    if (item.frame.isValid()) {
      painter.setPen(QPen(item.frame, kFrameWidth, Qt::SolidLine, Qt::SquareCap, Qt::MiterJoin));
      painter.setBrush(Qt::NoBrush);
      const int inset = kFrameWidth / 2 + 1;
      painter.drawRect(target.adjusted(-inset, -inset, inset - 1, inset - 1));
    }
  }

  int y = area.bottom() + 1 + kPadding;
  const int lineHeight = fontMetrics().height() + 1;
  const QRect textArea(cell.left() + 2, y, cell.width() - 4, lineHeight);
  if (!item.caption.isEmpty()) {
    painter.setPen(pal.color(QPalette::Text));
    painter.drawText(textArea, Qt::AlignHCenter | Qt::AlignVCenter,
                     fontMetrics().elidedText(item.caption, Qt::ElideRight, textArea.width()));
  }
  if (!item.subcaption.isEmpty()) {
    const QRect second = textArea.translated(0, item.caption.isEmpty() ? 0 : lineHeight);
    painter.setPen(pal.color(QPalette::PlaceholderText));
    painter.drawText(second, Qt::AlignHCenter | Qt::AlignVCenter,
                     fontMetrics().elidedText(item.subcaption, Qt::ElideRight, second.width()));
  }
}

// --- interaction ------------------------------------------------------------------------

void ImageGrid::resizeEvent(QResizeEvent* event) {
  QAbstractScrollArea::resizeEvent(event);
  updateLayout();
}

void ImageGrid::scrollContentsBy(int, int) {
  viewport()->update();
}

void ImageGrid::setHovered(int index) {
  if (index == hovered_) return;
  viewport()->update(cellRect(hovered_));
  hovered_ = index;
  viewport()->update(cellRect(hovered_));
  Q_EMIT hovered(index);
}

void ImageGrid::mousePressEvent(QMouseEvent* event) {
  if (event->button() == Qt::BackButton) {
    Q_EMIT backRequested();
    return;
  }
  if (event->button() != Qt::LeftButton) return QAbstractScrollArea::mousePressEvent(event);
  setFocus(Qt::MouseFocusReason);
  const int index = indexAt(event->position().toPoint());
  if (index < 0) return;
  setCurrentIndex(index);
  Q_EMIT activated(index);
}

void ImageGrid::mouseReleaseEvent(QMouseEvent* event) {
  // The press acted on the cell; the release belongs to it and must not reach the parent.
  event->setAccepted(event->button() == Qt::LeftButton || event->button() == Qt::BackButton);
}

void ImageGrid::mouseMoveEvent(QMouseEvent* event) {
  setHovered(indexAt(event->position().toPoint()));
}

void ImageGrid::moveCurrent(int delta) {
  if (items_.isEmpty()) return;
  if (current_ < 0) return setCurrentIndex(0);
  setCurrentIndex(std::clamp(current_ + delta, 0, count() - 1));
}

void ImageGrid::keyPressEvent(QKeyEvent* event) {
  const int columns = columnCount();
  const bool ctrl = event->modifiers() & Qt::ControlModifier;
  switch (event->key()) {
    case Qt::Key_Left:
      moveCurrent(-1);
      break;
    case Qt::Key_Right:
      moveCurrent(1);
      break;
    case Qt::Key_Up:
      moveCurrent(-columns);
      break;
    case Qt::Key_Down:
      moveCurrent(columns);
      break;
    case Qt::Key_PageUp:
      moveCurrent(-columns * visibleRows());
      break;
    case Qt::Key_PageDown:
      moveCurrent(columns * visibleRows());
      break;
    case Qt::Key_Home:
      if (!items_.isEmpty()) setCurrentIndex(0);
      break;
    case Qt::Key_End:
      if (!items_.isEmpty()) setCurrentIndex(count() - 1);
      break;
    case Qt::Key_Return:
    case Qt::Key_Enter:
      if (current_ >= 0) Q_EMIT activated(current_);
      break;
    case Qt::Key_Backspace:
      Q_EMIT backRequested();
      break;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
      if (!ctrl) return QAbstractScrollArea::keyPressEvent(event);
      setZoom(zoom() + 1);
      break;
    case Qt::Key_Minus:
      if (!ctrl) return QAbstractScrollArea::keyPressEvent(event);
      setZoom(zoom() - 1);
      break;
    default:
      return QAbstractScrollArea::keyPressEvent(event);
  }
  event->accept();
}

void ImageGrid::wheelEvent(QWheelEvent* event) {
  if (!(event->modifiers() & Qt::ControlModifier)) return QAbstractScrollArea::wheelEvent(event);
  const int steps = event->angleDelta().y() / 120;
  if (steps != 0) setZoom(zoom() + steps);
  event->accept();
}

bool ImageGrid::viewportEvent(QEvent* event) {
  if (event->type() == QEvent::Leave) {
    setHovered(-1);
  } else if (event->type() == QEvent::ToolTip) {
    auto* help = static_cast<QHelpEvent*>(event);
    const int index = indexAt(help->pos());
    if (index >= 0 && !items_[index].toolTip.isEmpty())
      QToolTip::showText(help->globalPos(), items_[index].toolTip, viewport(), cellRect(index));
    else
      QToolTip::hideText();
    return true;
  }
  return QAbstractScrollArea::viewportEvent(event);
}

}  // namespace simclr::widgets

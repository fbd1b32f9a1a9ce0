#include "widgets/adaptive_splitter.h"

#include <QResizeEvent>

namespace simclr::widgets {

AdaptiveSplitter::AdaptiveSplitter(int sideBySideWidth, QList<int> sideBySide, QList<int> stacked, QWidget* parent)
    : QSplitter(Qt::Horizontal, parent),
      sideBySideWidth_(sideBySideWidth),
      sideBySide_(std::move(sideBySide)),
      stacked_(std::move(stacked)) {}

void AdaptiveSplitter::resizeEvent(QResizeEvent* event) {
  const Qt::Orientation wanted = event->size().width() >= sideBySideWidth_ ? Qt::Horizontal : Qt::Vertical;
  if (wanted != orientation()) {
    setOrientation(wanted);
    setSizes(wanted == Qt::Horizontal ? sideBySide_ : stacked_);
  }
  QSplitter::resizeEvent(event);
}

}  // namespace simclr::widgets

#pragma once
// A splitter that lays its parts side by side when it is at least `sideBySideWidth` wide
// and stacks them when narrower, so a panel in a narrow dock neither crushes its parts nor
// forces the window wider than the screen.
#include <QList>
#include <QSplitter>

namespace simclr::widgets {

class AdaptiveSplitter : public QSplitter {
  Q_OBJECT
 public:
  // sideBySide / stacked: the parts' sizes to start from in each arrangement.
  AdaptiveSplitter(int sideBySideWidth, QList<int> sideBySide, QList<int> stacked, QWidget* parent = nullptr);

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  int sideBySideWidth_;
  QList<int> sideBySide_, stacked_;
};

}  // namespace simclr::widgets

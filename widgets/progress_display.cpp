#include "widgets/progress_display.h"

#include <QHBoxLayout>
#include <QProgressBar>
#include <QPushButton>

#include <algorithm>
#include <climits>

namespace simclr::widgets {

QHBoxLayout* makeProgressRow(QProgressBar** bar, QPushButton** cancel) {
  *bar = new QProgressBar;
  (*bar)->setTextVisible(true);
  *cancel = new QPushButton(QObject::tr("Cancel"));
  auto* row = new QHBoxLayout;
  row->addWidget(*bar, 1);
  row->addWidget(*cancel);
  return row;
}

void showBusy(QProgressBar* bar, bool busy) {
  if (busy) {
    bar->setRange(0, 0);
    bar->setFormat(QObject::tr("working\u2026"));
  } else {
    bar->setRange(0, 1);
    bar->setValue(0);
    bar->setFormat(QString());
  }
}

void showProgress(QProgressBar* bar, qint64 step, qint64 total, const QString& stage) {
  bar->setRange(0, total > 0 ? int(std::min<qint64>(total, INT_MAX)) : 0);
  bar->setValue(int(std::min<qint64>(step, INT_MAX)));
  bar->setFormat(total > 0 ? QStringLiteral("%1: %p%").arg(stage) : stage);
}

}  // namespace simclr::widgets

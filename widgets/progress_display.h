#pragma once
// How a panel's progress bar shows a background job: a busy indicator until the first
// progress report, then "stage: N%"; empty and idle when the job is over.
#include <QString>

class QProgressBar;

namespace simclr::widgets {

void showBusy(QProgressBar* bar, bool busy);
void showProgress(QProgressBar* bar, qint64 step, qint64 total, const QString& stage);

}  // namespace simclr::widgets

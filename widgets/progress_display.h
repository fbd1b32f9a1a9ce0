#pragma once
// How a panel's progress bar shows a background job: a busy indicator until the first
// progress report, then "stage: N%"; empty and idle when the job is over.
#include <QString>

class QHBoxLayout;
class QProgressBar;
class QPushButton;

namespace simclr::widgets {

// A row with a progress bar (with its text) and a Cancel button, made for a panel's layout.
QHBoxLayout* makeProgressRow(QProgressBar** bar, QPushButton** cancel);

void showBusy(QProgressBar* bar, bool busy);
void showProgress(QProgressBar* bar, qint64 step, qint64 total, const QString& stage);

}  // namespace simclr::widgets

#pragma once
// What every background engine job of the GUI shares: engine callbacks that post progress
// and log lines to a QObject's thread, and the message an engine exception shows.
#include <QObject>
#include <QString>

#include <exception>
#include <functional>

#include "app/gui/metric_types.h"
#include "engine/core/job.h"

namespace simclr::gui {

// Callbacks for a job running on another thread: each report is posted to `receiver`'s
// thread, where onProgress / onLog run (dropped if the receiver is gone by then).
simclr::JobCallbacks queuedCallbacks(QObject* receiver, std::function<void(const JobProgress&)> onProgress,
                                     std::function<void(int level, const QString& text)> onLog);

// The text to show for an exception a job threw: the engine's message, LibTorch's without
// its backtrace, "cancelled" after a stop. `badInput` (optional) tells whether it is about
// the user's files or settings rather than a runtime failure.
QString jobErrorMessage(const std::exception_ptr& error, bool* badInput = nullptr);

}  // namespace simclr::gui

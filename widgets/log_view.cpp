#include "widgets/log_view.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QSaveFile>
#include <QScrollBar>
#include <QTimer>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>

namespace simclr::widgets {

LogView::LogView(QWidget* parent) : QWidget(parent) {
  model_ = new LogModel(this);
  filter_ = new LogSeverityFilter(this);
  filter_->setSourceModel(model_);

  view_ = new QTreeView(this);
  view_->setObjectName(QStringLiteral("logTree"));
  view_->setModel(filter_);
  view_->setRootIsDecorated(false);
  view_->setUniformRowHeights(true);  // lets the view lay out 10 000 rows cheaply
  view_->setAlternatingRowColors(true);
  view_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  view_->setSelectionBehavior(QAbstractItemView::SelectRows);
  view_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  view_->setTextElideMode(Qt::ElideRight);
  view_->setIconSize(QSize(14, 14));
  view_->header()->setStretchLastSection(true);
  view_->header()->setSectionResizeMode(LogModel::TimeColumn, QHeaderView::ResizeToContents);
  view_->header()->setSectionResizeMode(LogModel::SeverityColumn, QHeaderView::ResizeToContents);

  auto* showCaption = new QLabel(tr("Show"), this);
  severity_ = new QComboBox(this);
  severity_->setObjectName(QStringLiteral("severityFilterCombo"));
  for (int i = 0; i <= int(LogSeverity::Error); ++i) {
    const auto severity = LogSeverity(i);
    const QString label =
        severity == LogSeverity::Debug ? tr("All messages") : tr("%1 and above").arg(severityName(severity));
    severity_->addItem(label, i);
  }
  showCaption->setBuddy(severity_);
  count_ = new QLabel(this);
  count_->setObjectName(QStringLiteral("messageCountLabel"));
  count_->setForegroundRole(QPalette::PlaceholderText);

  auto makeButton = [this](const QString& name, const QString& text, const QString& tip) {
    auto* button = new QToolButton(this);
    button->setObjectName(name);
    button->setText(text);
    button->setToolTip(tip);
    return button;
  };
  QToolButton* copy =
      makeButton(QStringLiteral("copyButton"), tr("Copy"), tr("Copy the selected lines, or all shown lines"));
  QToolButton* save = makeButton(QStringLiteral("saveButton"), tr("Save…"), tr("Save the shown lines to a text file"));
  QToolButton* clearButton = makeButton(QStringLiteral("clearButton"), tr("Clear"), tr("Remove all messages"));

  auto* toolbar = new QHBoxLayout;
  toolbar->setContentsMargins(6, 4, 6, 0);
  toolbar->setSpacing(6);
  toolbar->addWidget(showCaption);
  toolbar->addWidget(severity_);
  toolbar->addSpacing(8);
  toolbar->addWidget(count_);
  toolbar->addStretch(1);
  toolbar->addWidget(copy);
  toolbar->addWidget(save);
  toolbar->addWidget(clearButton);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(4);
  layout->addLayout(toolbar);
  layout->addWidget(view_, 1);

  // The same actions in the view's context menu, with the platform's copy shortcut.
  auto* copyAction = new QAction(tr("Copy"), view_);
  copyAction->setShortcut(QKeySequence::Copy);
  copyAction->setShortcutContext(Qt::WidgetShortcut);
  auto* saveAction = new QAction(tr("Save…"), view_);
  auto* clearAction = new QAction(tr("Clear"), view_);
  view_->addActions({copyAction, saveAction, clearAction});
  view_->setContextMenuPolicy(Qt::ActionsContextMenu);

  auto copySelection = [this] { copyToClipboard(); };
  connect(copy, &QToolButton::clicked, this, copySelection);
  connect(copyAction, &QAction::triggered, this, copySelection);
  connect(save, &QToolButton::clicked, this, &LogView::chooseSaveFile);
  connect(saveAction, &QAction::triggered, this, &LogView::chooseSaveFile);
  connect(clearButton, &QToolButton::clicked, this, &LogView::clear);
  connect(clearAction, &QAction::triggered, this, &LogView::clear);
  connect(severity_, qOverload<int>(&QComboBox::currentIndexChanged), this,
          [this](int index) { setMinimumSeverity(LogSeverity(severity_->itemData(index).toInt())); });

  // Follow the newest line while the user is at the bottom. Appends grow the range without
  // moving the value, so only the user's scrolling (or clamping) changes this.
  QScrollBar* bar = view_->verticalScrollBar();
  connect(bar, &QScrollBar::valueChanged, this, [this, bar](int value) { follow_ = value >= bar->maximum() - 2; });

  refreshTimer_ = new QTimer(this);
  refreshTimer_->setSingleShot(true);
  refreshTimer_->setInterval(0);
  connect(refreshTimer_, &QTimer::timeout, this, &LogView::refresh);
  refresh();
}

void LogView::appendMessage(LogSeverity severity, const QString& text, const QDateTime& time) {
  model_->append(LogEntry{time, severity, text});
  if (!refreshTimer_->isActive()) refreshTimer_->start();
}

void LogView::refresh() {
  if (follow_) view_->scrollToBottom();
  const int total = messageCount();
  const int shown = visibleCount();
  const QString messages = total == 1 ? tr("1 message") : tr("%1 messages").arg(total);
  count_->setText(shown == total ? messages : tr("%1 of %2 shown").arg(shown).arg(messages));
}

void LogView::clear() {
  model_->clear();
  follow_ = true;
  refresh();
}

int LogView::messageCount() const {
  return model_->rowCount();
}

int LogView::visibleCount() const {
  return filter_->rowCount();
}

void LogView::setMinimumSeverity(LogSeverity severity) {
  if (severity == filter_->minimumSeverity()) return;
  filter_->setMinimumSeverity(severity);
  severity_->setCurrentIndex(int(severity));  // re-enters here only with an equal value
  refresh();
  Q_EMIT minimumSeverityChanged(severity);
}

LogSeverity LogView::minimumSeverity() const {
  return filter_->minimumSeverity();
}

void LogView::setMaximumMessages(int count) {
  model_->setCapacity(count);
  refresh();
}

int LogView::maximumMessages() const {
  return model_->capacity();
}

QString LogView::text(bool onlySelected) const {
  QModelIndexList rows;
  if (onlySelected) rows = view_->selectionModel()->selectedRows();
  std::sort(rows.begin(), rows.end());  // selection order is click order, not line order
  QStringList lines;
  if (rows.isEmpty()) {
    for (int row = 0; row < filter_->rowCount(); ++row)
      lines << filter_->index(row, 0).data(LogModel::EntryTextRole).toString();
  } else {
    for (const QModelIndex& index : rows) lines << index.data(LogModel::EntryTextRole).toString();
  }
  return lines.isEmpty() ? QString() : lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

void LogView::copyToClipboard() const {
  QApplication::clipboard()->setText(text(true));
}

bool LogView::saveToFile(const QString& file, QString* error) const {
  QSaveFile out(file);
  if (out.open(QIODevice::WriteOnly | QIODevice::Text) && out.write(text().toUtf8()) >= 0 && out.commit()) return true;
  if (error) *error = tr("Cannot write \"%1\": %2").arg(QDir::toNativeSeparators(file), out.errorString());
  return false;
}

void LogView::chooseSaveFile() {
  const QString file =
      QFileDialog::getSaveFileName(this, tr("Save Log"), QDir::home().filePath(QStringLiteral("simclr-log.txt")),
                                   tr("Text files (*.txt *.log);;All files (*)"));
  if (file.isEmpty()) return;
  QString error;
  if (!saveToFile(file, &error)) QMessageBox::warning(this, tr("Save Failed"), error);
}

}  // namespace simclr::widgets

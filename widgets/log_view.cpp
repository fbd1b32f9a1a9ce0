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
  m_model = new LogModel(this);
  m_filter = new LogSeverityFilter(this);
  m_filter->setSourceModel(m_model);

  m_view = new QTreeView(this);
  m_view->setObjectName(QStringLiteral("logTree"));
  m_view->setModel(m_filter);
  m_view->setRootIsDecorated(false);
  m_view->setUniformRowHeights(true);  // lets the view lay out 10 000 rows cheaply
  m_view->setAlternatingRowColors(true);
  m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
  m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
  m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_view->setTextElideMode(Qt::ElideRight);
  m_view->setIconSize(QSize(14, 14));
  m_view->header()->setStretchLastSection(true);
  m_view->header()->setSectionResizeMode(LogModel::TimeColumn, QHeaderView::ResizeToContents);
  m_view->header()->setSectionResizeMode(LogModel::SeverityColumn, QHeaderView::ResizeToContents);

  auto* showCaption = new QLabel(tr("Show"), this);
  m_severity = new QComboBox(this);
  m_severity->setObjectName(QStringLiteral("severityFilterCombo"));
  for (int i = 0; i <= int(LogSeverity::Error); ++i) {
    const auto severity = LogSeverity(i);
    const QString label =
        severity == LogSeverity::Debug ? tr("All messages") : tr("%1 and above").arg(severityName(severity));
    m_severity->addItem(label, i);
  }
  showCaption->setBuddy(m_severity);
  m_count = new QLabel(this);
  m_count->setObjectName(QStringLiteral("messageCountLabel"));
  m_count->setForegroundRole(QPalette::PlaceholderText);

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
  toolbar->addWidget(m_severity);
  toolbar->addSpacing(8);
  toolbar->addWidget(m_count);
  toolbar->addStretch(1);
  toolbar->addWidget(copy);
  toolbar->addWidget(save);
  toolbar->addWidget(clearButton);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(4);
  layout->addLayout(toolbar);
  layout->addWidget(m_view, 1);

  // The same actions in the view's context menu, with the platform's copy shortcut.
  auto* copyAction = new QAction(tr("Copy"), m_view);
  copyAction->setShortcut(QKeySequence::Copy);
  copyAction->setShortcutContext(Qt::WidgetShortcut);
  auto* saveAction = new QAction(tr("Save…"), m_view);
  auto* clearAction = new QAction(tr("Clear"), m_view);
  m_view->addActions({copyAction, saveAction, clearAction});
  m_view->setContextMenuPolicy(Qt::ActionsContextMenu);

  auto copySelection = [this] { copyToClipboard(); };
  connect(copy, &QToolButton::clicked, this, copySelection);
  connect(copyAction, &QAction::triggered, this, copySelection);
  connect(save, &QToolButton::clicked, this, &LogView::chooseSaveFile);
  connect(saveAction, &QAction::triggered, this, &LogView::chooseSaveFile);
  connect(clearButton, &QToolButton::clicked, this, &LogView::clear);
  connect(clearAction, &QAction::triggered, this, &LogView::clear);
  connect(m_severity, qOverload<int>(&QComboBox::currentIndexChanged), this,
          [this](int index) { setMinimumSeverity(LogSeverity(m_severity->itemData(index).toInt())); });

  // Follow the newest line while the user is at the bottom. Appends grow the range without
  // moving the value, so only the user's scrolling (or clamping) changes this.
  QScrollBar* bar = m_view->verticalScrollBar();
  connect(bar, &QScrollBar::valueChanged, this, [this, bar](int value) { m_follow = value >= bar->maximum() - 2; });

  m_refreshTimer = new QTimer(this);
  m_refreshTimer->setSingleShot(true);
  m_refreshTimer->setInterval(0);
  connect(m_refreshTimer, &QTimer::timeout, this, &LogView::refresh);
  refresh();
}

void LogView::appendMessage(LogSeverity severity, const QString& text, const QDateTime& time) {
  m_model->append(LogEntry{time, severity, text});
  if (!m_refreshTimer->isActive()) m_refreshTimer->start();
}

void LogView::refresh() {
  if (m_follow) m_view->scrollToBottom();
  const int total = messageCount();
  const int shown = visibleCount();
  const QString messages = total == 1 ? tr("1 message") : tr("%1 messages").arg(total);
  m_count->setText(shown == total ? messages : tr("%1 of %2 shown").arg(shown).arg(messages));
}

void LogView::clear() {
  m_model->clear();
  m_follow = true;
  refresh();
}

int LogView::messageCount() const {
  return m_model->rowCount();
}

int LogView::visibleCount() const {
  return m_filter->rowCount();
}

void LogView::setMinimumSeverity(LogSeverity severity) {
  if (severity == m_filter->minimumSeverity()) return;
  m_filter->setMinimumSeverity(severity);
  m_severity->setCurrentIndex(int(severity));  // re-enters here only with an equal value
  refresh();
  Q_EMIT minimumSeverityChanged(severity);
}

LogSeverity LogView::minimumSeverity() const {
  return m_filter->minimumSeverity();
}

void LogView::setMaximumMessages(int count) {
  m_model->setCapacity(count);
  refresh();
}

int LogView::maximumMessages() const {
  return m_model->capacity();
}

QString LogView::text(bool onlySelected) const {
  QModelIndexList rows;
  if (onlySelected) rows = m_view->selectionModel()->selectedRows();
  std::sort(rows.begin(), rows.end());  // selection order is click order, not line order
  QStringList lines;
  if (rows.isEmpty()) {
    for (int row = 0; row < m_filter->rowCount(); ++row)
      lines << m_filter->index(row, 0).data(LogModel::EntryTextRole).toString();
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

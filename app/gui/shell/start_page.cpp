#include "app/gui/shell/start_page.h"

#include <algorithm>

#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

#include "app/gui/shell/expected_times.h"
#include "app/gui/shell/resource_paths.h"
#include "engine/core/error.h"
#include "engine/data/dataset_locator.h"

namespace simclr::gui {

namespace {
constexpr int kFileRole = Qt::UserRole;
constexpr int kIsTemplateRole = Qt::UserRole + 1;
constexpr int kTitleRole = Qt::UserRole + 2;  // the item's text without its expected time
constexpr int kMeasureAfterMs = 3000;         // a page glanced at on the way to a project measures nothing

// A project file's "description" (empty when it has none or cannot be read).
QString descriptionOf(const QString& file) {
  QFile f(file);
  if (!f.open(QIODevice::ReadOnly)) return {};
  return QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("description")).toString();
}

// The description's first sentence: the list stays a list; the whole text is the tooltip.
QString firstSentence(const QString& text) {
  const int end = text.indexOf(QLatin1String(". "));
  return end < 0 ? text : text.left(end + 1);
}

// One line per dataset the bundled projects use: the folder it was found in, or where to
// get it.
QString datasetLines() {
  QStringList lines;
  for (const char* name : {"cifar10", "fashion-mnist"}) {
    QString line = QStringLiteral("<b>%1</b>: ").arg(QString::fromLatin1(name));
    try {
      line += QDir::toNativeSeparators(QString::fromStdString(locate_dataset(name, "", {}).string()));
    } catch (const Error&) {
      line += QObject::tr("not found (Dataset dock: Download…, or set SIMCLR_DATA_DIR)");
    }
    lines << line;
  }
  return lines.join(QStringLiteral("<br>"));
}

QListWidget* makeList(const QString& objectName) {
  auto* list = new QListWidget;
  list->setObjectName(objectName);
  list->setWordWrap(true);
  list->setUniformItemSizes(false);
  list->setSpacing(2);
  return list;
}

QLabel* heading(const QString& text) {
  auto* label = new QLabel(QStringLiteral("<h3>%1</h3>").arg(text));
  label->setTextFormat(Qt::RichText);
  return label;
}
}  // namespace

StartPage::StartPage(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("startPage"));
  auto* title =
      new QLabel(tr("<h2>SimCLR Workbench</h2>Train self-supervised image encoders and see what they "
                    "learn. Open a project to begin."));
  title->setWordWrap(true);
  recent_ = makeList(QStringLiteral("recentProjects"));
  templates_ = makeList(QStringLiteral("bundledProjects"));
  datasets_ = new QLabel;
  datasets_->setObjectName(QStringLiteral("datasetsFound"));
  datasets_->setTextFormat(Qt::RichText);
  datasets_->setWordWrap(true);
  datasets_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  auto* openOther = new QPushButton(tr("Open Project…"));
  openOther->setObjectName(QStringLiteral("startOpenProject"));
  auto* openFolder = new QPushButton(tr("Open a Folder of My Images…"));
  openFolder->setObjectName(QStringLiteral("startOpenFolder"));
  openFolder->setToolTip(tr("A new project that trains on your images: a folder with train/<class>/ and "
                            "val/<class>/ (or test/) sub-folders"));

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(24, 16, 24, 16);
  layout->addWidget(title);
  layout->addWidget(heading(tr("Recent projects")));
  layout->addWidget(recent_, 1);
  layout->addWidget(heading(tr("Start from a bundled project")));
  layout->addWidget(templates_, 2);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(openOther);
  buttons->addWidget(openFolder);
  buttons->addStretch(1);
  layout->addLayout(buttons);
  layout->addWidget(heading(tr("Datasets")));
  layout->addWidget(datasets_);

  connect(recent_, &QListWidget::itemActivated, this, &StartPage::activate);
  connect(templates_, &QListWidget::itemActivated, this, &StartPage::activate);
  connect(openOther, &QPushButton::clicked, this, &StartPage::openOtherRequested);
  connect(openFolder, &QPushButton::clicked, this, [this] {
    const QString folder = QFileDialog::getExistingDirectory(this, tr("A Folder of Images"));
    if (!folder.isEmpty()) Q_EMIT openFolderRequested(folder);
  });
  measureSoon_ = new QTimer(this);
  measureSoon_->setSingleShot(true);
  measureSoon_->setInterval(kMeasureAfterMs);
  connect(measureSoon_, &QTimer::timeout, this, [this] {
    if (times_) times_->measure(projectTemplates());
    updateTemplateTexts();
  });
  refresh({});
}

void StartPage::refresh(const QStringList& recentProjects) {
  recent_->clear();
  for (const QString& file : recentProjects) {
    if (!QFileInfo::exists(file)) continue;
    auto* item = new QListWidgetItem(
        QStringLiteral("%1\n%2").arg(QFileInfo(file).completeBaseName(), QDir::toNativeSeparators(file)));
    item->setData(kFileRole, file);
    item->setToolTip(descriptionOf(file));
    recent_->addItem(item);
  }
  if (recent_->count() == 0) {
    auto* none = new QListWidgetItem(tr("None yet: start from a bundled project below."));
    none->setFlags(Qt::NoItemFlags);
    recent_->addItem(none);
  }
  // As tall as its entries (up to five): the bundled projects get the rest of the page.
  int rows = 0;
  for (int i = 0; i < std::min(recent_->count(), 5); ++i) rows += recent_->sizeHintForRow(i) + 2 * recent_->spacing();
  recent_->setMaximumHeight(std::max(rows + 2 * recent_->frameWidth() + 4, recent_->minimumSizeHint().height()));
  templates_->clear();
  for (const QString& file : projectTemplates()) {
    const QString description = descriptionOf(file);
    const QString name = QFileInfo(file).completeBaseName();
    auto* item = new QListWidgetItem;
    item->setData(kTitleRole, description.isEmpty() ? name : QStringLiteral("%1 — %2").arg(name, firstSentence(description)));
    item->setData(kFileRole, file);
    item->setData(kIsTemplateRole, true);
    item->setToolTip(
        tr("%1\n\nA new project from %2, saved where you choose.").arg(description, QDir::toNativeSeparators(file)));
    templates_->addItem(item);
  }
  updateTemplateTexts();
  datasets_->setText(datasetLines());
}

void StartPage::setExpectedTimes(ExpectedTimes* times) {
  times_ = times;
  if (times_) connect(times_, &ExpectedTimes::measured, this, &StartPage::updateTemplateTexts);
  updateTemplateTexts();
}

void StartPage::updateTemplateTexts() {
  for (int i = 0; i < templates_->count(); ++i) {
    QListWidgetItem* item = templates_->item(i);
    const QString expected = times_ ? times_->textFor(item->data(kFileRole).toString()) : QString();
    const QString title = item->data(kTitleRole).toString();
    item->setText(expected.isEmpty() ? title : title + QStringLiteral("\n    ") + expected);
  }
}

void StartPage::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  measureSoon_->start();
}

void StartPage::hideEvent(QHideEvent* event) {
  QWidget::hideEvent(event);
  measureSoon_->stop();
  if (times_) times_->stop();  // stops at the next step of the one being measured
}

QString StartPage::datasetsText() const {
  return datasets_->text();
}

void StartPage::activate(QListWidgetItem* item) {
  const QString file = item->data(kFileRole).toString();
  if (file.isEmpty()) return;
  if (item->data(kIsTemplateRole).toBool())
    Q_EMIT newFromTemplateRequested(file);
  else
    Q_EMIT openProjectRequested(file);
}

}  // namespace simclr::gui

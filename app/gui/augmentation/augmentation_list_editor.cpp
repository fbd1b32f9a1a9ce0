#include "app/gui/augmentation/augmentation_list_editor.h"

#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QSlider>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "app/gui/augmentation/augmentation_ops_text.h"
#include "engine/augment/augment_catalog.h"

namespace simclr::gui {

using nlohmann::json;
using Kind = AugmentParamInfo::Kind;

namespace {

constexpr int kSliderSteps = 100;

// "color_jitter: brightness 0.4, ..." without the list's numbering; nested lists counted.
QString rowText(const json& op) {
  QString text = readableAugmentationOps(json::array({op})).section(QLatin1Char('\n'), 0, 0);
  if (text.startsWith(QLatin1String("1. "))) text = text.mid(3);
  if (op.is_object() && op.contains("then"))
    text += QObject::tr(" (then %1 ops, else %2)")
                .arg(op["then"].is_array() ? op["then"].size() : 0)
                .arg(op.contains("else") && op["else"].is_array() ? op["else"].size() : 0);
  return text;
}

QString boundsText(const AugmentParamInfo& p) {
  const QString low = QString::number(p.min, 'g', 6);
  if (!std::isfinite(p.max)) return (p.min_open ? QStringLiteral("> ") : QStringLiteral("≥ ")) + low;
  return (p.min_open ? QStringLiteral("(") : QStringLiteral("[")) + low + QStringLiteral(", ") +
         QString::number(p.max, 'g', 6) + QStringLiteral("]");
}

QDoubleSpinBox* numberBox(const AugmentParamInfo& p, double value) {
  auto* box = new QDoubleSpinBox;
  box->setDecimals(3);
  box->setSingleStep(p.max <= 1 ? 0.05 : 0.1);
  box->setRange(p.min_open ? p.min + 0.001 : p.min, std::isfinite(p.max) ? p.max : 1e6);
  box->setKeyboardTracking(false);
  box->setValue(value);
  return box;
}

double numberIn(const json& op, const std::string& key, double fallback, int index = -1) {
  const auto it = op.find(key);
  if (it == op.end()) return fallback;
  const json& v = index >= 0 ? (it->is_array() && it->size() == 2 ? (*it)[size_t(index)] : json()) : *it;
  return v.is_number() ? v.get<double>() : fallback;
}

}  // namespace

AugmentationListEditor::AugmentationListEditor(QWidget* parent) : QWidget(parent) {
  list_ = new QListWidget;
  list_->setObjectName(QStringLiteral("augmentationOpsList"));
  list_->setWordWrap(true);
  // Room for a preset's ops; the parameters of the selected one below keep their place.
  list_->setMinimumHeight(list_->fontMetrics().lineSpacing() * 5);
  list_->setMaximumHeight(list_->fontMetrics().lineSpacing() * 9);
  add_ = new QToolButton;
  add_->setObjectName(QStringLiteral("addOp"));
  add_->setText(tr("Add"));
  add_->setToolTip(tr("Add an operation at the end of the list"));
  add_->setPopupMode(QToolButton::InstantPopup);
  auto* menu = new QMenu(add_);
  for (const auto& op : augment_catalog()) {
    QAction* action = menu->addAction(QString::fromStdString(op.name));
    action->setToolTip(QString::fromStdString(op.help));
    action->setObjectName(QStringLiteral("add.") + QString::fromStdString(op.name));
    connect(action, &QAction::triggered, this, [this, name = op.name] { addOp(name); });
  }
  add_->setMenu(menu);
  // Tool buttons like Add, as wide as their words: the row fits a narrow project dock (#17).
  const auto toolButton = [](const QString& text, const QString& name, const QString& tip) {
    auto* button = new QToolButton;
    button->setText(text);
    button->setObjectName(name);
    button->setToolTip(tip);
    return button;
  };
  remove_ = toolButton(tr("Remove"), QStringLiteral("removeOp"), tr("Remove the selected operation"));
  up_ = toolButton(tr("Up"), QStringLiteral("moveOpUp"), tr("Move the selected operation up: it runs earlier"));
  down_ = toolButton(tr("Down"), QStringLiteral("moveOpDown"), tr("Move the selected operation down: it runs later"));
  params_ = new QWidget;
  params_->setObjectName(QStringLiteral("opParameters"));
  paramsForm_ = new QFormLayout(params_);
  paramsForm_->setContentsMargins(0, 0, 0, 0);
  paramsForm_->setRowWrapPolicy(QFormLayout::WrapLongRows);
  paramsHint_ = new QLabel;
  paramsHint_->setWordWrap(true);
  paramsHint_->setProperty("role", QStringLiteral("hint"));

  auto* buttons = new QHBoxLayout;
  buttons->setContentsMargins(0, 0, 0, 0);
  for (QWidget* b : std::initializer_list<QWidget*>{add_, remove_, up_, down_}) buttons->addWidget(b);
  buttons->addStretch(1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(list_);
  layout->addLayout(buttons);
  layout->addWidget(paramsHint_);
  layout->addWidget(params_);
  layout->addStretch(1);

  connect(list_, &QListWidget::currentRowChanged, this, [this] { showParameters(); });
  connect(remove_, &QToolButton::clicked, this, &AugmentationListEditor::removeSelected);
  connect(up_, &QToolButton::clicked, this, [this] { moveSelected(-1); });
  connect(down_, &QToolButton::clicked, this, [this] { moveSelected(+1); });
  refreshRows(-1);
}

int AugmentationListEditor::selectedRow() const {
  return list_->currentRow();
}

void AugmentationListEditor::setOps(const json& ops) {
  const json next = ops.is_array() ? ops : json::array();
  // The echo of an edit made here: the editors stay (one may be in the middle of a drag).
  if (next == ops_) return;
  const int row = selectedRow();
  ops_ = next;
  refreshRows(row);
}

void AugmentationListEditor::refreshRows(int select) {
  {
    const QSignalBlocker block(list_);
    list_->clear();
    for (size_t i = 0; i < ops_.size(); ++i)
      list_->addItem(QStringLiteral("%1. %2").arg(i + 1).arg(rowText(ops_[i])));
    if (list_->count() > 0) list_->setCurrentRow(std::clamp(select, 0, list_->count() - 1));
  }
  showParameters();
}

void AugmentationListEditor::showParameters() {
  while (paramsForm_->rowCount() > 0) paramsForm_->removeRow(0);
  const int row = selectedRow();
  remove_->setEnabled(row >= 0);
  up_->setEnabled(row > 0);
  down_->setEnabled(row >= 0 && row + 1 < list_->count());
  if (row < 0 || size_t(row) >= ops_.size()) {
    paramsHint_->setText(ops_.empty() ? tr("No operations: each view is the image itself. Add one.") : QString());
    return;
  }
  const json& op = ops_[size_t(row)];
  const AugmentOpInfo* info = op.is_object() ? augment_op_info(op.value("op", std::string())) : nullptr;
  if (!info) {
    paramsHint_->setText(tr("An operation the list cannot edit: change it in the JSON tab."));
    return;
  }
  paramsHint_->setText(QString::fromStdString(info->help) +
                       (info->nested ? tr(". Its \"then\" and \"else\" lists are edited in the JSON tab.") : QString()));
  for (const AugmentParamInfo& p : info->params) {
    const QString tip = QStringLiteral("%1: %2, %3").arg(QString::fromStdString(p.key),
                                                       QString::fromStdString(p.help), boundsText(p));
    QWidget* field = nullptr;
    if (p.kind == Kind::Integer) {
      auto* spin = new QSpinBox;
      spin->setRange(int(p.min), int(std::min(p.max, 1e9)));
      spin->setKeyboardTracking(false);
      spin->setValue(int(numberIn(op, p.key, p.default_value)));
      connect(spin, &QSpinBox::valueChanged, this, [this, key = p.key](int v) { setParameter(key, int64_t(v)); });
      field = spin;
    } else if (p.kind == Kind::Range) {
      auto* low = numberBox(p, numberIn(op, p.key, p.default_value, 0));
      auto* high = numberBox(p, numberIn(op, p.key, p.default_max, 1));
      low->setObjectName(QStringLiteral("min"));
      high->setObjectName(QStringLiteral("max"));
      const auto commitRange = [this, key = p.key, low, high] {
        setParameter(key, json::array({low->value(), std::max(low->value(), high->value())}));
      };
      connect(low, &QDoubleSpinBox::valueChanged, this, commitRange);
      connect(high, &QDoubleSpinBox::valueChanged, this, commitRange);
      field = new QWidget;
      auto* pair = new QHBoxLayout(field);
      pair->setContentsMargins(0, 0, 0, 0);
      pair->addWidget(low);
      pair->addWidget(new QLabel(QStringLiteral("–")));
      pair->addWidget(high);
    } else {
      auto* box = numberBox(p, numberIn(op, p.key, p.default_value));
      connect(box, &QDoubleSpinBox::valueChanged, this, [this, key = p.key](double v) { setParameter(key, v); });
      if (p.min == 0 && p.max == 1) {  // probabilities and thresholds: a slider beside the number
        auto* slider = new QSlider(Qt::Horizontal);
        slider->setRange(0, kSliderSteps);
        slider->setValue(int(std::lround(box->value() * kSliderSteps)));
        connect(slider, &QSlider::valueChanged, box, [box](int v) { box->setValue(double(v) / kSliderSteps); });
        connect(box, &QDoubleSpinBox::valueChanged, slider, [slider](double v) {
          const QSignalBlocker block(slider);
          slider->setValue(int(std::lround(v * kSliderSteps)));
        });
        field = new QWidget;
        auto* row = new QHBoxLayout(field);
        row->setContentsMargins(0, 0, 0, 0);
        row->addWidget(slider, 1);
        row->addWidget(box);
      } else {
        field = box;
      }
    }
    field->setObjectName(QStringLiteral("param.") + QString::fromStdString(p.key));
    field->setToolTip(tip);
    paramsForm_->addRow(QString::fromStdString(p.key) + QLatin1Char(':'), field);
  }
  updateGeometry();  // the tab and the form around it make room for the new rows
}

void AugmentationListEditor::setParameter(const std::string& key, const json& value) {
  const int row = selectedRow();
  if (row < 0 || size_t(row) >= ops_.size() || !ops_[size_t(row)].is_object()) return;
  ops_[size_t(row)][key] = value;
  {
    const QSignalBlocker block(list_);
    list_->item(row)->setText(QStringLiteral("%1. %2").arg(row + 1).arg(rowText(ops_[size_t(row)])));
  }
  Q_EMIT opsEdited(ops_);
}

void AugmentationListEditor::addOp(const std::string& name) {
  const AugmentOpInfo* info = augment_op_info(name);
  if (!info) return;
  ops_.push_back(default_op(*info));
  refreshRows(int(ops_.size()) - 1);
  Q_EMIT opsEdited(ops_);
}

void AugmentationListEditor::removeSelected() {
  const int row = selectedRow();
  if (row < 0 || size_t(row) >= ops_.size()) return;
  ops_.erase(ops_.begin() + row);
  refreshRows(row);
  Q_EMIT opsEdited(ops_);
}

void AugmentationListEditor::moveSelected(int by) {
  const int row = selectedRow(), to = row + by;
  if (row < 0 || to < 0 || size_t(to) >= ops_.size()) return;
  std::swap(ops_[size_t(row)], ops_[size_t(to)]);
  refreshRows(to);
  Q_EMIT opsEdited(ops_);
}

}  // namespace simclr::gui

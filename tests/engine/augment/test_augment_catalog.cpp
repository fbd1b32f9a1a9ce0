// The op catalog editors build lists from agrees with the parser: the same ops, defaults
// it accepts, and the bounds it enforces.
#include <QtTest>

#include <cmath>
#include <set>

#include "engine/augment/augment_catalog.h"
#include "engine/augment/augment_pipeline.h"

using namespace simclr;
using nlohmann::json;

namespace {
ConfigIssues issues_of(const json& op) {
  return AugmentPipeline::validate(json{{"preset", "custom"}, {"ops", json::array({op})}}, "augmentation");
}
std::string first_issue(const ConfigIssues& issues) {
  return issues.empty() ? std::string("none") : issues.front().to_string();
}
}  // namespace

class TestAugmentCatalog : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void everyOpTheParserKnows() {
    // The parser names the ops it knows when it meets one it does not.
    const std::string message = first_issue(issues_of({{"op", "no-such-op"}}));
    const size_t at = message.find("expected one of: ");
    QVERIFY2(at != std::string::npos, message.c_str());
    std::set<std::string> parsed;
    std::string list = message.substr(at + 17, message.rfind(')') - at - 17);
    for (size_t start = 0; start < list.size();) {
      const size_t comma = list.find(", ", start);
      parsed.insert(list.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      start = comma == std::string::npos ? list.size() : comma + 2;
    }
    std::set<std::string> catalogued;
    for (const auto& op : augment_catalog()) catalogued.insert(op.name);
    QCOMPARE(catalogued, parsed);
  }

  void defaultsAreAccepted() {
    for (const auto& op : augment_catalog()) {
      const ConfigIssues issues = issues_of(default_op(op));
      QVERIFY2(issues.empty(), (op.name + ": " + first_issue(issues)).c_str());
    }
  }

  void boundsAreTheParsers() {
    using Kind = AugmentParamInfo::Kind;
    for (const auto& op : augment_catalog()) {
      for (const auto& param : op.params) {
        const auto with = [&](double value) {
          json spec = default_op(op);
          if (param.kind == Kind::Range)
            spec[param.key] = {value, std::max(value, param.default_max)};
          else if (param.kind == Kind::Integer)
            spec[param.key] = static_cast<int64_t>(value);
          else
            spec[param.key] = value;
          return issues_of(spec);
        };
        const std::string name = op.name + "." + param.key;
        if (std::isfinite(param.max)) {
          QVERIFY2(with(param.max).empty(), (name + " at its maximum: " + first_issue(with(param.max))).c_str());
          QVERIFY2(!with(param.max + 1).empty(), (name + " above its maximum was accepted").c_str());
        }
        QVERIFY2(!with(param.min - 1).empty(), (name + " below its minimum was accepted").c_str());
        if (param.min_open) QVERIFY2(!with(param.min).empty(), (name + " at its open minimum was accepted").c_str());
        else if (!(op.name == "gaussian_blur" && param.key == "kernel_size"))  // 0 and odd sizes only
          QVERIFY2(with(param.min).empty(), (name + " at its minimum: " + first_issue(with(param.min))).c_str());
      }
    }
  }
};

QTEST_APPLESS_MAIN(TestAugmentCatalog)
#include "test_augment_catalog.moc"

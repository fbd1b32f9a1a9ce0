#include "engine/analysis/explore_csv.h"

#include <cstdio>

#include <torch/torch.h>

#include "engine/core/csv_cell.h"

namespace simclr {

namespace {

std::string number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6f", v);
  return text;
}

// Builds the table: the result's columns, then label and path where the rows have them.
class Table {
 public:
  Table(const SplitFeatures& rows, std::vector<std::string> header) : rows_(rows), labelled_(has_labels(rows)) {
    if (labelled_) {
      header.push_back("label");
      labels_ = rows.labels.to(torch::kCPU, torch::kLong).contiguous();
    }
    if (!rows.files.empty()) header.push_back("path");
    text_ = csv_line(header);
  }
  void add(int64_t row, std::vector<std::string> cells) {
    if (labelled_) cells.push_back(std::to_string(labels_.data_ptr<int64_t>()[row]));
    if (!rows_.files.empty()) cells.push_back(rows_.files.at(size_t(row)));
    text_ += csv_line(cells);
  }
  const std::string& text() const { return text_; }

 private:
  const SplitFeatures& rows_;
  bool labelled_;
  torch::Tensor labels_;
  std::string text_;
};

}  // namespace

bool has_labels(const SplitFeatures& rows) {
  return rows.labels.defined() && rows.labels.numel() > 0 && rows.class_names.size() >= 2 &&
         rows.labels.min().item<int64_t>() >= 0;
}

std::string duplicates_csv(const DuplicateResult& result, const SplitFeatures& rows) {
  Table table(rows, {"index", "group", "similarity"});
  for (size_t g = 0; g < result.groups.size(); ++g) {
    const DuplicateGroup& group = result.groups[g];
    for (size_t i = 0; i < group.members.size(); ++i)
      table.add(group.members[i], {std::to_string(group.members[i]), std::to_string(g), number(group.best[i])});
  }
  return table.text();
}

std::string outliers_csv(const OutlierScores& scores, const SplitFeatures& rows) {
  Table table(rows, {"rank", "index", "score", "nearest", "nearest_distance"});
  for (size_t r = 0; r < scores.ranking.size(); ++r) {
    const auto i = size_t(scores.ranking[r]);
    table.add(int64_t(i), {std::to_string(r + 1), std::to_string(i), number(scores.score[i]),
                           std::to_string(scores.nearest_index[i]), number(scores.nearest[i])});
  }
  return table.text();
}

std::string selection_csv(const KCenterSelection& selection, const SplitFeatures& rows) {
  Table table(rows, {"order", "index", "radius"});
  for (size_t t = 0; t < selection.indices.size(); ++t)
    table.add(selection.indices[t],
              {std::to_string(t + 1), std::to_string(selection.indices[t]), number(selection.radius[t])});
  return table.text();
}

}  // namespace simclr

#pragma once
// The CSV tables of exploring a collection, as `simclr-cli duplicates | outliers | select`
// and the workbench's Explore dock save them: one row per image with its row index and the
// result's columns, then its label when the rows are labelled and its file (under the
// dataset's folder) when they come from an image folder.
#include <string>

#include "engine/analysis/run_features.h"
#include "engine/explore/k_center_greedy.h"
#include "engine/explore/near_duplicates.h"
#include "engine/explore/outlier_scores.h"

namespace simclr {

// True when the rows have labels worth comparing with (two or more classes, none < 0).
bool has_labels(const SplitFeatures& rows);

// index, group, similarity (the member's best within its group)[, label][, path]
std::string duplicates_csv(const DuplicateResult& result, const SplitFeatures& rows);
// rank, index, score, nearest, nearest_distance[, label][, path], most unusual first
std::string outliers_csv(const OutlierScores& scores, const SplitFeatures& rows);
// order, index, radius[, label][, path], in the order chosen
std::string selection_csv(const KCenterSelection& selection, const SplitFeatures& rows);

}  // namespace simclr

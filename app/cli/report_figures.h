#pragma once
// Rendering a report's figures to PNG. With the workbench built (Qt), the figures are drawn
// by the same chart widgets the GUI shows, on Qt's offscreen platform; without Qt (a GPU
// box with only LibTorch) nothing is rendered and the report links each figure's CSV.
#include <filesystem>
#include <string>

#include "engine/experiments/experiment_report.h"

namespace simclr::cli {

// True when this build can render figures.
bool can_render_report_figures();

// Writes `file` (PNG). Throws IoError naming the file when it cannot be written.
void render_report_figure(const ReportFigure& figure, const std::filesystem::path& file);

}  // namespace simclr::cli

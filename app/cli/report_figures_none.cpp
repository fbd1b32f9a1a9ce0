#include "app/cli/report_figures.h"

#include "engine/core/error.h"

namespace simclr::cli {

bool can_render_report_figures() {
  return false;
}

void render_report_figure(const ReportFigure&, const std::filesystem::path& file) {
  throw IoError(file.string() + ": this simclr-cli was built without Qt and cannot draw figures");
}

}  // namespace simclr::cli

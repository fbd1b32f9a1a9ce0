#pragma once
// Where the workbench finds simclr-cli to launch data-parallel training: beside the
// workbench when installed, ../cli/ in the build tree, else on the PATH.
#include <QString>

namespace simclr::gui {

// The first of <app dir>/../cli/simclr-cli (build tree), <app dir>/simclr-cli (installed)
// and simclr-cli on the PATH that exists; "simclr-cli" when none does (starting it then
// fails with a message naming it).
QString defaultCliPath();

}  // namespace simclr::gui

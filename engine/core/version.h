#pragma once
// Version facts shown by `simclr-cli --version` and the GUI's About dialog.
#include <string>

namespace simclr {

std::string engine_version();  // "0.1.0"
std::string torch_version();   // LibTorch the engine was built against, "1.13.1"
bool cuda_available();         // CUDA build and a device present
std::string build_summary();   // one line with all of the above

}  // namespace simclr

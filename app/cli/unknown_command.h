#pragma once
// A word typed where a command was expected that names none ("simclr-cli trian",
// "simclr-cli project nosuch --help", "simclr-cli export metrcs RUN"). CLI11 leaves such a
// word over (with --help it would print the help and succeed) or, for a command that also
// takes a positional argument (export RUN), takes it for that argument; main() and that
// command ask here and fail with exit code 2.
#include <string>

#include <CLI/CLI.hpp>

namespace simclr::cli {

// After root.parse() threw, or from a command's callback: "'trian' is not a simclr-cli
// command; did you mean 'train'?" (or the list of the commands when none is close), or ""
// when every command word was known. A positional argument counts as a mistyped command
// only when it is close to a command name and names no existing file or folder.
std::string unknown_command_message(CLI::App& root);

}  // namespace simclr::cli

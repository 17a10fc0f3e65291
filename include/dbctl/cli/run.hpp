#pragma once
// The command-line entry point.

namespace dbctl::cli {

/// Parse the command line, run the command and return the process exit code (SPEC.md §3):
/// 0 success, 1 an operation failed, 2 invalid usage or input, 3 `--check` found work.
int run(int argc, char** argv);

} // namespace dbctl::cli

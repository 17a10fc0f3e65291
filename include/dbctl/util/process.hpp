#pragma once
// Running another program: argv (never a shell string unless the caller asks for /bin/sh),
// its own working folder and environment, its output read line by line, a time limit, and
// interruption.
#include "dbctl/util/interrupt.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dbctl::util {

/// Which of the child's streams a line came from.
enum class Stream { out, err };

/// What to run and how.
struct ProcessSpec {
  std::vector<std::string> argv; ///< argv[0] as find_program resolved it (or any path)
  std::filesystem::path cwd;     ///< empty: dbctl's own
  /// Variables set in the child's environment (the rest of dbctl's is passed on as it is).
  std::vector<std::pair<std::string, std::string>> env;
  /// Variables removed from the child's environment (those in `env` are replaced anyway).
  std::vector<std::string> unset;
  /// Without `on_line`, the child writes both streams to dbctl's stderr; with it, each
  /// complete line (without its newline) of either stream is handed over as it arrives.
  std::function<void(Stream, std::string_view)> on_line;
  std::optional<std::chrono::milliseconds> timeout; ///< then SIGTERM, and SIGKILL 5 s later
  const Interrupt* interrupt = nullptr;             ///< when requested: as for the timeout
};

/// How the child ended.
struct ProcessResult {
  int exit_code = 0;      ///< its exit status, or 128 + the signal that ended it
  bool timed_out = false; ///< the time limit ended it
  bool interrupted = false; ///< the interrupt ended it
  bool started = true;    ///< false: it could not be started (exit_code 127, `error` says why)
  std::string error;
};

/// Run a program to its end. The child gets its own process group (a time limit or an
/// interruption ends the whole group), no blocked signals and default SIGINT/SIGTERM/SIGPIPE
/// handling, and no stdin.
ProcessResult run_process(const ProcessSpec& spec);

/// Return the program `name` would start as: a name with a '/' relative to `cwd`, else the
/// first executable of that name on PATH; nullopt when there is none.
std::optional<std::filesystem::path> find_program(const std::string& name, const std::filesystem::path& cwd);

/// Return why find_program(name, cwd) found nothing, for a message: "NAME is not on PATH", or
/// for a name with a '/', "NAME is not an executable file (in CWD)".
std::string missing_program(const std::string& name, const std::filesystem::path& cwd);

/// Return argv as a reader would type it: words joined by spaces, a word with spaces or quotes
/// in single quotes.
std::string command_line(const std::vector<std::string>& argv);

} // namespace dbctl::util

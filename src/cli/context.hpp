#pragma once
// What every command receives: the global options and the run's logging.
#include "logging.hpp"

#include "dbctl/engine/driver.hpp"
#include "dbctl/util/interrupt.hpp"

#include <string>
#include <vector>

namespace dbctl::cli {

/// Process exit codes (SPEC.md §3).
enum class ExitCode { ok = 0, failed = 1, invalid = 2, check = 3 };

enum class OutputFormat { text, json };

/// Options accepted before or after any command.
struct GlobalOptions {
  std::string file;
  bool file_given = false; ///< -f or DBCTL_FILE, as opposed to the ./topology.yaml default
  std::string url;
  std::string dir;
  std::string format; ///< --format: the migrations' format without a topology (empty: flyway)
  std::vector<std::string> services;
  std::vector<std::string> tenants;
  std::vector<std::string> servers;
  int jobs = 0;
  OutputFormat output = OutputFormat::text;
  int verbose = 0;
  bool quiet = false;
  bool no_color = false;
  int statement_timeout = 0; ///< seconds, 0 for the server's own setting
  std::vector<std::string> env_files; ///< --env-file, loaded before parsing
};

/// The state one command run works with.
struct Context {
  GlobalOptions global;
  Logging* logging = nullptr;
  util::Interrupt* interrupt = nullptr; ///< set by SIGINT/SIGTERM; checked between steps
  bool color = false; ///< colour on stdout: a terminal, and neither --no-color nor NO_COLOR
};

/// Tell whether colour is allowed at all: no --no-color, and NO_COLOR unset or empty.
bool color_allowed(const GlobalOptions& global);

/// Return the drivers, their sessions bounded by --statement-timeout and cancelled by the
/// run's interruption.
engine::Registry registry_for(const Context& context);

} // namespace dbctl::cli

#pragma once
// The command table: each command file provides one factory.
#include "context.hpp"

#include "dbctl/ops/migrate.hpp"

#include <functional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace dbctl::cli {

/// One subcommand: its name, one-line help, option set-up and action.
struct Command {
  std::string name;
  std::string help;
  /// Declare the command's own options on its CLI11 subcommand.
  std::function<void(CLI::App&)> setup;
  /// Run the command once parsing succeeded.
  std::function<ExitCode(const Context&)> run;
};

/// Return `validate`: offline check of topology, names, env and migration folders.
Command validate_command();
/// Return `lint [FILE...]`: check migration SQL offline.
Command lint_command();
/// Return `graph`: the topology as a picture.
Command graph_command();
/// Return `new SERVICE DESCRIPTION`: write the next migration file.
Command new_command();
/// Return `new-service NAME`: scaffold a service folder and add it to the topology.
Command new_service_command();
/// Return `env`: print each target's connection URL.
Command env_command();
/// Return `plan`: print the statements init would run.
Command plan_command();
/// Return `init`: provision databases, schemas, roles, grants and extensions.
Command init_command();
/// Return `wait`: wait until the servers accept connections.
Command wait_command();
/// Return `destroy`: drop what the topology manages.
Command destroy_command();
/// Return `migrate`: apply pending migrations.
Command migrate_command();
/// Return `status`: each target's state.
Command status_command();
/// Return `up`: wait, init, migrate.
Command up_command();
/// Return `dump`: each target's schema as DDL.
Command dump_command();
/// Return `repair`: clear failed rows, accept changed checksums.
Command repair_command();
/// Return `baseline`: mark targets as migrated up to a version.
Command baseline_command();

/// Declare `--lock-timeout` (seconds, 0 to 86400) on a command, with its own help text.
void add_lock_timeout(CLI::App& app, int& seconds, const std::string& help);

/// Declare `--failover-timeout` (seconds, 0 to 86400, default 60) on `init`, `migrate` and `up`.
void add_failover_timeout(CLI::App& app, int& seconds);

/// Declare `--no-lint` on `migrate` and `up`: run pending files even with error-level lint findings.
void add_no_lint(CLI::App& app, bool& no_lint);

/// How `migrate` and `up` go over many targets; unset ones (empty, -1) take the topology's
/// `rollout:` values.
struct RolloutOptions {
  bool keep_going = false;
  std::string waves;
  int max_failures = -1;
  int wave_pause = -1;
  std::string wave_check;
};

/// Declare --keep-going, --waves, --max-failures, --wave-pause and --wave-check on a command.
void add_rollout_options(CLI::App& app, RolloutOptions& options);

/// Set the flags' rollout from the options, else from the topology's `rollout:`; throws
/// UsageError for a bad --waves.
void apply_rollout(const RolloutOptions& options, const topology::Rollout& defaults, ops::MigrateFlags& flags);

/// Return every command, in the order `--help` lists them.
std::vector<Command> all_commands();

} // namespace dbctl::cli

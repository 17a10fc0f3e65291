#include "dbctl/cli/run.hpp"

#include "commands.hpp"
#include "context.hpp"
#include "logging.hpp"
#include "signals.hpp"

#include "dbctl/util/error.hpp"

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#ifndef DBCTL_VERSION
#define DBCTL_VERSION "0.0.0"
#endif

namespace dbctl::cli {

std::vector<Command> all_commands() {
  return {validate_command(), plan_command(),    init_command(),     migrate_command(),
          status_command(),   up_command(),      wait_command(),     env_command(),
          new_command(),      new_service_command(), repair_command(),  baseline_command(), destroy_command()};
}

void add_lock_timeout(CLI::App& app, int& seconds, const std::string& help) {
  app.add_option("--lock-timeout", seconds, help)->check(CLI::Range(0, 86400));
}

engine::Registry registry_for(const Context& context) {
  engine::SessionOptions options;
  options.statement_timeout = std::chrono::seconds(context.global.statement_timeout);
  options.interrupt = context.interrupt;
  return engine::default_registry(options);
}

namespace {

constexpr const char* k_footer =
    "Exit codes: 0 success, 1 an operation failed, 2 invalid usage or input (nothing touched),\n"
    "3 --check found work or drift. Results go to stdout, logs to stderr.\n"
    "Global options (-f, --url, --dir, --service, --tenant, --server, -j, -o, -v, -q,\n"
    "--no-color, --statement-timeout) go before or after the command; see dbctl --help.\n"
    "SIGINT/SIGTERM cancel running statements (rolled back), release locks and exit 130/143.\n";

void add_global_options(CLI::App& app, GlobalOptions& global) {
  app.add_option("-f,--file", global.file, "Topology file (default ./topology.yaml)")
      ->envname("DBCTL_FILE");
  app.add_option("--url", global.url,
                 "Without a topology: the one database to work on (else env DATABASE_URL when "
                 "there is no topology file)");
  app.add_option("--dir", global.dir, "Without a topology: its migrations folder")
      ->envname("DBCTL_DIR");
  app.add_option("--service", global.services, "Select targets of this service (repeatable)")
      ->allow_extra_args(false);
  app.add_option("--tenant", global.tenants, "Select targets of this tenant (repeatable)")
      ->allow_extra_args(false);
  app.add_option("--server", global.servers, "Select targets on this server (repeatable)")
      ->allow_extra_args(false);
  app.add_option("-j,--jobs", global.jobs,
                 "Targets worked on in parallel (default: what the servers' max_connections allow, at most 16)")
      ->check(CLI::Range(1, 1024));
  app.add_option("-o,--output", global.output, "Result format: text or json")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, OutputFormat>{{"text", OutputFormat::text},
                                              {"json", OutputFormat::json}}));
  app.add_flag("-v,--verbose", global.verbose, "More logging: -v targets, -vv SQL");
  app.add_flag("-q,--quiet", global.quiet, "Log errors only");
  app.add_flag("--no-color", global.no_color, "No colour on stderr (also NO_COLOR)");
  app.add_option("--statement-timeout", global.statement_timeout,
                 "Seconds any one statement may run, dbctl's and the migrations' (default 0: no "
                 "limit but the server's own)")
      ->envname("DBCTL_STATEMENT_TIMEOUT")
      ->check(CLI::Range(0, 604800));
}

Verbosity verbosity_of(const GlobalOptions& global) {
  if (global.quiet) {
    return Verbosity::quiet;
  }
  return global.verbose >= 2 ? Verbosity::trace
         : global.verbose == 1 ? Verbosity::debug
                               : Verbosity::normal;
}

ExitCode run_guarded(const Command& command, Context& context) {
  try {
    return command.run(context);
  } catch (const ConfigError& e) {
    for (const auto& problem : e.problems()) {
      spdlog::error("{}", util::to_string(problem));
    }
    spdlog::error("{} problem{} found; nothing was changed", e.problems().size(),
                  e.problems().size() == 1 ? "" : "s");
    return ExitCode::invalid;
  } catch (const UsageError& e) {
    spdlog::error("{}", e.what());
    return ExitCode::invalid;
  } catch (const InterruptedError& e) {
    spdlog::error("{}", e.what());
    return ExitCode::failed; // run() turns it into 128 + the signal's number
  } catch (const Error& e) {
    spdlog::error("{}", e.what());
    return ExitCode::failed;
  } catch (const std::exception& e) {
    spdlog::error("unexpected failure: {}", e.what());
    return ExitCode::failed;
  }
}

} // namespace

int run(int argc, char** argv) {
  CLI::App app("dbctl turns a topology file into ready databases: databases, schemas, roles and "
               "grants on PostgreSQL and MySQL/MariaDB, and every service's migrations.",
               "dbctl");
  app.set_version_flag("--version", std::string("dbctl ") + DBCTL_VERSION);
  app.require_subcommand(1);
  app.fallthrough();
  app.footer(k_footer);
  Context context;
  add_global_options(app, context.global);

  std::vector<Command> commands = all_commands();
  const Command* chosen = nullptr;
  for (const auto& command : commands) {
    CLI::App* sub = app.add_subcommand(command.name, command.help);
    sub->footer(k_footer);
    command.setup(*sub);
    sub->callback([&chosen, &command]() { chosen = &command; });
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : static_cast<int>(ExitCode::invalid);
  }
  GlobalOptions& global = context.global;
  global.file_given = !global.file.empty();
  if (global.file.empty()) {
    global.file = "topology.yaml";
  }
  // A service's own pipeline holds only DATABASE_URL; a project folder's topology wins over a
  // DATABASE_URL that happens to be set in the shell.
  const char* database_url = std::getenv("DATABASE_URL");
  if (global.url.empty() && !global.file_given && database_url != nullptr &&
      !std::filesystem::exists(global.file)) {
    global.url = database_url;
  }
  Logging logging(verbosity_of(global), !global.no_color);
  context.logging = &logging;
  if (chosen == nullptr) {
    spdlog::error("no command given; see dbctl --help");
    return static_cast<int>(ExitCode::invalid);
  }
  util::Interrupt interrupt;
  int code = 0;
  {
    SignalWatcher watcher(interrupt); // before any thread of the command starts
    context.interrupt = &interrupt;
    code = static_cast<int>(run_guarded(*chosen, context));
  }
  if (interrupt.requested()) {
    spdlog::error("stopped by {}: nothing new was started, cancelled statements were rolled back "
                  "(MySQL: a script is recorded where it stopped and migrate resumes there) and "
                  "every lock was released; run the command again to go on",
                  signal_name(interrupt.signal_number()));
    return 128 + interrupt.signal_number();
  }
  return code;
}

} // namespace dbctl::cli

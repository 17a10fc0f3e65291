#include "dbctl/cli/run.hpp"

#include "commands.hpp"
#include "context.hpp"
#include "logging.hpp"
#include "signals.hpp"

#include "dbctl/util/dotenv.hpp"
#include "dbctl/util/error.hpp"
#include "dbctl/util/file.hpp"

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <set>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>
#include <unistd.h>

#ifndef DBCTL_VERSION
#define DBCTL_VERSION "0.0.0"
#endif

namespace dbctl::cli {

std::vector<Command> all_commands() {
  return {validate_command(), lint_command(), plan_command(),    init_command(),     migrate_command(),
          status_command(),   up_command(),      wait_command(),     env_command(),      dump_command(),
          new_command(),      new_service_command(), repair_command(),  baseline_command(), destroy_command(),
          graph_command()};
}

void add_lock_timeout(CLI::App& app, int& seconds, const std::string& help) {
  app.add_option("--lock-timeout", seconds, help)->check(CLI::Range(0, 86400));
}

void add_failover_timeout(CLI::App& app, int& seconds) {
  app.add_option("--failover-timeout", seconds,
                 "On a server with several hosts: seconds to wait for a new primary after losing the server "
                 "mid-run, then go on there (0: fail at once, as with one host)")
      ->check(CLI::Range(0, 86400));
}

void add_no_lint(CLI::App& app, bool& no_lint) {
  app.add_flag("--no-lint", no_lint,
               "Run pending migrations even when lint finds error-level problems in them (they are refused otherwise)");
}

void add_rollout_options(CLI::App& app, RolloutOptions& options) {
  app.add_flag("--keep-going", options.keep_going, "Go on with the other targets after one fails");
  app.add_option("--waves", options.waves,
                 "Migrate in canary waves, e.g. 1,10%,100%: each starts only if the ones before "
                 "failed no more than --max-failures targets (default: rollout.waves)");
  app.add_option("--max-failures", options.max_failures,
                 "Failed targets a run tolerates and still starts new ones (default 0)")
      ->check(CLI::Range(0, 1000000));
  app.add_option("--wave-pause", options.wave_pause, "Seconds to wait between waves (default 0)")
      ->check(CLI::Range(0, 86400));
  app.add_option("--wave-check", options.wave_check,
                 "A shell command run between waves (DBCTL_WAVE, DBCTL_WAVES set); a non-zero "
                 "exit stops the rollout");
}

void apply_rollout(const RolloutOptions& options, const topology::Rollout& defaults, ops::MigrateFlags& flags) {
  flags.keep_going = options.keep_going;
  int max_failures = options.max_failures >= 0 ? options.max_failures
                                               : defaults.max_failures ? defaults.max_failures->value : 0;
  flags.max_failures = static_cast<std::size_t>(max_failures);
  int pause = options.wave_pause >= 0 ? options.wave_pause : defaults.pause ? defaults.pause->value : 0;
  flags.wave_pause = std::chrono::seconds(pause);
  flags.wave_check = !options.wave_check.empty() ? options.wave_check
                                                 : defaults.check ? defaults.check->value : "";
  std::string waves = !options.waves.empty() ? options.waves : defaults.waves ? defaults.waves->value : "";
  if (!waves.empty()) {
    std::string error;
    std::optional<std::vector<ops::WaveSize>> parsed = ops::parse_waves(waves, error);
    if (!parsed) {
      throw UsageError("--waves " + waves + ": " + error); // rollout.waves was checked on load
    }
    flags.waves = *parsed;
  }
}

engine::Registry registry_for(const Context& context) {
  engine::SessionOptions options;
  options.statement_timeout = std::chrono::seconds(context.global.statement_timeout);
  options.interrupt = context.interrupt;
  return engine::default_registry(options);
}

namespace {

constexpr std::uintmax_t k_max_env_file_bytes = 1024U * 1024U;

constexpr const char* k_footer =
    "Exit codes: 0 success, 1 an operation failed, 2 invalid usage or input (nothing touched),\n"
    "3 --check found work or drift. Results go to stdout, logs to stderr.\n"
    "Global options (-f, --url, --dir, --service, --tenant, --server, -j, -o, -v, -q,\n"
    "--no-color, --statement-timeout, --env-file) go before or after the command; each but\n"
    "--env-file is also a DBCTL_* variable (DBCTL_FILE, DBCTL_JOBS, ...); see dbctl --help.\n"
    "SIGINT/SIGTERM cancel running statements (rolled back), release locks and exit 130/143.\n";

void add_global_options(CLI::App& app, GlobalOptions& global) {
  app.add_option("-f,--file", global.file, "Topology file (default ./topology.yaml)")
      ->envname("DBCTL_FILE");
  app.add_option("--url", global.url,
                 "Without a topology: the one database to work on (else env DATABASE_URL when "
                 "there is no topology file)");
  app.add_option("--dir", global.dir, "Without a topology: its migrations folder")
      ->envname("DBCTL_DIR");
  app.add_option("--format", global.format,
                 "Without a topology: how its migrations are written (flyway, golang-migrate, dbmate, goose or "
                 "auto; default flyway)")
      ->envname("DBCTL_FORMAT")
      ->check(CLI::IsMember({"flyway", "golang-migrate", "dbmate", "goose", "auto"}));
  app.add_option("--service", global.services,
                 "Select targets of this service (repeatable; env: comma-separated)")
      ->envname("DBCTL_SERVICE")
      ->delimiter(',')
      ->allow_extra_args(false);
  app.add_option("--tenant", global.tenants, "Select targets of this tenant (repeatable; env: comma-separated)")
      ->envname("DBCTL_TENANT")
      ->delimiter(',')
      ->allow_extra_args(false);
  app.add_option("--server", global.servers, "Select targets on this server (repeatable; env: comma-separated)")
      ->envname("DBCTL_SERVER")
      ->delimiter(',')
      ->allow_extra_args(false);
  app.add_option("-j,--jobs", global.jobs,
                 "Targets worked on in parallel (default: what the servers' max_connections allow, at most 16); "
                 "init: databases provisioned side by side on each server")
      ->envname("DBCTL_JOBS")
      ->check(CLI::Range(1, 1024));
  app.add_option("-o,--output", global.output, "Result format: text or json")
      ->envname("DBCTL_OUTPUT")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, OutputFormat>{{"text", OutputFormat::text},
                                              {"json", OutputFormat::json}}).description(""))
      ->type_name("text|json");
  app.add_flag("-v,--verbose", global.verbose, "More logging: -v targets, -vv SQL (env: 1 or 2)")
      ->envname("DBCTL_VERBOSE");
  app.add_flag("-q,--quiet", global.quiet, "Log errors only")->envname("DBCTL_QUIET");
  app.add_flag("--no-color", global.no_color, "No colour in tables and logs (also NO_COLOR)")
      ->envname("DBCTL_NO_COLOR");
  // Read before parsing (load_env_files), so its variables reach every option above; declared
  // here for --help and so that the parser accepts it.
  app.add_option("--env-file", global.env_files,
                 "Load KEY=VALUE lines from this dotenv file into the environment first; variables "
                 "already set win, then the later file (repeatable)")
      ->allow_extra_args(false);
  app.add_option("--statement-timeout", global.statement_timeout,
                 "Seconds any one statement may run, dbctl's and the migrations', and a format: command "
                 "service's program per target (default 0: no limit but the server's own)")
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

// Load every --env-file given (before the parser reads DBCTL_* variables); return the problems
// of those unreadable or malformed (logged once logging is set up).
std::vector<std::string> load_env_files(int argc, char** argv) {
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") {
      break;
    }
    if (arg == "--env-file" && i + 1 < argc) {
      files.emplace_back(argv[++i]);
    } else if (arg.rfind("--env-file=", 0) == 0) {
      files.push_back(arg.substr(11));
    }
  }
  std::vector<std::string> problems;
  std::set<std::string> from_files;
  for (const auto& file : files) {
    std::string message;
    std::optional<std::string> text = util::read_text_file(file, k_max_env_file_bytes, message);
    if (!text) {
      problems.push_back("--env-file " + file + ": " + message);
      continue;
    }
    util::Dotenv parsed = util::parse_dotenv(*text, file);
    for (const auto& problem : parsed.diagnostics.errors()) {
      problems.push_back(util::to_string(problem));
    }
    // The environment a user set wins; among the files the last one wins, as with docker compose.
    for (const auto& [key, value] : parsed.variables) {
      if (from_files.count(key) != 0 || std::getenv(key.c_str()) == nullptr) {
        from_files.insert(key);
        setenv(key.c_str(), value.c_str(), 1);
      }
    }
  }
  return problems;
}

// The topology file's default, and DATABASE_URL where no topology file is given or found.
void settle_source(GlobalOptions& global) {
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
}

// Run the command with SIGINT/SIGTERM turned into an interruption; return its exit code, or
// 128 + the signal's number once one arrived.
int run_interruptible(const Command& chosen, Context& context) {
  util::Interrupt interrupt;
  int code = 0;
  {
    SignalWatcher watcher(interrupt); // before any thread of the command starts
    context.interrupt = &interrupt;
    code = static_cast<int>(run_guarded(chosen, context));
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

} // namespace

bool color_allowed(const GlobalOptions& global) {
  const char* no_color = std::getenv("NO_COLOR");
  return !global.no_color && (no_color == nullptr || *no_color == '\0');
}

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
  std::vector<std::string> env_file_problems = load_env_files(argc, argv);

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
  settle_source(global);
  Logging logging(verbosity_of(global), color_allowed(global));
  context.color = color_allowed(global) && isatty(STDOUT_FILENO) != 0;
  context.logging = &logging;
  if (!env_file_problems.empty()) {
    for (const auto& problem : env_file_problems) {
      spdlog::error("{}", problem);
    }
    return static_cast<int>(ExitCode::invalid);
  }
  if (chosen == nullptr) {
    spdlog::error("no command given; see dbctl --help");
    return static_cast<int>(ExitCode::invalid);
  }
  return run_interruptible(*chosen, context);
}

} // namespace dbctl::cli

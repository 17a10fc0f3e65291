// `dbctl up`: wait, init, migrate: the one-shot bootstrap.
#include "commands.hpp"
#include "project.hpp"
#include "steps.hpp"

#include <chrono>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace dbctl::cli {

namespace {

struct UpOptions {
  double timeout = 60;
  int lock_timeout = 60;
  bool keep_going = false;
};

ExitCode run_up(const Context& context, const UpOptions& options) {
  require_topology(context, "up");
  std::unique_ptr<Project> project = load_project(context, Scan::read_ahead);
  engine::Registry registry = registry_for(context);
  auto began = std::chrono::steady_clock::now();
  std::vector<ServerReady> ready = wait_for_servers(*project, registry, options.timeout, context.interrupt);
  await_files(*project); // init changes servers: every file must have been read first
  std::vector<ServerStatements> applied =
      init_servers(*project, registry, std::chrono::seconds(options.lock_timeout), context.interrupt);
  bool json = context.global.output == OutputFormat::json;
  if (!json) {
    print_applied(applied, OutputFormat::text, "nothing to do");
  }
  MigrateFlags flags;
  flags.options.lock_timeout = std::chrono::seconds(options.lock_timeout);
  flags.keep_going = options.keep_going;
  MigrateRun run = migrate_targets(context, *project, registry, flags);
  if (!json) {
    return report_migrate(context, *project, run);
  }
  print_json({{"wait", ready_json(ready)},
              {"init", statements_json(applied)},
              {"migrate", outcomes_json(*project, run.outcomes)},
              {"duration_ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::steady_clock::now() - began).count()}});
  return any_failed(run.outcomes) ? ExitCode::failed : ExitCode::ok;
}

} // namespace

Command up_command() {
  auto options = std::make_shared<UpOptions>();
  return {"up", "Wait for the servers, then init, then migrate: the one-shot bootstrap",
          [options](CLI::App& app) {
            app.add_option("--timeout", options->timeout, "Seconds to wait for the servers")
                ->check(CLI::Range(0.0, 86400.0));
            add_lock_timeout(app, options->lock_timeout, "Seconds to wait for another dbctl on the same server or target");
            app.add_flag("--keep-going", options->keep_going,
                         "Go on with the other targets after one fails");
          },
          [options](const Context& context) { return run_up(context, *options); }};
}

} // namespace dbctl::cli

// `dbctl up`: wait, init, migrate: the one-shot bootstrap.
#include "commands.hpp"
#include "metrics.hpp"
#include "progress.hpp"
#include "project.hpp"

#include "dbctl/ops/migrate.hpp"
#include "dbctl/ops/provision.hpp"
#include "dbctl/ops/wait.hpp"
#include "dbctl/report/migrate.hpp"
#include "dbctl/report/provision.hpp"

#include <chrono>
#include <iostream>

#include <CLI/CLI.hpp>

namespace dbctl::cli {

namespace {

struct UpOptions {
  double timeout = 60;
  int lock_timeout = 60;
  int failover_timeout = 60;
  RolloutOptions rollout;
  bool no_lint = false;
  std::string metrics_file;
};

ExitCode run_up(const Context& context, const UpOptions& options) {
  require_topology(context, "up");
  std::unique_ptr<Project> project = load_project(context, Scan::read_ahead);
  ops::MigrateFlags flags; // checked before anything is contacted
  flags.options.lock_timeout = std::chrono::seconds(options.lock_timeout);
  flags.failover_timeout = std::chrono::seconds(options.failover_timeout);
  apply_rollout(options.rollout, project->topology.rollout, flags);
  flags.lint = !options.no_lint;
  flags.command_timeout = std::chrono::seconds(context.global.statement_timeout);
  engine::Registry registry = registry_for(context);
  auto began = std::chrono::steady_clock::now();
  std::vector<ops::ServerReady> ready = ops::wait_for_servers(*project, registry, options.timeout, context.interrupt);
  ops::await_files(*project); // init changes servers: every file must have been read first
  std::vector<ops::ServerStatements> applied =
      ops::init_servers(*project, registry, flags.options.lock_timeout, context.interrupt, flags.failover_timeout,
                        ops::Prune::warn, context.global.jobs);
  bool json = context.global.output == OutputFormat::json;
  if (!json) {
    std::cout << report::applied_text(applied, "nothing to do");
  }
  ops::MigrateRun run;
  {
    Progress progress(context, project->selected().size(), !json);
    run = ops::migrate_targets(*project, registry, flags, progress.run_options());
  }
  long long took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began).count();
  write_metrics(options.metrics_file,
                {"up", project->topology.name.value, static_cast<double>(took) / 1000.0, 0,
                 !ops::any_failed(run.outcomes), std::nullopt},
                [&](const report::RunMetrics& metrics) {
                  return report::migrate_metrics(metrics, project->selected(), run.outcomes);
                });
  std::cout << (json ? report::up_json(ready, applied, project->selected(), run.outcomes, took)
                     : report::migrate_summary("migrate", project->selected(), run.outcomes, run.duration_ms,
                                               context.color));
  return ops::any_failed(run.outcomes) ? ExitCode::failed : ExitCode::ok;
}

} // namespace

Command up_command() {
  auto options = std::make_shared<UpOptions>();
  return {"up", "Wait for the servers, then init, then migrate: the one-shot bootstrap",
          [options](CLI::App& app) {
            app.add_option("--timeout", options->timeout, "Seconds to wait for the servers")
                ->check(CLI::Range(0.0, 86400.0));
            add_lock_timeout(app, options->lock_timeout, "Seconds to wait for another dbctl on the same server or target");
            add_failover_timeout(app, options->failover_timeout);
            add_rollout_options(app, options->rollout);
            add_no_lint(app, options->no_lint);
            add_metrics_file(app, options->metrics_file);
          },
          [options](const Context& context) { return run_up(context, *options); }};
}

} // namespace dbctl::cli

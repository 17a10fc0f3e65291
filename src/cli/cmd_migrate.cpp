// `dbctl migrate`: apply pending migrations to every selected target.
#include "commands.hpp"
#include "metrics.hpp"
#include "progress.hpp"
#include "project.hpp"

#include "dbctl/ops/migrate.hpp"
#include "dbctl/report/migrate.hpp"
#include "dbctl/util/error.hpp"

#include <chrono>
#include <iostream>

#include <CLI/CLI.hpp>

namespace dbctl::cli {

namespace {

struct MigrateCommandOptions {
  std::string target;
  bool dry_run = false;
  bool out_of_order = false;
  RolloutOptions rollout;
  int lock_timeout = 60;
  int failover_timeout = 60;
  bool no_lint = false;
  std::string metrics_file;
};

ExitCode run_migrate(const Context& context, const MigrateCommandOptions& options) {
  ops::MigrateFlags flags;
  if (!options.target.empty()) {
    flags.options.plan.target = migration::Version::parse(options.target);
    if (!flags.options.plan.target) {
      throw UsageError("--target " + options.target + " is not a version (digits separated by . or _)");
    }
  }
  flags.options.plan.out_of_order = options.out_of_order;
  flags.options.dry_run = options.dry_run;
  flags.options.lock_timeout = std::chrono::seconds(options.lock_timeout);
  flags.failover_timeout = std::chrono::seconds(options.failover_timeout);
  std::unique_ptr<Project> project = load_project(context, Scan::read_ahead);
  apply_rollout(options.rollout, project->topology.rollout, flags);
  flags.lint = !options.no_lint;
  flags.command_timeout = std::chrono::seconds(context.global.statement_timeout);
  bool json = context.global.output == OutputFormat::json;
  ops::MigrateRun run;
  {
    Progress progress(context, project->selected().size(), !json);
    run = ops::migrate_targets(*project, registry_for(context), flags, progress.run_options());
  }
  write_metrics(options.metrics_file,
                {"migrate", project->topology.name.value, static_cast<double>(run.duration_ms) / 1000.0, 0,
                 !ops::any_failed(run.outcomes), std::nullopt},
                [&](const report::RunMetrics& metrics) {
                  return report::migrate_metrics(metrics, project->selected(), run.outcomes);
                });
  std::cout << (json ? report::migrate_json(project->selected(), run.outcomes)
                     : report::migrate_summary("migrate", project->selected(), run.outcomes, run.duration_ms,
                                               context.color));
  return ops::any_failed(run.outcomes) ? ExitCode::failed : ExitCode::ok;
}

} // namespace

Command migrate_command() {
  auto options = std::make_shared<MigrateCommandOptions>();
  return {"migrate", "Apply pending migrations to every selected target",
          [options](CLI::App& app) {
            app.add_option("--target", options->target, "Apply versioned migrations up to this version");
            app.add_flag("--dry-run", options->dry_run, "Print what would run; change nothing");
            app.add_flag("--out-of-order", options->out_of_order,
                         "Apply pending versions older than the newest applied one");
            add_rollout_options(app, options->rollout);
            add_no_lint(app, options->no_lint);
            add_metrics_file(app, options->metrics_file);
            add_lock_timeout(app, options->lock_timeout, "Seconds to wait for another run migrating the same target");
            add_failover_timeout(app, options->failover_timeout);
          },
          [options](const Context& context) { return run_migrate(context, *options); }};
}

} // namespace dbctl::cli

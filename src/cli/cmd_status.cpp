// `dbctl status`: where every selected target stands.
#include "commands.hpp"
#include "metrics.hpp"
#include "progress.hpp"
#include "project.hpp"

#include "dbctl/ops/migrate.hpp"
#include "dbctl/report/status.hpp"

#include <chrono>
#include <iostream>

#include <CLI/CLI.hpp>

namespace dbctl::cli {

namespace {

struct StatusOptions {
  bool check = false;
  bool schema = false;
  std::string metrics_file;
};

ExitCode run_status(const Context& context, const StatusOptions& options) {
  std::unique_ptr<Project> project = load_project(context, Scan::read_ahead);
  auto began = std::chrono::steady_clock::now();
  ops::StatusRun run;
  {
    Progress progress(context, project->selected().size(), false); // the table comes at the end
    run = ops::status_targets(*project, registry_for(context), progress.run_options(),
                              options.schema ? ops::Schemas::compare : ops::Schemas::skip);
  }
  std::vector<report::StatusRow> rows = report::status_rows(project->selected(), run);
  bool store_failed = false;
  std::vector<report::StatusRow> redis = redis_rows(context, *project, store_failed);
  rows.insert(rows.end(), redis.begin(), redis.end());
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  write_metrics(options.metrics_file,
                {"status", project->topology.name.value, took, 0, !ops::any_failed(run.outcomes), std::nullopt},
                [&](const report::RunMetrics& metrics) {
                  // Redis namespaces have no migrations: the metrics are the SQL targets'.
                  return report::status_metrics(metrics, {rows.begin(), rows.begin() + static_cast<long>(project->selected().size())});
                });
  std::cout << (context.global.output == OutputFormat::json ? report::status_json(rows)
                                                            : report::status_table(rows, context.color));
  if (ops::any_failed(run.outcomes) || store_failed) {
    return ExitCode::failed; // the failures were logged, and the table shows them too
  }
  return options.check && !report::all_up_to_date(rows) ? ExitCode::check : ExitCode::ok;
}

} // namespace

Command status_command() {
  auto options = std::make_shared<StatusOptions>();
  return {"status", "Show each target's state, version, applied and pending migrations",
          [options](CLI::App& app) {
            app.add_flag("--check", options->check, "Exit 3 unless every target is up to date");
            app.add_flag("--schema", options->schema,
                         "Also read each target's schema from the catalogs: schema-drift when it differs from "
                         "the one recorded after its last migrate, or from the other targets of its service at "
                         "its version");
            add_metrics_file(app, options->metrics_file);
          },
          [options](const Context& context) { return run_status(context, *options); }};
}

} // namespace dbctl::cli

// `dbctl status`: where every selected target stands.
#include "commands.hpp"
#include "progress.hpp"
#include "project.hpp"

#include "dbctl/ops/migrate.hpp"
#include "dbctl/report/status.hpp"

#include <iostream>

#include <CLI/CLI.hpp>

namespace dbctl::cli {

namespace {

struct StatusOptions {
  bool check = false;
};

ExitCode run_status(const Context& context, const StatusOptions& options) {
  std::unique_ptr<Project> project = load_project(context, Scan::read_ahead);
  ops::StatusRun run;
  {
    Progress progress(context, project->selected.size(), false); // the table comes at the end
    run = ops::status_targets(*project, registry_for(context), progress.run_options());
  }
  std::vector<report::StatusRow> rows = report::status_rows(project->selected, run);
  std::cout << (context.global.output == OutputFormat::json ? report::status_json(rows)
                                                            : report::status_table(rows, context.color));
  if (ops::any_failed(run.outcomes)) {
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
          },
          [options](const Context& context) { return run_status(context, *options); }};
}

} // namespace dbctl::cli

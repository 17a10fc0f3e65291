// `dbctl status`: where every selected target stands.
#include "commands.hpp"
#include "project.hpp"
#include "steps.hpp"

#include "dbctl/report/status.hpp"

#include <iostream>

#include <CLI/CLI.hpp>

namespace dbctl::cli {

namespace {

struct StatusOptions {
  bool check = false;
};

report::StatusRow row_of(const targets::Target& target, const migration::MigrationPlan& plan) {
  report::StatusRow row;
  row.service = target.service;
  row.tenant = target.tenant;
  row.server = target.server->name;
  row.engine = std::string(topology::to_string(target.engine()));
  row.database = target.database;
  row.schema = target.schema;
  row.state = migration::to_string(plan.state);
  row.current_version = plan.current_version;
  row.applied = plan.applied;
  row.pending = plan.pending.size();
  row.issues = plan.issues;
  return row;
}

ExitCode run_status(const Context& context, const StatusOptions& options) {
  std::unique_ptr<Project> project = load_project(context, Scan::with_migrations);
  engine::Registry registry = engine::default_registry();
  std::vector<report::StatusRow> rows;
  bool all_current = true;
  for (const auto& target : project->selected) {
    auto session = registry.get(target.engine()).target(target);
    migration::MigrationPlan plan = migration::inspect(*session, target, files_of(*project, target));
    all_current = all_current && plan.state == migration::State::up_to_date;
    rows.push_back(row_of(target, plan));
  }
  std::cout << (context.global.output == OutputFormat::json ? report::status_json(rows)
                                                            : report::status_table(rows));
  return options.check && !all_current ? ExitCode::check : ExitCode::ok;
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

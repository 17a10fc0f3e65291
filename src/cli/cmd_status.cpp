// `dbctl status`: where every selected target stands.
#include "commands.hpp"
#include "project.hpp"
#include "fanout.hpp"
#include "steps.hpp"

#include "dbctl/report/status.hpp"

#include <iostream>

#include <CLI/CLI.hpp>

namespace dbctl::cli {

namespace {

struct StatusOptions {
  bool check = false;
};

report::StatusRow row_of(const targets::Target& target) {
  report::StatusRow row;
  row.service = target.service;
  row.tenant = target.tenant;
  row.server = target.server->name;
  row.engine = std::string(topology::to_string(target.engine()));
  row.database = target.database;
  row.schema = target.schema;
  return row;
}

report::StatusRow row_of(const targets::Target& target, const migration::MigrationPlan& plan) {
  report::StatusRow row = row_of(target);
  row.state = migration::to_string(plan.state);
  row.current_version = plan.current_version;
  row.applied = plan.applied;
  row.pending = plan.pending.size();
  row.issues = plan.issues;
  return row;
}

// A target that could not be inspected still gets its row: state "error", the reason as its
// issue, so that every selected target appears exactly once.
report::StatusRow error_row(const targets::Target& target, const std::optional<Outcome>& outcome) {
  report::StatusRow row = row_of(target);
  row.state = "error";
  std::string prefix = target.key() + ": ";
  std::string message = outcome && !outcome->error.empty() ? outcome->error
                                                            : "not inspected: the run was interrupted";
  row.issues.push_back(message.rfind(prefix, 0) == 0 ? message.substr(prefix.size()) : message);
  return row;
}

ExitCode run_status(const Context& context, const StatusOptions& options) {
  std::unique_ptr<Project> project = load_project(context, Scan::read_ahead);
  engine::Registry registry = registry_for(context);
  std::vector<report::StatusRow> rows(project->selected.size());
  FanoutOptions fanout;
  fanout.keep_going = true; // report every target that can be reached
  fanout.lines = false;     // the table comes at the end, in topology order
  auto outcomes = fan_out(context, *project, fanout, [&](std::size_t index, const targets::Target& target, engine::Keep& keep) {
    auto session = registry.get(target.engine()).target(target, &keep);
    session->connect_ahead(); // log in and read history while the migration files are still being read
    migration::MigrationPlan plan = migration::inspect(
        *session, target, [&]() -> const migration::MigrationSet& { return files_of(*project, target); });
    rows[index] = row_of(target, plan); // each job writes only its own slot
    Outcome inspected;
    inspected.state = "inspected";
    return inspected;
  });
  const std::string up_to_date = migration::to_string(migration::State::up_to_date);
  bool all_current = true;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    if (!outcomes[i] || outcomes[i]->state != "inspected") {
      rows[i] = error_row(project->selected[i], outcomes[i]);
    }
    all_current = all_current && rows[i].state == up_to_date;
  }
  std::cout << (context.global.output == OutputFormat::json ? report::status_json(rows)
                                                            : report::status_table(rows, context.color));
  if (any_failed(outcomes)) {
    return ExitCode::failed; // the failures were logged, and the table shows them too
  }
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

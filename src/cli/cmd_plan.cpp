// `dbctl plan`: read the servers and print every statement `init` would run.
#include "commands.hpp"
#include "project.hpp"

#include "dbctl/ops/migrate.hpp"
#include "dbctl/ops/provision.hpp"
#include "dbctl/report/provision.hpp"

#include <iostream>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

namespace dbctl::cli {

namespace {

struct PlanOptions {
  bool check = false;
};

ExitCode run_plan(const Context& context, const PlanOptions& options) {
  require_topology(context, "plan");
  std::unique_ptr<Project> project = load_project(context, Scan::with_migrations);
  engine::Registry registry = registry_for(context);
  std::vector<ops::ServerStatements> plans;
  for (auto& server : ops::plan_servers(*project, registry, std::nullopt)) {
    plans.push_back(std::move(server.plan)); // what init would refuse, plan refused alike (exit 2)
  }
  // Migrations each target would get; a database init has yet to create gets them all.
  std::vector<ops::Inspected> migrations = ops::inspect_targets(*project, registry);
  std::size_t changes = report::plan_changes(plans, migrations);
  if (context.global.output == OutputFormat::json) {
    std::cout << report::plan_json(plans, migrations);
  } else {
    std::cout << report::plan_text(plans, migrations);
    if (changes == 0) {
      spdlog::info("the servers and their migrations match the topology");
    }
  }
  return options.check && changes > 0 ? ExitCode::check : ExitCode::ok;
}

} // namespace

Command plan_command() {
  auto options = std::make_shared<PlanOptions>();
  return {"plan",
          "Connect read-only; print every statement init would run and the migrations migrate would apply",
          [options](CLI::App& app) {
            app.add_flag("--check", options->check, "Exit 3 when anything would change or drift is found");
          },
          [options](const Context& context) { return run_plan(context, *options); }};
}

} // namespace dbctl::cli

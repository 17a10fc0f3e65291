// `dbctl plan`: read the servers and print every statement `init` would run.
#include "commands.hpp"
#include "project.hpp"
#include "servers.hpp"

#include "dbctl/provision/provision.hpp"

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
  engine::Registry registry = engine::default_registry();
  std::vector<ServerStatements> plans;
  for (const auto& group : group_by_server(*project)) {
    spdlog::debug("{}: reading the catalogs", group.server->name);
    auto session = registry.get(group.server->engine->value).admin(*group.server);
    provision::DesiredState desired =
        provision::desired_state(group.selected, group.all, session->info());
    plans.push_back({group.server, provision::plan(*session, desired, group.server->name)});
  }
  print_statements(plans, context.global.output, "to apply");
  if (context.global.output == OutputFormat::text && count(plans) == 0) {
    spdlog::info("the servers match the topology");
  }
  return options.check && count(plans) > 0 ? ExitCode::check : ExitCode::ok;
}

} // namespace

Command plan_command() {
  auto options = std::make_shared<PlanOptions>();
  return {"plan",
          "Connect read-only and print every statement init would run (secrets masked)",
          [options](CLI::App& app) {
            app.add_flag("--check", options->check, "Exit 3 when anything would change");
          },
          [options](const Context& context) { return run_plan(context, *options); }};
}

} // namespace dbctl::cli

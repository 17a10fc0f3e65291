// `dbctl plan`: read the servers and print every statement `init` would run.
#include "commands.hpp"
#include "project.hpp"
#include "servers.hpp"

#include "steps.hpp"

#include "dbctl/migration/runner.hpp"

#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
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
  std::vector<ServerStatements> plans;
  for (auto& server : plan_servers(*project, registry, std::nullopt)) {
    plans.push_back(std::move(server.plan)); // what init would refuse, plan refused alike (exit 2)
  }
  // Migrations each target would get; a database init has yet to create gets them all.
  nlohmann::ordered_json migrations = nlohmann::ordered_json::array();
  std::size_t pending = 0;
  std::vector<std::string> lines;
  for (const auto& target : project->selected) {
    if (!target.migrations) {
      continue; // migrations: none
    }
    auto session = registry.get(target.engine()).target(target);
    migration::MigrationPlan plan = migration::inspect(
        *session, target, [&]() -> const migration::MigrationSet& { return files_of(*project, target); });
    nlohmann::ordered_json scripts = nlohmann::ordered_json::array();
    std::string list;
    for (const auto* file : plan.pending) {
      scripts.push_back(file->script);
      list += (list.empty() ? "" : ", ") + file->script;
    }
    pending += plan.pending.size() + plan.problems.size();
    migrations.push_back({{"target", target.key()}, {"state", migration::to_string(plan.state)},
                          {"pending", scripts}, {"issues", plan.problems}});
    if (!plan.pending.empty()) {
      lines.push_back(target.key() + ": " + std::to_string(plan.pending.size()) + " migration" +
                      (plan.pending.size() == 1 ? "" : "s") + " to apply: " + list);
    }
    for (const auto& problem : plan.problems) {
      lines.push_back(target.key() + ": " + problem);
    }
  }
  if (context.global.output == OutputFormat::json) {
    nlohmann::ordered_json doc = statements_json(plans);
    doc["migrations"] = std::move(migrations);
    print_json(doc);
  } else {
    print_statements(plans, OutputFormat::text, "to apply");
    for (const auto& line : lines) {
      std::cout << line << "\n";
    }
    if (count(plans) == 0 && pending == 0) {
      spdlog::info("the servers and their migrations match the topology");
    }
  }
  return options.check && count(plans) + pending > 0 ? ExitCode::check : ExitCode::ok;
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

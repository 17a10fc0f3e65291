// `dbctl plan`: read the servers and print every statement `init` would run.
#include "commands.hpp"
#include "project.hpp"

#include "dbctl/ops/migrate.hpp"
#include "dbctl/ops/provision.hpp"
#include "dbctl/report/provision.hpp"

#include "dbctl/util/error.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

namespace dbctl::cli {

namespace {

struct PlanOptions {
  bool check = false;
  bool sql = false;
  std::string out;
};

// plan --out: each part in its file (replaced), the paths printed.
void write_parts(const std::string& dir, const std::vector<report::SqlPart>& parts) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    throw Error("--out " + dir + ": " + ec.message());
  }
  for (const auto& part : parts) {
    std::filesystem::path file = std::filesystem::path(dir) / part.file;
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << part.text;
    if (!out.flush()) {
      throw Error("--out: cannot write " + file.string());
    }
    std::cout << file.string() << "\n";
  }
}

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
  bool sql = options.sql || !options.out.empty();
  std::vector<std::vector<ops::PendingSql>> pending;
  if (sql) {
    for (const auto& inspected : migrations) {
      pending.push_back(ops::pending_sql(inspected));
    }
  }
  if (!options.out.empty()) {
    write_parts(options.out, report::plan_sql(plans, migrations, pending));
  } else if (context.global.output == OutputFormat::json) {
    std::cout << report::plan_json(plans, migrations, sql ? &pending : nullptr);
  } else if (sql) {
    for (const auto& part : report::plan_sql(plans, migrations, pending)) {
      std::cout << part.text << "\n";
    }
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
            app.add_flag("--sql", options->sql,
                         "Print the SQL itself: init's statements per server, then each target's pending migrations "
                         "with their contents, passwords as <redacted> (the same bytes for the same state)");
            app.add_option("--out", options->out, "Write the --sql plan to this folder, a file per server and target");
          },
          [options](const Context& context) { return run_plan(context, *options); }};
}

} // namespace dbctl::cli

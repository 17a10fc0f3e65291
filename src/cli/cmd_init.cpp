// `dbctl init`: create the databases, schemas, roles, grants and extensions; converge.
#include "commands.hpp"
#include "project.hpp"

#include "dbctl/ops/provision.hpp"
#include "dbctl/report/provision.hpp"

#include <iostream>

#include <CLI/CLI.hpp>

namespace dbctl::cli {

namespace {

struct InitOptions {
  int lock_timeout = 60;
  int failover_timeout = 60;
  bool prune = false;
};

ExitCode run_init(const Context& context, const InitOptions& options) {
  require_topology(context, "init");
  std::unique_ptr<Project> project = load_project(context, Scan::with_migrations);
  std::vector<ops::ServerStatements> applied = ops::init_servers(
      *project, registry_for(context), std::chrono::seconds(options.lock_timeout), context.interrupt,
      std::chrono::seconds(options.failover_timeout), options.prune ? ops::Prune::apply : ops::Prune::warn,
      context.global.jobs);
  std::cout << (context.global.output == OutputFormat::json ? report::statements_json(applied)
                                                            : report::applied_text(applied, "nothing to do"));
  return ExitCode::ok;
}

} // namespace

Command init_command() {
  auto options = std::make_shared<InitOptions>();
  return {"init",
          "Create the databases, schemas, roles, grants and extensions the topology describes",
          [options](CLI::App& app) {
            add_lock_timeout(app, options->lock_timeout, "Seconds to wait for another dbctl provisioning the same server");
            add_failover_timeout(app, options->failover_timeout);
            app.add_flag("--prune", options->prune,
                         "Also remove what dbctl manages that the topology no longer asks for: revoke access and "
                         "memberships, drop removed roles, and drop or let go of databases and schemas as "
                         "prune.roles says (keep: hand to the admin; drop)");
          },
          [options](const Context& context) { return run_init(context, *options); }};
}

} // namespace dbctl::cli

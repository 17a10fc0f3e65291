// `dbctl destroy --yes`: drop the databases, schemas and roles the topology manages.
#include "commands.hpp"
#include "project.hpp"

#include "dbctl/ops/provision.hpp"
#include "dbctl/report/provision.hpp"
#include "dbctl/util/error.hpp"

#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>

namespace dbctl::cli {

namespace {

struct DestroyOptions {
  bool yes = false;
  bool flush = false;
  int lock_timeout = 60;
};

ExitCode run_destroy(const Context& context, const DestroyOptions& options) {
  require_topology(context, "destroy");
  if (!options.yes) {
    throw UsageError("destroy drops every database, schema and role the topology manages, with "
                     "their data; run it again with --yes to do so");
  }
  std::unique_ptr<Project> project = load_project(context, Scan::topology_only);
  std::vector<ops::ServerStatements> done = ops::destroy_servers(
      *project, registry_for(context), std::chrono::seconds(options.lock_timeout), context.interrupt, options.flush);
  std::cout << (context.global.output == OutputFormat::json ? report::statements_json(done)
                                                            : report::applied_text(done, "nothing to drop"));
  return ExitCode::ok;
}

} // namespace

Command destroy_command() {
  auto options = std::make_shared<DestroyOptions>();
  return {"destroy",
          "Drop the databases, schemas and roles (and Redis ACL users) the topology manages (refuses without --yes)",
          [options](CLI::App& app) {
            app.add_flag("--yes", options->yes, "Really drop them, with their data");
            app.add_flag("--flush", options->flush,
                         "Also delete the keys of each Redis namespace (without it, only the ACL users go)");
            add_lock_timeout(app, options->lock_timeout, "Seconds to wait for another dbctl provisioning the same server");
          },
          [options](const Context& context) { return run_destroy(context, *options); }};
}

} // namespace dbctl::cli

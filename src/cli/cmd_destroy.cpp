// `dbctl destroy --yes`: drop the databases, schemas and roles the topology manages.
#include "commands.hpp"
#include "project.hpp"
#include "servers.hpp"

#include "dbctl/provision/provision.hpp"
#include "dbctl/util/error.hpp"

#include <map>
#include <memory>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

namespace dbctl::cli {

namespace {

struct DestroyOptions {
  bool yes = false;
  int lock_timeout = 60;
};

ExitCode run_destroy(const Context& context, const DestroyOptions& options) {
  require_topology(context, "destroy");
  if (!options.yes) {
    throw UsageError("destroy drops every database, schema and role the topology manages, with "
                     "their data; run it again with --yes to do so");
  }
  std::unique_ptr<Project> project = load_project(context, Scan::topology_only);
  engine::Registry registry = registry_for(context);
  // Entries of the topology that reach one physical server are torn down as one, through the
  // first one's session: a role granted in the databases of two entries is dropped once, after
  // what it holds in all of them.
  std::vector<ServerGroup> groups;
  std::vector<std::unique_ptr<engine::AdminSession>> sessions;
  std::map<std::string, std::size_t> by_identity;
  for (auto& group : group_by_server(*project)) {
    auto session = registry.get(group.server->engine->value).admin(*group.server);
    auto [first, fresh] = by_identity.emplace(session->identity(), groups.size());
    if (fresh) {
      groups.push_back(std::move(group));
      sessions.push_back(std::move(session));
      continue;
    }
    ServerGroup& into = groups[first->second];
    into.selected.insert(into.selected.end(), group.selected.begin(), group.selected.end());
    into.all.insert(into.all.end(), group.all.begin(), group.all.end());
  }
  std::vector<ServerStatements> done;
  for (std::size_t i = 0; i < groups.size(); ++i) {
    engine::AdminSession& session = *sessions[i];
    auto lock = session.lock("provision", std::chrono::seconds(options.lock_timeout));
    provision::Teardown teardown = provision::teardown(groups[i].selected, groups[i].all, session.info());
    ServerStatements plan{groups[i].server, provision::plan_teardown(session, teardown), std::nullopt};
    execute_logged(session, plan, context.interrupt);
    done.push_back(std::move(plan));
  }
  print_applied(done, context.global.output, "nothing to drop");
  return ExitCode::ok;
}

} // namespace

Command destroy_command() {
  auto options = std::make_shared<DestroyOptions>();
  return {"destroy",
          "Drop the databases, schemas and roles the topology manages (refuses without --yes)",
          [options](CLI::App& app) {
            app.add_flag("--yes", options->yes, "Really drop them, with their data");
            add_lock_timeout(app, options->lock_timeout, "Seconds to wait for another dbctl provisioning the same server");
          },
          [options](const Context& context) { return run_destroy(context, *options); }};
}

} // namespace dbctl::cli

// `dbctl init`: create the databases, schemas, roles, grants and extensions; converge.
#include "commands.hpp"
#include "project.hpp"
#include "servers.hpp"
#include "steps.hpp"

#include "dbctl/provision/provision.hpp"

#include <exception>
#include <future>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

namespace dbctl::cli {

namespace {

struct InitOptions {
  int lock_timeout = 60;
};

ExitCode run_init(const Context& context, const InitOptions& options) {
  require_topology(context, "init");
  std::unique_ptr<Project> project = load_project(context, Scan::with_migrations);
  std::vector<ServerStatements> applied = init_servers(
      *project, registry_for(context), std::chrono::seconds(options.lock_timeout), context.interrupt);
  print_applied(applied, context.global.output, "nothing to do");
  return ExitCode::ok;
}

} // namespace

std::vector<ServerStatements> init_servers(const Project& project, const engine::Registry& registry,
                                           std::chrono::seconds lock_timeout,
                                           const util::Interrupt* interrupt) {
  // Each server on a thread of its own (shards are independent); a server's failure does not
  // stop the others, and the first failure, in topology order, is thrown once all have ended.
  auto groups = group_by_server(project);
  std::vector<std::future<ServerStatements>> runs;
  for (const auto& group : groups) {
    runs.push_back(std::async(std::launch::async, [&registry, &group, lock_timeout, interrupt] {
      auto session = registry.get(group.server->engine->value).admin(*group.server);
      // One provisioning run per server at a time: concurrent GRANTs on one catalog row fail
      // with "tuple concurrently updated", and two runs would plan the same CREATEs. The
      // catalogs are read after the lock, so each run plans from what the last one left.
      auto lock = session->lock("provision", lock_timeout);
      provision::DesiredState desired =
          provision::desired_state(group.selected, group.all, session->info());
      ServerStatements plan{group.server, provision::plan(*session, desired, group.server->name)};
      execute_logged(*session, plan, interrupt);
      return plan;
    }));
  }
  std::vector<ServerStatements> applied;
  std::exception_ptr failure;
  for (auto& run : runs) {
    try {
      applied.push_back(run.get());
    } catch (...) {
      failure = failure ? failure : std::current_exception();
    }
  }
  if (failure) {
    std::rethrow_exception(failure);
  }
  return applied;
}

Command init_command() {
  auto options = std::make_shared<InitOptions>();
  return {"init",
          "Create the databases, schemas, roles, grants and extensions the topology describes",
          [options](CLI::App& app) {
            add_lock_timeout(app, options->lock_timeout, "Seconds to wait for another dbctl provisioning the same server");
          },
          [options](const Context& context) { return run_init(context, *options); }};
}

} // namespace dbctl::cli

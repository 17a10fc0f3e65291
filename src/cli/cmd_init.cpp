// `dbctl init`: create the databases, schemas, roles, grants and extensions; converge.
#include "commands.hpp"
#include "project.hpp"
#include "servers.hpp"
#include "steps.hpp"

#include "dbctl/provision/provision.hpp"
#include "dbctl/util/error.hpp"

#include <exception>
#include <future>
#include <optional>

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

namespace {

// One server checked and planned; nothing planned when it cannot host its services.
struct Checked {
  PlannedServer server;
  std::vector<util::Diagnostic> problems;
};

Checked plan_server(const engine::Registry& registry, const Project& project, const ServerGroup& group,
                    std::optional<std::chrono::seconds> lock_timeout) {
  Checked out;
  spdlog::debug("{}: reading the catalogs", group.server->name);
  out.server.session = registry.get(group.server->engine->value).admin(*group.server);
  // One provisioning run per server at a time: concurrent GRANTs on one catalog row fail with
  // "tuple concurrently updated", and two runs would plan the same CREATEs. The catalogs are
  // read after the lock, so each run plans from what the last one left.
  if (lock_timeout) {
    out.server.lock = out.server.session->lock("provision", *lock_timeout);
  }
  out.problems = provision::check_hosting(*out.server.session, project.topology, group.selected);
  out.server.plan.server = group.server;
  if (out.problems.empty()) {
    provision::DesiredState desired =
        provision::desired_state(group.selected, group.all, out.server.session->info());
    out.server.plan.statements = provision::plan(*out.server.session, desired, group.server->name);
  }
  return out;
}

// Wait for every run; rethrow the first failure, in topology order, once all have ended.
template <typename T> std::vector<T> join_all(std::vector<std::future<T>>& runs) {
  std::vector<T> out;
  std::exception_ptr failure;
  for (auto& run : runs) {
    try {
      out.push_back(run.get());
    } catch (...) {
      failure = failure ? failure : std::current_exception();
    }
  }
  if (failure) {
    std::rethrow_exception(failure);
  }
  return out;
}

} // namespace

std::vector<PlannedServer> plan_servers(const Project& project, const engine::Registry& registry,
                                        std::optional<std::chrono::seconds> lock_timeout) {
  // Each server on a thread of its own (shards are independent).
  auto groups = group_by_server(project);
  std::vector<std::future<Checked>> planning;
  for (const auto& group : groups) {
    planning.push_back(std::async(std::launch::async, [&registry, &project, &group, lock_timeout] {
      return plan_server(registry, project, group, lock_timeout);
    }));
  }
  std::vector<Checked> checked = join_all(planning);
  std::vector<util::Diagnostic> problems;
  std::vector<PlannedServer> planned;
  for (auto& server : checked) {
    problems.insert(problems.end(), server.problems.begin(), server.problems.end());
    planned.push_back(std::move(server.server));
  }
  if (!problems.empty()) {
    throw ConfigError(problems); // exit 2: the topology asks for what a server cannot give
  }
  return planned;
}

std::vector<ServerStatements> init_servers(const Project& project, const engine::Registry& registry,
                                           std::chrono::seconds lock_timeout,
                                           const util::Interrupt* interrupt) {
  // Every server is checked and planned before any executes, so a server that cannot host its
  // services (too old, an extension missing) stops the run with nothing changed anywhere; once
  // execution starts, a server's failure does not stop the others.
  std::vector<PlannedServer> planned = plan_servers(project, registry, lock_timeout);
  std::vector<std::future<ServerStatements>> runs;
  for (auto& server : planned) {
    runs.push_back(std::async(std::launch::async, [&server, interrupt] {
      execute_logged(*server.session, server.plan, interrupt);
      return server.plan;
    }));
  }
  return join_all(runs);
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

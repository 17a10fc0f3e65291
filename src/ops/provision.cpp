#include "dbctl/ops/provision.hpp"

#include "dbctl/provision/provision.hpp"
#include "dbctl/util/error.hpp"

#include <algorithm>
#include <exception>
#include <future>
#include <map>
#include <set>

#include <spdlog/spdlog.h>

namespace dbctl::ops {

namespace {

// What `init` would run on a server to converge its selected targets, from the catalogs the
// session reads (once, then cached).
std::vector<engine::Statement> plan_statements(engine::AdminSession& session, const ServerGroup& group) {
  provision::DesiredState desired = provision::desired_state(group.selected, group.all, session.info());
  return provision::plan(session, desired, group.server->name);
}

// One server checked and planned; nothing planned when it cannot host its services.
struct Checked {
  PlannedServer server;
  std::vector<util::Diagnostic> problems;
};

// Open a server's admin session and learn which physical server it reaches.
Checked open_server(const engine::Registry& registry, const ServerGroup& group) {
  Checked out;
  spdlog::debug("{}: reading the catalogs", group.server->name);
  out.server.session = registry.get(group.server->engine->value).admin(*group.server);
  out.server.identity = out.server.session->identity();
  out.server.plan.server = group.server;
  out.server.group = group;
  return out;
}

// Check what a server's services need and plan its statements (after its lock, if any).
void plan_server(const Project& project, Checked& out) {
  out.problems = provision::check_hosting(*out.server.session, project.topology, out.server.group.selected);
  if (out.problems.empty()) {
    out.server.plan.statements = plan_statements(*out.server.session, out.server.group);
  }
}

// Wait for every run; rethrow the first failure, in topology order, once all have ended.
void join_all(std::vector<std::future<void>>& runs) {
  std::exception_ptr failure;
  for (auto& run : runs) {
    try {
      run.get();
    } catch (...) {
      failure = failure ? failure : std::current_exception();
    }
  }
  if (failure) {
    std::rethrow_exception(failure);
  }
}

} // namespace

std::vector<PlannedServer> plan_servers(const Project& project, const engine::Registry& registry,
                                        std::optional<std::chrono::seconds> lock_timeout) {
  // Each server on a thread of its own (shards are independent), but the provisioning locks one
  // after another in the order of the servers' identities: two runs each holding one server's
  // lock and waiting for another's (a PostgreSQL and a Redis server of two projects) would wait
  // for each other until both timed out.
  std::vector<ServerGroup> groups = group_by_server(project);
  std::vector<Checked> checked(groups.size());
  std::vector<std::future<void>> opening;
  for (std::size_t i = 0; i < groups.size(); ++i) {
    opening.push_back(std::async(std::launch::async, [&registry, &groups, &checked, i] {
      checked[i] = open_server(registry, groups[i]);
    }));
  }
  join_all(opening);
  if (lock_timeout) {
    // One lock per physical server, however many entries of the topology reach it (two shards
    // on localhost in development, two names of one host): a second lock of the same name
    // would wait for the run's own first one.
    std::set<std::string> locked;
    std::vector<Checked*> by_identity;
    for (auto& server : checked) {
      by_identity.push_back(&server);
    }
    std::stable_sort(by_identity.begin(), by_identity.end(),
                     [](const Checked* a, const Checked* b) { return a->server.identity < b->server.identity; });
    for (Checked* server : by_identity) {
      // One provisioning run per server at a time: concurrent GRANTs on one catalog row fail
      // with "tuple concurrently updated", and two runs would plan the same CREATEs. The
      // catalogs are read after the lock, so each run plans from what the last one left.
      if (locked.insert(server->server.identity).second) {
        server->server.lock = server->server.session->lock("provision", *lock_timeout);
      }
    }
  }
  std::vector<std::future<void>> planning;
  for (auto& server : checked) {
    planning.push_back(std::async(std::launch::async, [&project, &server] { plan_server(project, server); }));
  }
  join_all(planning);
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
                                           std::chrono::seconds lock_timeout, const util::Interrupt* interrupt,
                                           std::chrono::seconds failover_timeout) {
  // Every server is checked and planned before any executes, so a server that cannot host its
  // services (too old, an extension missing) stops the run with nothing changed anywhere; once
  // execution starts, a server's failure does not stop the others.
  std::vector<PlannedServer> planned = plan_servers(project, registry, lock_timeout);
  // Entries that reach one physical server run one after another on one thread, under the
  // lock one of them holds, each planned again right before it runs (after the one before
  // it), since they may manage the same roles (cluster-wide on PostgreSQL).
  std::map<std::string, std::vector<PlannedServer*>> same_server;
  for (auto& server : planned) {
    same_server[server.identity].push_back(&server);
  }
  FailoverWatch failover(failover_timeout, interrupt);
  for (const auto& server : planned) {
    FailoverWatch::reached(server.plan.server->name); // its catalogs were read just now
  }
  std::vector<std::future<void>> runs;
  for (auto& [identity, entries] : same_server) {
    runs.push_back(std::async(std::launch::async, [&entries = entries, &registry, &failover, interrupt,
                                                   lock_timeout] {
      for (std::size_t i = 0; i < entries.size(); ++i) {
        PlannedServer& server = *entries[i];
        // Only a plan read under the lock before anything else ran here is still current.
        bool current = i == 0 && server.lock;
        bool lost = false;
        failover.run(*server.plan.server, server.plan.server->name + ": ", server.plan.failovers, [&] {
          if (lost) {
            // After a failover: the lock and sessions went with the old primary; the new one
            // is locked and its catalogs read again, and what is left of the plan runs there
            // (the statements that ran stay in the report).
            server.lock.reset();
            server.locking.reset();
            server.session = registry.get(server.plan.server->engine->value).admin(*server.plan.server);
            server.lock = server.session->lock("provision", lock_timeout);
            std::vector<engine::Statement> statements(server.plan.statements.begin(),
                                                      server.plan.statements.begin() +
                                                          static_cast<std::ptrdiff_t>(server.plan.ran));
            for (auto& statement : plan_statements(*server.session, server.group)) {
              statements.push_back(std::move(statement));
            }
            server.plan.statements = std::move(statements);
          } else if (entries.size() > 1 && !current) {
            spdlog::debug("{}: the same server as {}: planning again", server.plan.server->name,
                          entries[i == 0 ? 1 : 0]->plan.server->name);
            auto fresh = registry.get(server.plan.server->engine->value).admin(*server.plan.server);
            if (server.lock) {
              server.locking = std::move(server.session); // the lock stays on its connection
            }
            server.session = std::move(fresh);
            server.plan.statements = plan_statements(*server.session, server.group);
          }
          lost = true; // an attempt that throws has lost its session when it is retried
          execute_logged(*server.session, server.plan, interrupt);
        });
      }
    }));
  }
  join_all(runs);
  std::vector<ServerStatements> out;
  for (auto& server : planned) {
    out.push_back(server.plan);
  }
  return out;
}

std::vector<ServerStatements> destroy_servers(const Project& project, const engine::Registry& registry,
                                              std::chrono::seconds lock_timeout,
                                              const util::Interrupt* interrupt, bool flush) {
  // Entries of the topology that reach one physical server are torn down as one, through the
  // first one's session: a role granted in the databases of two entries is dropped once, after
  // what it holds in all of them.
  std::vector<ServerGroup> groups;
  std::vector<std::unique_ptr<engine::AdminSession>> sessions;
  std::map<std::string, std::size_t> by_identity;
  for (auto& group : group_by_server(project)) {
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
    auto lock = session.lock("provision", lock_timeout);
    provision::Teardown teardown = provision::teardown(groups[i].selected, groups[i].all, session.info(), flush);
    ServerStatements plan;
    plan.server = groups[i].server;
    plan.statements = provision::plan_teardown(session, teardown);
    execute_logged(session, plan, interrupt);
    done.push_back(std::move(plan));
  }
  return done;
}

std::vector<StoreStatus> inspect_stores(const Project& project, const engine::Registry& registry) {
  std::vector<StoreStatus> out(project.selected_stores.size());
  std::vector<std::future<void>> runs;
  for (const auto& server : project.topology.servers) {
    std::vector<std::size_t> mine;
    for (std::size_t i = 0; i < project.selected_stores.size(); ++i) {
      if (project.selected_stores[i].server == &server) {
        mine.push_back(i);
      }
    }
    if (mine.empty()) {
      continue;
    }
    runs.push_back(std::async(std::launch::async, [&project, &registry, &server, &out, mine] {
      try {
        auto session = registry.get(server.engine->value).admin(server);
        for (std::size_t i : mine) {
          StoreStatus& status = out[i];
          status.state = session->inspect(provision::acl_user_spec(project.selected_stores[i]), status.issues);
        }
      } catch (const Error& e) {
        for (std::size_t i : mine) {
          if (!out[i].state) {
            out[i].error = e.what();
          }
        }
      }
    }));
  }
  for (auto& run : runs) {
    run.get();
  }
  return out;
}

} // namespace dbctl::ops

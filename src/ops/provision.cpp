#include "dbctl/ops/provision.hpp"

#include "dbctl/provision/provision.hpp"
#include "dbctl/provision/prune.hpp"
#include "dbctl/util/error.hpp"

#include <algorithm>
#include <exception>
#include <future>
#include <map>
#include <set>
#include <string_view>
#include <unordered_set>

#include <spdlog/spdlog.h>

namespace dbctl::ops {

namespace {

// What `init` would run on a server to converge its selected targets, from the catalogs the
// session reads (once, then cached).
// Then the marks of what it manages, and what the project's marks show that the topology no
// longer asks for (listed in `plan`; pruned with Prune::apply).
std::vector<engine::Statement> plan_statements(engine::AdminSession& session, const ServerGroup& group,
                                               const Project& project, Prune prune, ServerStatements& plan) {
  const engine::AdminInfo& admin = session.info();
  provision::DesiredState desired = provision::desired_state(group.selected, group.all, admin);
  provision::Lanes lanes;
  std::vector<engine::Statement> out = provision::plan(session, desired, group.server->name, lanes);
  // What the server's marked objects are compared with: every target that reaches it, which is
  // the selection itself when it holds them all (a fleet's state is then built once).
  const targets::TargetRefs& everyone = group.same_server.empty() ? group.all : group.same_server;
  std::optional<provision::DesiredState> all_wanted;
  if (&everyone != &group.all || group.selected.size() != group.all.size()) {
    all_wanted = provision::desired_state(everyone, everyone, admin);
  }
  const provision::DesiredState& wanted = all_wanted ? *all_wanted : desired;
  std::vector<std::string> holding; // the databases where marked schemas may be
  std::unordered_set<std::string_view> held;
  for (const auto& schema : wanted.schemas) {
    if (held.insert(schema.database).second) {
      holding.push_back(schema.database);
    }
  }
  const std::string& name = project.topology.name.value;
  engine::Managed managed = session.managed(name, holding);
  provision::plan_marks(session, name, provision::marks_of(desired), lanes, out);
  topology::PruneRoles roles = project.topology.prune_roles.value;
  provision::Unwanted unwanted = provision::unwanted(managed, wanted, admin, roles);
  plan.unwanted = provision::describe(unwanted, roles, admin.user);
  spdlog::debug("{}: {} marked roles, {} marked databases; {} unwanted", group.server->name, managed.roles.size(),
                managed.databases.size(), plan.unwanted.size());
  if (prune == Prune::apply) {
    std::vector<engine::Statement> pruning = provision::plan_prune(session, unwanted, roles, managed);
    out.insert(out.end(), std::make_move_iterator(pruning.begin()), std::make_move_iterator(pruning.end()));
  } else if (prune == Prune::warn) {
    for (const auto& line : plan.unwanted) {
      spdlog::warn("{}: not in the topology: {}; left as it is without --prune", group.server->name, line);
    }
  }
  return out;
}

// The most lanes a server's init runs at once (init -j), whatever -j says.
constexpr int k_most_lanes = 16;

// The lock the `helper`th session of a run's lanes holds while it lives. A killed run's lock
// holder may end before a statement it left running on a helper's connection (PostgreSQL
// finishes a CREATE DATABASE whose client died): the next run waits for these locks too.
std::string lane_lock(std::size_t helper) { return "provision:lane:" + std::to_string(helper); }

// Wait until no session of another run's lanes is left on the server (under its provisioning
// lock, before its catalogs are read): each lane lock taken and released at once.
void wait_for_lanes(engine::AdminSession& session, std::chrono::seconds timeout) {
  for (std::size_t helper = 1; helper < static_cast<std::size_t>(k_most_lanes); ++helper) {
    session.lock(lane_lock(helper), timeout);
  }
}

// One server checked and planned; nothing planned when it cannot host its services.
struct Checked {
  PlannedServer server;
  std::vector<util::Diagnostic> problems;
};

// Open a server's admin session and learn which physical server it reaches.
Checked open_server(const engine::Registry& registry, ServerGroup group) {
  Checked out;
  spdlog::debug("{}: reading the catalogs", group.server->name);
  out.server.session = registry.get(group.server->engine->value).admin(*group.server);
  out.server.identity = out.server.session->identity();
  out.server.plan.server = group.server;
  out.server.group = std::move(group); // a fleet's targets: not copied once more
  return out;
}

// Check what a server's services need and plan its statements (after its lock, if any).
void plan_server(const Project& project, Prune prune, Checked& out) {
  out.problems = provision::check_hosting(*out.server.session, project.topology, out.server.group.selected);
  if (out.problems.empty()) {
    out.server.plan.statements = plan_statements(*out.server.session, out.server.group, project, prune, out.server.plan);
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
                                        std::optional<std::chrono::seconds> lock_timeout, Prune prune) {
  // Each server on a thread of its own (shards are independent), but the provisioning locks one
  // after another in the order of the servers' identities: two runs each holding one server's
  // lock and waiting for another's (a PostgreSQL and a Redis server of two projects) would wait
  // for each other until both timed out.
  std::vector<ServerGroup> groups = group_by_server(project);
  std::vector<Checked> checked(groups.size());
  std::vector<std::future<void>> opening;
  for (std::size_t i = 0; i < groups.size(); ++i) {
    opening.push_back(std::async(std::launch::async, [&registry, &groups, &checked, i] {
      checked[i] = open_server(registry, std::move(groups[i]));
    }));
  }
  join_all(opening);
  // What pruning keeps on a physical server is what every entry reaching it asks for; where
  // one entry alone reaches it, that is its own targets (`same_server` stays empty).
  std::map<std::string, std::vector<const Checked*>> physical;
  for (const auto& server : checked) {
    physical[server.server.identity].push_back(&server);
  }
  std::map<std::string, targets::TargetRefs> shared;
  for (const auto& [identity, entries] : physical) {
    if (entries.size() > 1) {
      auto& everyone = shared[identity];
      for (const Checked* entry : entries) {
        everyone.append(entry->server.group.all);
      }
    }
  }
  for (auto& server : checked) {
    auto found = shared.find(server.server.identity);
    if (found != shared.end()) {
      server.server.group.same_server = found->second;
    }
  }
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
        wait_for_lanes(*server->server.session, *lock_timeout);
      }
    }
  }
  std::vector<std::future<void>> planning;
  for (auto& server : checked) {
    planning.push_back(
        std::async(std::launch::async, [&project, &server, prune] { plan_server(project, prune, server); }));
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
                                           std::chrono::seconds failover_timeout, Prune prune, int jobs) {
  // Every server is checked and planned before any executes, so a server that cannot host its
  // services (too old, an extension missing) stops the run with nothing changed anywhere; once
  // execution starts, a server's failure does not stop the others.
  std::vector<PlannedServer> planned = plan_servers(project, registry, lock_timeout, prune);
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
                                                   lock_timeout, &project, prune, jobs] {
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
            for (auto& statement : plan_statements(*server.session, server.group, project, prune, server.plan)) {
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
            server.plan.statements = plan_statements(*server.session, server.group, project, prune, server.plan);
          }
          lost = true; // an attempt that throws has lost its session when it is retried
          const topology::Server& on = *server.plan.server;
          int lanes = std::min({jobs > 0 ? jobs : k_most_lanes, k_most_lanes, std::max(1, (on.max_connections - 2) / 2)});
          execute_logged(*server.session, server.plan, interrupt, lanes, [&registry, &on, lock_timeout](std::size_t helper) {
            LaneSession lane{registry.get(on.engine->value).admin(on), nullptr};
            lane.lock = lane.session->lock(lane_lock(helper), lock_timeout);
            return lane;
          });
        });
      }
    }));
  }
  join_all(runs);
  std::vector<ServerStatements> out;
  for (auto& server : planned) {
    out.push_back(std::move(server.plan));
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
    into.selected.append(group.selected);
    into.all.append(group.all);
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

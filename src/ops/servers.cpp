#include "dbctl/ops/servers.hpp"

#include "dbctl/engine/error.hpp"
#include "dbctl/util/text.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <unordered_map>

#include <spdlog/spdlog.h>

namespace dbctl::ops {

std::vector<ServerGroup> group_by_server(const Project& project) {
  std::vector<ServerGroup> groups;
  for (const auto& server : project.topology.servers) {
    ServerGroup group;
    group.server = &server;
    // A Redis server holds the services' namespaces, a SQL server their targets.
    const auto& selected = server.is_redis() ? project.selected_stores : project.selected();
    const auto& all = server.is_redis() ? project.stores : project.all;
    auto on_server = [&server](const targets::Target& target) { return target.server == &server; };
    group.selected.reserve(static_cast<std::size_t>(std::count_if(selected.begin(), selected.end(), on_server)));
    for (const auto& target : selected) {
      if (target.server == &server) {
        group.selected.push_back(target);
      }
    }
    if (group.selected.empty()) {
      continue;
    }
    group.all.reserve(static_cast<std::size_t>(std::count_if(all.begin(), all.end(), on_server)));
    for (const auto& target : all) {
      if (target.server == &server) {
        group.all.push_back(target);
      }
    }
    groups.push_back(std::move(group));
  }
  return groups;
}

namespace {

constexpr const char* k_insufficient_privilege = "42501";
std::string yes_no(bool value) { return value ? "yes" : "no"; }

// Log and run one statement; a permission error says what the admin lacks.
void run_logged(engine::AdminSession& session, const ServerStatements& plan, const engine::Statement& statement) {
  spdlog::info("{}: {}{}", plan.server->name, statement.database.empty() ? "" : "[" + statement.database + "] ",
               statement.display());
  try {
    session.execute(statement);
  } catch (const DbError& e) {
    if (e.sqlstate() != k_insufficient_privilege) {
      throw;
    }
    const engine::AdminInfo& admin = session.info();
    throw DbError(std::string(e.what()) + "; the admin user " + admin.user +
                      " lacks a privilege this needs (superuser: " + yes_no(admin.superuser) +
                      ", CREATEROLE: " + yes_no(admin.create_role) +
                      ", CREATEDB: " + yes_no(admin.create_database) + ")",
                  e.sqlstate());
  }
}

// The statements [from, end) of a plan, all of lanes other than 0, grouped by lane: each lane's
// indices in plan order, the lanes in order of their first statement.
std::vector<std::vector<std::size_t>> lanes_of(const std::vector<engine::Statement>& statements, std::size_t from,
                                               std::size_t end) {
  std::vector<std::vector<std::size_t>> out;
  std::unordered_map<std::uint32_t, std::size_t> index;
  for (std::size_t i = from; i < end; ++i) {
    auto [it, added] = index.try_emplace(statements[i].lane, out.size());
    if (added) {
      out.emplace_back();
    }
    out[it->second].push_back(i);
  }
  return out;
}

// Run `lanes` (lanes_of the statements from `from` on) on up to `jobs` sessions: `session` and
// `helpers` (opened by `open` as they are first needed, kept for the plan's next lanes). Sets
// ran[i - from] for each statement that ran; returns the first failure (null: every one ran).
std::exception_ptr run_lanes(engine::AdminSession& session, const ServerStatements& plan,
                             const std::vector<std::vector<std::size_t>>& lanes, std::size_t from,
                             const util::Interrupt* interrupt, int jobs, const OpenSession& open,
                             std::vector<LaneSession>& helpers, std::vector<char>& ran) {
  std::size_t workers = std::min(static_cast<std::size_t>(jobs), lanes.size());
  if (helpers.size() < workers - 1) {
    helpers.resize(workers - 1);
  }
  session.close_databases(); // what planning read stays closed: the lanes open what they need
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex failing;
  std::exception_ptr failure;
  auto work = [&](std::size_t worker) {
    try {
      if (worker > 0 && !helpers[worker - 1].session) {
        helpers[worker - 1] = open(worker); // on the worker's thread: the logins overlap
      }
      engine::AdminSession& on = worker == 0 ? session : *helpers[worker - 1].session;
      for (std::size_t lane = next++; lane < lanes.size() && !stop; lane = next++) {
        for (std::size_t i : lanes[lane]) {
          if (stop) {
            break;
          }
          util::throw_if_interrupted(interrupt);
          run_logged(on, plan, plan.statements[i]);
          ran[i - from] = 1;
        }
        on.close_databases();
      }
    } catch (...) {
      std::lock_guard<std::mutex> guard(failing);
      failure = failure ? failure : std::current_exception();
      stop = true;
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t worker = 1; worker < workers; ++worker) {
    threads.emplace_back(work, worker);
  }
  work(0);
  for (auto& thread : threads) {
    thread.join();
  }
  return failure;
}

} // namespace

void execute_logged(engine::AdminSession& session, ServerStatements& plan, const util::Interrupt* interrupt,
                    int jobs, const OpenSession& open) {
  auto began = std::chrono::steady_clock::now();
  std::vector<engine::Statement>& statements = plan.statements;
  std::vector<LaneSession> helpers;
  while (plan.ran < statements.size()) {
    std::size_t end = plan.ran;
    while (end < statements.size() && statements[end].lane != 0) {
      ++end;
    }
    std::vector<std::vector<std::size_t>> lanes;
    if (end > plan.ran && jobs > 1 && open) {
      lanes = lanes_of(statements, plan.ran, end);
    }
    if (lanes.size() < 2) {
      // Lane 0, or no lanes side by side: one statement after another on `session`.
      end = std::max(end, plan.ran + 1);
      for (; plan.ran < end; ++plan.ran) {
        util::throw_if_interrupted(interrupt);
        run_logged(session, plan, statements[plan.ran]);
      }
      continue;
    }
    std::vector<char> ran(end - plan.ran, 0);
    std::exception_ptr failure = run_lanes(session, plan, lanes, plan.ran, interrupt, jobs, open, helpers, ran);
    if (!failure) {
      plan.ran = end;
      continue;
    }
    // The statements that ran go before those that did not, so that plan.ran counts them.
    std::vector<engine::Statement> done;
    std::vector<engine::Statement> left;
    for (std::size_t i = plan.ran; i < end; ++i) {
      (ran[i - plan.ran] ? done : left).push_back(std::move(statements[i]));
    }
    std::size_t at = plan.ran;
    for (auto* part : {&done, &left}) {
      for (auto& statement : *part) {
        statements[at++] = std::move(statement);
      }
    }
    plan.ran += done.size();
    std::rethrow_exception(failure);
  }
  plan.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::steady_clock::now() - began).count();
  if (!plan.statements.empty()) {
    spdlog::info("{}: {} statement{} in {}", plan.server->name, plan.statements.size(),
                 plan.statements.size() == 1 ? "" : "s", util::format_duration(*plan.duration_ms));
  }
}

std::size_t count(const std::vector<ServerStatements>& plans) {
  std::size_t total = 0;
  for (const auto& plan : plans) {
    total += plan.statements.size();
  }
  return total;
}

} // namespace dbctl::ops

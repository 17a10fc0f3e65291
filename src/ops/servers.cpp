#include "dbctl/ops/servers.hpp"

#include "dbctl/engine/error.hpp"
#include "dbctl/util/text.hpp"

#include <algorithm>
#include <chrono>

#include <spdlog/spdlog.h>

namespace dbctl::ops {

std::vector<ServerGroup> group_by_server(const Project& project) {
  std::vector<ServerGroup> groups;
  for (const auto& server : project.topology.servers) {
    ServerGroup group;
    group.server = &server;
    // A Redis server holds the services' namespaces, a SQL server their targets.
    const auto& selected = server.is_redis() ? project.selected_stores : project.selected;
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
} // namespace

void execute_logged(engine::AdminSession& session, ServerStatements& plan,
                    const util::Interrupt* interrupt) {
  auto began = std::chrono::steady_clock::now();
  for (; plan.ran < plan.statements.size(); ++plan.ran) {
    const engine::Statement& statement = plan.statements[plan.ran];
    util::throw_if_interrupted(interrupt);
    spdlog::info("{}: {}{}", plan.server->name,
                 statement.database.empty() ? "" : "[" + statement.database + "] ", statement.display());
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

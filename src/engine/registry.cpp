#include "dbctl/engine/driver.hpp"

#include "mysql/session.hpp"
#include "postgres/driver.hpp"
#include "redis/driver.hpp"

#include "dbctl/util/error.hpp"

namespace dbctl::engine {

std::vector<Statement> AdminSession::converge(const AclUserSpec& spec) {
  throw Error(info().product + " has no ACL users (Redis user '" + spec.name + "')");
}

AclState AdminSession::inspect(const AclUserSpec& spec, std::vector<std::string>& /*why*/) {
  throw Error(info().product + " has no ACL users (Redis user '" + spec.name + "')");
}

std::vector<Statement> AdminSession::drop_keys(int /*db*/, const std::string& /*prefix*/) { return {}; }

// Redis keeps no marks: its ACL users are the topology's, and init rewrites them whole.
Managed AdminSession::managed(const std::string& /*project*/, const std::vector<std::string>& /*databases*/) {
  return {};
}
std::vector<Statement> AdminSession::mark(const std::string& /*project*/, const Managed& /*objects*/) { return {}; }
std::vector<Statement> AdminSession::unmark(const std::string& /*database*/,
                                            const std::optional<std::string>& /*schema*/) {
  return {};
}
std::vector<Statement> AdminSession::revoke_access(const std::string& /*role*/, const std::string& /*database*/) {
  return {};
}
std::vector<Statement> AdminSession::revoke_membership(const std::string& /*role*/, const std::string& /*member*/) {
  return {};
}
std::vector<Statement> AdminSession::hand_over_role(const std::string& /*name*/,
                                                    const std::vector<std::string>& /*databases*/) {
  return {};
}

std::string galera_needs_lease(const topology::Server& server) {
  return "servers." + server.name + " is a Galera node (wsrep_on=ON), where GET_LOCK excludes runs on this node "
         "only; set lock: table (a lease row that the cluster certifies) on this server";
}

void Registry::add(topology::Engine engine, std::unique_ptr<Driver> driver) {
  m_drivers[engine] = std::move(driver);
}

Driver& Registry::get(topology::Engine engine) const {
  auto found = m_drivers.find(engine);
  if (found == m_drivers.end()) {
    throw Error("no driver for " + std::string(topology::to_string(engine)) +
                " in this build of dbctl");
  }
  return *found->second;
}

Registry default_registry(const SessionOptions& options) {
  Registry registry;
  registry.add(topology::Engine::postgres, postgres::make_driver(options));
  registry.add(topology::Engine::mysql, mysql::make_driver(options));
  registry.add(topology::Engine::redis, redis::make_driver(options));
  return registry;
}

} // namespace dbctl::engine

#include "dbctl/topology/model.hpp"

#include <algorithm>

namespace dbctl::topology {

std::string_view to_string(Engine engine) {
  switch (engine) {
  case Engine::postgres:
    return "postgres";
  case Engine::mysql:
    return "mysql";
  case Engine::redis:
    return "redis";
  }
  return "?";
}

std::string_view to_string(RedisNamespace space) {
  return space == RedisNamespace::keys ? "keys" : "db";
}

std::string_view to_string(LockStrategy lock) {
  return lock == LockStrategy::advisory ? "advisory" : "table";
}

std::string_view to_string(Mode mode) {
  switch (mode) {
  case Mode::shared:
    return "shared";
  case Mode::db_per_service:
    return "db-per-service";
  case Mode::multi_tenant:
    return "multi-tenant";
  }
  return "?";
}

std::string_view to_string(Tenancy tenancy) {
  return tenancy == Tenancy::database ? "database" : "schema";
}

std::string_view to_string(Privilege privilege) {
  switch (privilege) {
  case Privilege::read:
    return "read";
  case Privilege::write:
    return "write";
  case Privilege::all:
    return "all";
  }
  return "?";
}

std::string_view to_string(LintLevel level) {
  switch (level) {
  case LintLevel::off:
    return "off";
  case LintLevel::warning:
    return "warning";
  case LintLevel::error:
    return "error";
  }
  return "?";
}

std::string_view to_string(MigrationFormat format) {
  switch (format) {
  case MigrationFormat::flyway:
    return "flyway";
  case MigrationFormat::golang_migrate:
    return "golang-migrate";
  case MigrationFormat::dbmate:
    return "dbmate";
  case MigrationFormat::goose:
    return "goose";
  case MigrationFormat::command:
    return "command";
  case MigrationFormat::automatic:
    return "auto";
  }
  return "?";
}

std::optional<Engine> engine_of_scheme(std::string_view scheme) {
  if (scheme == "postgres" || scheme == "postgresql") {
    return Engine::postgres;
  }
  if (scheme == "mysql" || scheme == "mariadb") {
    return Engine::mysql;
  }
  if (scheme == "redis" || scheme == "rediss") {
    return Engine::redis;
  }
  return std::nullopt;
}

const Located<std::string>* CommandRunner::scheme_for(Engine engine) const {
  for (const auto& [each, scheme] : url_scheme) {
    if (each == engine) {
      return &scheme;
    }
  }
  return nullptr;
}

std::filesystem::path Service::command_folder() const {
  if (command.cwd) {
    return command.cwd->value;
  }
  if (path) {
    return path->value;
  }
  return migrations ? migrations->value : std::filesystem::path();
}

bool Manifest::supports(Engine engine) const {
  return std::any_of(engines.begin(), engines.end(),
                     [&](const Located<Engine>& e) { return e.value == engine; });
}

const Located<std::string>* Manifest::minimum(std::string_view product) const {
  for (const auto& [which, version] : min_server_version) {
    if (which == product) {
      return &version;
    }
  }
  return nullptr;
}

namespace {
template <typename T> const T* find_named(const std::vector<T>& items, std::string_view name) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& item) { return item.name == name; });
  return it == items.end() ? nullptr : &*it;
}
} // namespace

const Server* Topology::find_server(std::string_view server_name) const {
  return find_named(servers, server_name);
}

std::string Server::addresses() const {
  if (hosts.empty()) {
    return host + ":" + std::to_string(port);
  }
  std::string out;
  for (const auto& [each, each_port] : hosts) {
    out += (out.empty() ? "" : ", ") + each + ":" + std::to_string(each_port);
  }
  return out;
}

const Server* Topology::only_sql_server() const {
  const Server* found = nullptr;
  for (const auto& server : servers) {
    if (server.is_redis()) {
      continue;
    }
    if (found != nullptr) {
      return nullptr;
    }
    found = &server;
  }
  return found;
}

const Service* Topology::find_service(std::string_view service_name) const {
  return find_named(services, service_name);
}

const Tenant* Topology::find_tenant(std::string_view tenant_name) const {
  return find_named(tenants, tenant_name);
}

} // namespace dbctl::topology

#include "dbctl/topology/validate.hpp"

#include "dbctl/util/text.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace dbctl::topology {

namespace {

using util::Diagnostics;

std::vector<std::string> names_of(const std::vector<Server>& servers) {
  std::vector<std::string> out;
  for (const auto& server : servers) {
    out.push_back(server.name);
  }
  return out;
}

std::vector<std::string> names_of(const std::vector<Service>& services) {
  std::vector<std::string> out;
  for (const auto& service : services) {
    out.push_back(service.name);
  }
  return out;
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& names) {
  auto suggestion = util::closest(word, names);
  return suggestion ? " (did you mean '" + *suggestion + "'?)" : "";
}

void check_identifier(const std::string& name, const Location& where, const std::string& what,
                      Diagnostics& out) {
  if (!util::is_identifier(name)) {
    out.error(where, what + " '" + util::printable(name) +
                         "' is not a valid name: use letters, digits and _, starting with a "
                         "letter or _, at most 63 characters");
  }
}

// A reference to a server: a SQL one (services, tenants, topology.server) unless `redis`.
void check_server_ref(const Topology& topology, const Located<std::string>& ref,
                      const std::string& what, Diagnostics& out, bool redis = false) {
  const Server* server = topology.find_server(ref.value);
  if (server == nullptr) {
    out.error(ref.where, what + " names unknown server '" + util::printable(ref.value) + "'" +
                             did_you_mean(ref.value, names_of(topology.servers)));
  } else if (server->engine && server->is_redis() != redis) {
    out.error(ref.where, redis ? what + " names server '" + ref.value + "', which is " +
                                     std::string(to_string(server->engine->value)) + "; it needs an engine: redis server"
                               : what + " names Redis server '" + ref.value + "'; SQL goes to a postgres or mysql "
                                        "server, and a service's Redis namespace under redis: { server: " +
                                        ref.value + " }");
  }
}

void check_template(const Topology& topology, const Located<std::string>& text,
                    const std::string& what, Diagnostics& out) {
  std::string problem;
  std::vector<std::string> used = template_placeholders(text.value, problem);
  if (!problem.empty()) {
    out.error(text.where, what + ": " + problem);
    return;
  }
  bool multi_tenant = topology.mode && topology.mode->value == Mode::multi_tenant;
  if (!multi_tenant && std::find(used.begin(), used.end(), "tenant") != used.end()) {
    out.error(text.where, what + " uses {tenant}, which exists only in multi-tenant mode");
  }
}

void check_servers(const Topology& topology, Diagnostics& out) {
  for (const auto& server : topology.servers) {
    if (!is_server_name(server.name)) {
      out.error(server.where, "server name '" + util::printable(server.name) +
                                  "' is not valid: use letters, digits, _ and -, starting with a "
                                  "letter or _");
    }
    if (server.host.empty()) {
      out.error(server.where, "servers." + server.name + ".host is empty");
    }
  }
}

void check_mode_keys(const Topology& topology, Diagnostics& out) {
  Mode mode = topology.mode->value;
  std::string mode_name(to_string(mode));
  if (mode != Mode::shared) {
    for (const auto* key : {&topology.shared_database, &topology.shared_server}) {
      if (*key) {
        out.error((*key)->where, "topology." +
                                     std::string(key == &topology.shared_database ? "database"
                                                                                  : "server") +
                                     " applies to shared mode only; this topology is " +
                                     mode_name);
      }
    }
  }
  if (mode != Mode::multi_tenant) {
    if (topology.tenants_given) {
      out.error(topology.mode->where,
                "tenants apply to multi-tenant mode only; this topology is " + mode_name);
    }
    if (topology.tenancy.where.line > 0) {
      out.error(topology.tenancy.where,
                "topology.tenancy applies to multi-tenant mode only; this topology is " +
                    mode_name);
    }
  } else if (!topology.tenants_given) {
    out.error(topology.mode->where,
              "multi-tenant mode needs topology.tenants or topology.tenants_file");
  }
  if (mode == Mode::shared && topology.naming.database) {
    out.error(topology.naming.database->where,
              "naming.database does not apply in shared mode (every service shares one "
              "database); use topology.database");
  }
}

void check_shared_placement(const Topology& topology, Diagnostics& out) {
  if (topology.shared_server) {
    check_server_ref(topology, *topology.shared_server, "topology.server", out);
  } else if (topology.only_sql_server() == nullptr) {
    bool every_service_names_one = std::all_of(
        topology.services.begin(), topology.services.end(),
        [](const Service& s) { return s.server.has_value(); });
    if (!every_service_names_one) {
      out.error(topology.mode->where, "shared mode with several servers needs topology.server "
                                      "(the server of the shared database)");
    }
  }
  if (topology.shared_database) {
    check_identifier(topology.shared_database->value, topology.shared_database->where,
                     "database", out);
  }
  const Located<std::string>* first = nullptr;
  for (const auto& service : topology.services) {
    if (service.database) {
      out.error(service.database->where, "services." + service.name +
                                             ".database does not apply in shared mode; use "
                                             "topology.database");
    }
    const auto* placed = service.server ? &*service.server : topology.shared_server ? &*topology.shared_server : nullptr;
    if (placed == nullptr) {
      continue;
    }
    if (first == nullptr) {
      first = placed;
    } else if (placed->value != first->value) {
      out.error(placed->where, "shared mode puts every service in one database, but service '" +
                                   service.name + "' is on server '" + placed->value +
                                   "' and others on '" + first->value + "'");
    }
  }
}

void check_tenants(const Topology& topology, Diagnostics& out) {
  for (const auto& tenant : topology.tenants) {
    check_identifier(tenant.name, tenant.where, "tenant", out);
    if (tenant.server) {
      check_server_ref(topology, *tenant.server, "tenant '" + tenant.name + "'", out);
    }
  }
}

// A service's own naming templates (database, owner, app).
void check_naming(const Topology& topology, const Service& service, Diagnostics& out) {
  std::string path = "services." + service.name;
  if (service.database) {
    check_template(topology, *service.database, path + ".database", out);
  }
  for (const auto* role : {&service.owner, service.app ? &*service.app : nullptr}) {
    if (role != nullptr && role->name) {
      check_template(topology, *role->name, path + (role == &service.owner ? ".owner" : ".app"), out);
    }
  }
}

// `redis:`: an engine: redis server, a namespace that isolates, command rules only in acl:.
void check_redis(const Topology& topology, const Service& service, Diagnostics& out) {
  const RedisPlacement& redis = *service.redis;
  std::string path = "services." + service.name + ".redis";
  if (redis.server) {
    check_server_ref(topology, *redis.server, path + ".server", out, true);
  }
  if (redis.user.name && !topology.names_as_given) {
    check_template(topology, *redis.user.name, path + ".user", out);
  }
  bool tenanted = topology.mode && topology.mode->value == Mode::multi_tenant && service.is_tenanted();
  if (service.name == "dbctl") {
    out.error(redis.where, path + ": keys under dbctl: are dbctl's own records on the server; rename the service");
  }
  if (redis.space.value == RedisNamespace::db) {
    if (redis.db && redis.db->value == 0) {
      out.error(redis.db->where, path + ": namespace: db needs a database other than 0, which every client "
                                        "without a number uses and where dbctl keeps its records");
    }
    if (!redis.db) {
      out.error(redis.space.where, path + ": namespace: db needs db: N, the service's own database number");
    }
    if (tenanted) {
      out.error(redis.space.where, path + ": namespace: db gives one database number to a service, and its "
                                          "tenants would share it with nothing between them; use namespace: keys "
                                          "(each tenant's user gets {service}:{tenant}:* only)");
    }
  }
  if (redis.acl) {
    for (const std::string& word : util::split_words(redis.acl->value)) {
      bool command_rule = word == "allcommands" || word == "nocommands" ||
                          ((word[0] == '+' || word[0] == '-') && word.size() > 1);
      if (!command_rule) {
        out.error(redis.acl->where, path + ".acl: '" + util::printable(word) + "' is not a command rule "
                                    "(+command, -command, +@category, -@category, allcommands, nocommands); "
                                    "dbctl sets the user's keys, channels and password itself");
      }
    }
    if (util::split_words(redis.acl->value).empty()) {
      out.error(redis.acl->where, path + ".acl is empty; leave it out for \"" + std::string(RedisPlacement::default_acl) + "\"");
    }
  }
}

// Two services' Redis namespaces in one database: a namespace: db service may read every key
// of its database, so it shares its number with nobody.
void check_redis_databases(const Topology& topology, Diagnostics& out) {
  std::map<std::pair<std::string, int>, const Service*> owners; // (server, db) -> namespace: db service
  for (const auto& service : topology.services) {
    if (service.redis && service.redis->server && service.redis->db &&
        service.redis->space.value == RedisNamespace::db) {
      auto [at, fresh] = owners.emplace(std::pair{service.redis->server->value, service.redis->db->value}, &service);
      if (!fresh) {
        out.error(service.redis->db->where, "services." + service.name + ".redis.db " +
                                                std::to_string(service.redis->db->value) + " on server '" +
                                                service.redis->server->value + "' is already service '" +
                                                at->second->name + "''s (namespace: db); give each its own number");
      }
    }
  }
  for (const auto& service : topology.services) {
    if (!service.redis || !service.redis->server || service.redis->space.value == RedisNamespace::db) {
      continue;
    }
    int db = service.redis->db ? service.redis->db->value : 0;
    auto owner = owners.find({service.redis->server->value, db});
    if (owner != owners.end()) {
      out.error(service.redis->db ? service.redis->db->where : service.redis->where,
                "services." + service.name + ".redis: database " + std::to_string(db) + " on server '" +
                    service.redis->server->value + "' is service '" + owner->second->name +
                    "''s own (namespace: db), whose user may read every key in it");
    }
  }
}

void check_services(const Topology& topology, Diagnostics& out) {
  bool multi_tenant = topology.mode && topology.mode->value == Mode::multi_tenant;
  for (const auto& service : topology.services) {
    std::string path = "services." + service.name;
    if (!topology.names_as_given) {
      check_identifier(service.name, service.where, "service", out);
      check_naming(topology, service, out);
    }
    if (service.server) {
      check_server_ref(topology, *service.server, path + ".server", out);
    }
    if (service.tenanted && !multi_tenant) {
      out.error(service.tenanted->where, path + ".tenanted applies to multi-tenant mode only");
    }
    if (service.redis) {
      check_redis(topology, service, out);
    }
  }
  check_redis_databases(topology, out);
}

void check_roles(const Topology& topology, Diagnostics& out) {
  for (const auto& role : topology.roles) {
    check_identifier(role.name, role.where, "role", out);
    for (const auto& grant : role.grants) {
      for (const auto& service : grant.services) {
        if (topology.find_service(service.value) == nullptr) {
          out.error(service.where, "roles." + role.name + " grants on unknown service '" +
                                       util::printable(service.value) + "'" +
                                       did_you_mean(service.value, names_of(topology.services)));
        }
      }
    }
  }
}

} // namespace

bool is_server_name(std::string_view name) {
  if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) != 0 || name[0] == '_')) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte < 128 && (std::isalnum(byte) != 0 || c == '_' || c == '-');
  });
}

std::vector<std::string> template_placeholders(std::string_view text, std::string& problem) {
  std::vector<std::string> used;
  for (std::size_t i = text.find('{'); i != std::string_view::npos; i = text.find('{', i + 1)) {
    std::size_t close = text.find('}', i);
    if (close == std::string_view::npos) {
      problem = "unterminated '{' in '" + std::string(text) + "'";
      return used;
    }
    std::string name(text.substr(i + 1, close - i - 1));
    if (name != "service" && name != "tenant" && name != "name") {
      problem = "unknown placeholder {" + util::printable(name) +
                "} (expected {service}, {tenant} or {name})";
      return used;
    }
    used.push_back(name);
  }
  return used;
}

void validate(const Topology& topology, util::Diagnostics& diagnostics) {
  if (!topology.name.value.empty()) {
    check_identifier(topology.name.value, topology.name.where, "project name", diagnostics);
  }
  check_servers(topology, diagnostics);
  if (topology.mode) {
    check_mode_keys(topology, diagnostics);
    if (topology.mode->value == Mode::shared) {
      check_shared_placement(topology, diagnostics);
    }
  }
  check_tenants(topology, diagnostics);
  for (const auto* naming : {&topology.naming.database, &topology.naming.owner, &topology.naming.app}) {
    if (*naming) {
      check_template(topology, **naming, "naming template", diagnostics);
    }
  }
  check_services(topology, diagnostics);
  check_roles(topology, diagnostics);
}

} // namespace dbctl::topology

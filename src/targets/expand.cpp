#include "dbctl/targets/expand.hpp"

#include "checks.hpp"

#include "dbctl/topology/validate.hpp"
#include "dbctl/util/hash.hpp"
#include "dbctl/util/text.hpp"

#include <algorithm>
#include <set>
#include <utility>

namespace dbctl::targets {

using topology::Engine;
using topology::Located;
using topology::Mode;
using topology::Service;
using topology::Tenancy;
using topology::Tenant;
using topology::Topology;

namespace {

// A naming template and where it came from (a default has the service's location).
struct Template {
  std::string text;
  util::Location where;
  std::string what;
};

class Expander {
public:
  Expander(const Topology& topology, Expansion& out) : m_topology(topology), m_out(out) {}

  void run() {
    std::size_t tenanted = 0;
    for (const auto& service : m_topology.services) {
      tenanted += mode() == Mode::multi_tenant && service.is_tenanted() ? 1 : 0;
    }
    m_out.targets.reserve(tenanted * m_topology.tenants.size() + m_topology.services.size());
    for (const auto& service : m_topology.services) {
      if (mode() == Mode::multi_tenant && service.is_tenanted()) {
        for (const auto& tenant : m_topology.tenants) {
          add(service, &tenant);
        }
      } else {
        add(service, nullptr);
      }
    }
  }

private:
  Mode mode() const { return m_topology.mode->value; }
  bool tenant_copy(const Tenant* tenant) const { return tenant != nullptr; }

  void add(const Service& service, const Tenant* tenant) {
    if (!m_topology.names_as_given && (!util::is_identifier(service.name) ||
                                       (tenant != nullptr && !util::is_identifier(tenant->name)))) {
      return; // reported by validate; the names made from it would only repeat the problem
    }
    // Names are checked before placement, so an unknown server does not hide a bad name.
    Target target;
    bool ok = name_database(service, tenant, target);
    ok = name_roles(service, tenant, target) && ok;
    util::Location placed_at = service.where;
    const topology::Server* server = place(service, tenant, placed_at);
    if (!ok || server == nullptr || !server->engine) {
      return; // reported here, by validate or by the loader
    }
    if (!supported(service, *server, placed_at)) {
      return;
    }
    target.service = service.name;
    target.tenant = tenant ? std::optional<std::string>(tenant->name) : std::nullopt;
    target.canary = tenant != nullptr && tenant->canary;
    target.server = server;
    target.placed_at = placed_at;
    target.migrations = service.migrations ? std::optional(service.migrations->value) : std::nullopt;
    if (service.runs_command()) {
      target.command = &service.command;
      target.command_cwd = service.command_folder();
    }
    for (const auto& extension : service.extensions) {
      target.extensions.push_back(extension.value);
      if (server->engine->value == Engine::mysql) {
        error(extension.where, "services." + service.name + ".extensions: extensions exist only "
                               "on PostgreSQL; server '" + server->name + "' is MySQL");
      }
    }
    if (service.manifest && server->engine->value == Engine::postgres) {
      // A manifest that supports both engines lists what its PostgreSQL SQL needs.
      for (const auto& extension : service.manifest->extensions) {
        if (std::find(target.extensions.begin(), target.extensions.end(), extension.value) ==
            target.extensions.end()) {
          target.extensions.push_back(extension.value);
        }
      }
    }
    if (place_schema(service, tenant, target)) {
      if (service.redis) {
        add_store(service, tenant, target);
      }
      m_out.targets.push_back(std::move(target));
    }
  }

  // The Redis namespace of a service's target: its ACL user named like its owner (or by
  // redis.user), the keys and channels under "{service}:" ("{service}:{tenant}:").
  void add_store(const Service& service, const Tenant* tenant, const Target& sql) {
    const topology::RedisPlacement& redis = *service.redis;
    const topology::Server* server = redis.server ? m_topology.find_server(redis.server->value) : nullptr;
    if (server == nullptr || !server->is_redis()) {
      return; // reported by validate
    }
    Target store;
    store.service = sql.service;
    store.tenant = sql.tenant;
    store.canary = sql.canary;
    store.server = server;
    store.placed_at = redis.server->where;
    std::string path = "services." + service.name + ".redis";
    if (redis.user.name) {
      std::optional<std::string> name = fill({redis.user.name->value, redis.user.name->where, path + ".user"}, service, tenant);
      if (!name) {
        return;
      }
      store.owner = redis_user(*name, redis.user.password, sql.owner);
    } else {
      store.owner = redis_user(sql.owner.name, redis.user.password, sql.owner); // the owner's name
    }
    if (!store.owner.password) {
      error(redis.where, path + ": Redis user '" + store.owner.name + "' of " + sql.key(false) +
                             " has no password; give redis.user.password (or the owner's) or passwords.derive_from");
      return;
    }
    targets::RedisAccess access;
    access.db = redis.db ? redis.db->value : 0;
    access.commands = redis.commands();
    if (redis.space.value == topology::RedisNamespace::keys) {
      access.prefix = service.name + ":" + (tenant_copy(tenant) ? tenant->name + ":" : "");
    }
    store.database = std::to_string(access.db);
    store.redis = std::move(access);
    m_out.stores.push_back(std::move(store));
  }

  // Check a placement against the service's manifest, once per service and server.
  bool supported(const Service& service, const topology::Server& server, const util::Location& where) {
    if (!service.manifest || service.manifest->engines.empty() || // an invalid manifest, reported
        service.manifest->supports(server.engine->value)) {
      return true;
    }
    if (m_unsupported.emplace(service.name, server.name).second) {
      std::string engines;
      for (const auto& engine : service.manifest->engines) {
        engines += (engines.empty() ? "" : ", ") + std::string(to_string(engine.value));
      }
      error(where, "services." + service.name + " is placed on " +
                       std::string(to_string(server.engine->value)) + " server '" + server.name +
                       "', but its manifest " + util::to_string(service.manifest->engines_where) +
                       " supports only " + engines);
    }
    return false;
  }

  // Return the server of a target; `where` becomes the place in the file that chose it.
  const topology::Server* place(const Service& service, const Tenant* tenant, util::Location& where) {
    const Located<std::string>* ref = nullptr;
    if (mode() == Mode::shared && m_topology.shared_server) {
      ref = &*m_topology.shared_server;
    } else if (tenant != nullptr && tenant->server) {
      ref = &*tenant->server;
    } else if (service.server) {
      ref = &*service.server;
    }
    if (ref == nullptr) {
      if (const topology::Server* only = m_topology.only_sql_server()) {
        return only;
      }
      if (!m_topology.servers.empty()) {
        error(service.where, "services." + service.name +
                                 ": several servers exist; name one with server:");
      }
      return nullptr;
    }
    where = ref->where;
    const topology::Server* server = m_topology.find_server(ref->value);
    if (server != nullptr && tenant != nullptr && tenant->server && service.server) {
      const topology::Server* own = m_topology.find_server(service.server->value);
      if (own != nullptr && own->engine && server->engine &&
          own->engine->value != server->engine->value) {
        error(tenant->server->where, "tenant '" + tenant->name + "' is placed on " +
                                         std::string(to_string(server->engine->value)) +
                                         " server '" + server->name + "', but service '" +
                                         service.name + "' runs on " +
                                         std::string(to_string(own->engine->value)));
        return nullptr;
      }
    }
    return server; // an unknown name was reported by validate
  }

  bool schema_tenancy() const {
    return mode() == Mode::multi_tenant && m_topology.tenancy.value == Tenancy::schema;
  }

  bool name_database(const Service& service, const Tenant* tenant, Target& target) {
    if (mode() == Mode::shared) {
      target.database = m_topology.shared_database ? m_topology.shared_database->value
                                                   : m_topology.name.value;
      return true;
    }
    std::optional<std::string> name =
        fill(database_template(service, tenant, schema_tenancy()), service, tenant);
    target.database = name.value_or("");
    return name.has_value();
  }

  // The schema depends on the engine, so it is chosen once the server is known.
  bool place_schema(const Service& service, const Tenant* tenant, Target& target) {
    if (target.engine() != Engine::postgres) {
      if (schema_tenancy()) {
        error(m_topology.tenancy.where.line > 0 ? m_topology.tenancy.where : m_topology.mode->where,
              "tenancy: schema is PostgreSQL only; service '" + service.name +
                  "' is on MySQL server '" + target.server->name + "'");
        return false;
      }
      return true;
    }
    if (service.schema) {
      target.schema = service.schema->value; // a URL's search_path
    } else if (mode() == Mode::shared) {
      target.schema = service.name;
    } else {
      target.schema = schema_tenancy() && tenant_copy(tenant) ? tenant->name : "public";
    }
    return true;
  }

  Template database_template(const Service& service, const Tenant* tenant, bool schema_tenancy) {
    if (service.database) {
      return {service.database->value, service.database->where, "services." + service.name + ".database"};
    }
    bool per_tenant_database = tenant_copy(tenant) && !schema_tenancy;
    return from_naming(m_topology.naming.database, tenant, service,
                       per_tenant_database ? "{service}_{tenant}" : "{service}", "naming.database");
  }

  // The naming template if set (and usable for this target), else the mode's default.
  Template from_naming(const std::optional<Located<std::string>>& naming, const Tenant* tenant,
                       const Service& service, const std::string& fallback, const std::string& what) {
    // A service shared by all tenants expands as in db-per-service: a template made for
    // tenant copies (one holding {tenant}) gives way to the default.
    if (naming && (tenant_copy(tenant) || naming->value.find("{tenant}") == std::string::npos)) {
      return {naming->value, naming->where, what};
    }
    return {fallback, service.where,
            "the default " + what.substr(what.find('.') + 1) + " name " + fallback};
  }

  bool name_roles(const Service& service, const Tenant* tenant, Target& target) {
    bool per_tenant = tenant_copy(tenant);
    Template owner = service.owner.name
                         ? Template{service.owner.name->value, service.owner.name->where,
                                    "services." + service.name + ".owner"}
                         : from_naming(m_topology.naming.owner, tenant, service,
                                       per_tenant ? "{service}_{tenant}" : "{service}", "naming.owner");
    std::optional<std::string> owner_name = fill(owner, service, tenant);
    if (!owner_name) {
      return false;
    }
    target.owner = role(*owner_name, service.owner.password);
    if (!service.app && !m_topology.naming.app) {
      return true;
    }
    Template app = service.app && service.app->name
                       ? Template{service.app->name->value, service.app->name->where,
                                  "services." + service.name + ".app"}
                       : from_naming(m_topology.naming.app, tenant, service,
                                     per_tenant ? "{service}_{tenant}_app" : "{service}_app", "naming.app");
    std::optional<std::string> app_name = fill(app, service, tenant);
    if (!app_name) {
      return false;
    }
    target.app = role(*app_name, service.app ? service.app->password : std::nullopt);
    return true;
  }

  // A Redis user's password: redis.user.password; else derived from passwords.derive_from and
  // "redis:" + its name, so it is a credential of its own even under the owner's name; else
  // the owner's password (a topology without derive_from).
  Role redis_user(const std::string& name, const std::optional<Located<util::Secret>>& password,
                  const Role& owner) const {
    if (password && !password->value.empty()) {
      return {name, password->value};
    }
    if (m_topology.derive_from) {
      return {name, derive_password(m_topology.derive_from->value, "redis:" + name)};
    }
    return {name, owner.password};
  }

  Role role(const std::string& name, const std::optional<Located<util::Secret>>& password) const {
    return detail::make_role(m_topology, name, password);
  }

  std::optional<std::string> fill(const Template& pattern, const Service& service,
                                  const Tenant* tenant) {
    if (m_topology.names_as_given) {
      return pattern.text; // an existing database's or login's name, not a template
    }
    std::string problem;
    std::vector<std::string> used = topology::template_placeholders(pattern.text, problem);
    if (!problem.empty()) {
      return std::nullopt; // reported by validate
    }
    if (!tenant_copy(tenant) && std::find(used.begin(), used.end(), "tenant") != used.end()) {
      if (mode() == Mode::multi_tenant) {
        error(pattern.where, pattern.what + " uses {tenant}, but service '" + service.name +
                                 "' is not tenanted (tenanted: false)");
      }
      return std::nullopt;
    }
    std::string out;
    for (std::size_t i = 0; i < pattern.text.size(); ++i) {
      std::size_t close = pattern.text[i] == '{' ? pattern.text.find('}', i) : std::string::npos;
      if (close == std::string::npos) {
        out += pattern.text[i];
        continue;
      }
      std::string key = pattern.text.substr(i + 1, close - i - 1);
      out += key == "service" ? service.name : key == "tenant" ? tenant->name : m_topology.name.value;
      i = close;
    }
    if (!util::is_identifier(out)) {
      error(pattern.where, pattern.what + " gives '" + util::printable(out) + "' for " +
                               service.name + (tenant ? "[" + tenant->name + "]" : "") +
                               ", which is not a valid name (letters, digits and _, starting "
                               "with a letter or _, at most 63 characters)");
      return std::nullopt;
    }
    return out;
  }

  void error(const util::Location& where, std::string message) {
    m_out.diagnostics.error(where, std::move(message));
  }

  const Topology& m_topology;
  Expansion& m_out;
  std::set<std::pair<std::string, std::string>> m_unsupported; ///< (service, server) reported
};

} // namespace

std::string Target::key(bool with_server) const {
  std::string out = service;
  if (tenant) {
    out += "[" + *tenant + "]";
  }
  if (with_server && server != nullptr) {
    out += "@" + server->name;
  }
  return out;
}

util::Secret derive_password(const util::Secret& secret, const std::string& role) {
  return util::Secret(util::base64url(util::hmac_sha256(secret.reveal(), role)));
}

Expansion expand(const Topology& topology) {
  Expansion out;
  if (!topology.mode) {
    return out;
  }
  Expander(topology, out).run();
  detail::attach_grants(topology, out);
  detail::check_conflicts(topology, out);
  return out;
}

} // namespace dbctl::targets

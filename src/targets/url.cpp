#include "dbctl/targets/url.hpp"

#include "dbctl/util/error.hpp"
#include "dbctl/util/text.hpp"
#include "dbctl/util/url.hpp"

namespace dbctl::targets {

namespace {

std::string host_part(const std::string& host) {
  if (host.find(':') != std::string::npos) {
    return "[" + host + "]"; // an IPv6 literal
  }
  return util::percent_encode(host);
}

// Several PostgreSQL hosts: libpq's host and port lists as query parameters (which libpq and
// psycopg2 through SQLAlchemy both read), the primary chosen by target_session_attrs.
bool several_hosts(const Target& target) {
  return !target.server->hosts.empty() && target.engine() == topology::Engine::postgres;
}

std::string query(const Target& target) {
  std::string out;
  auto add = [&out](const std::string& key, const std::string& value) {
    out += (out.empty() ? "?" : "&") + util::percent_encode(key) + "=" + util::percent_encode(value);
  };
  if (several_hosts(target)) {
    std::vector<std::string> hosts;
    std::vector<std::string> ports;
    for (const auto& [host, port] : target.server->hosts) {
      hosts.push_back(host);
      ports.push_back(std::to_string(port));
    }
    add("host", util::join(hosts, ","));
    add("port", util::join(ports, ","));
    bool chosen = false;
    for (const auto& option : target.server->options) {
      chosen = chosen || option.first == "target_session_attrs";
    }
    if (!chosen) {
      add("target_session_attrs", "read-write");
    }
  }
  std::string search_path;
  if (target.schema && *target.schema != "public") {
    search_path = "-csearch_path=" + *target.schema;
  }
  for (const auto& [key, value] : target.server->options) {
    if (key == "options" && !search_path.empty()) {
      add(key, value + " " + search_path);
      search_path.clear();
    } else {
      add(key, value);
    }
  }
  if (!search_path.empty()) {
    add("options", search_path);
  }
  return out;
}

} // namespace

std::string connection_url(const Target& target, RoleKind kind) {
  if (kind == RoleKind::app && !target.app) {
    throw UsageError(target.key() + " has no app role (declare app: or set naming.app)");
  }
  const Role& role = kind == RoleKind::app ? *target.app : target.owner;
  if (target.redis) {
    // redis-py, ioredis, go-redis and redis-cli -u all read user, password and database here.
    std::string url = std::string(target.server->tls ? "rediss" : "redis") + "://" + util::percent_encode(role.name);
    if (role.password) {
      url += ":" + util::percent_encode(role.password->reveal());
    }
    return url + "@" + host_part(target.server->host) + ":" + std::to_string(target.server->port) + "/" +
           std::to_string(target.redis->db);
  }
  std::string scheme = target.engine() == topology::Engine::postgres ? "postgres" : "mysql";
  std::string url = scheme + "://" + util::percent_encode(role.name);
  if (role.password) {
    url += ":" + util::percent_encode(role.password->reveal());
  }
  url += "@" + (several_hosts(target) ? std::string() : host_part(target.server->host) + ":" + std::to_string(target.server->port)) + "/" +
         util::percent_encode(target.database);
  return url + query(target);
}

std::string url_variable(const Target& target) {
  std::string name = util::env_name(target.service);
  if (target.tenant) {
    name += "_" + util::env_name(*target.tenant);
  }
  return name + (target.redis ? "_REDIS_URL" : "_DATABASE_URL");
}

} // namespace dbctl::targets

// Reads `servers:`: discrete fields or a url, admin credentials, driver options.
#include "sections.hpp"

#include "dbctl/util/text.hpp"
#include "dbctl/util/url.hpp"

#include <algorithm>

namespace dbctl::topology::detail {

namespace {

// Read "host", "host:port" or "[v6]:port" (port 0 when absent); false when it is not one.
bool parse_host_port(const std::string& text, std::pair<std::string, int>& out) {
  std::string host = text;
  int port = 0;
  std::size_t colon = text.rfind(':');
  bool bracketed = !text.empty() && text[0] == '[';
  if (colon != std::string::npos && (!bracketed || colon > text.find(']'))) {
    std::string digits = text.substr(colon + 1);
    if (digits.empty() || digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string::npos) {
      return false;
    }
    port = std::stoi(digits);
    if (port < 1 || port > 65535) {
      return false;
    }
    host = text.substr(0, colon);
  }
  if (bracketed) {
    if (host.size() < 3 || host.back() != ']') {
      return false;
    }
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty() || host.find_first_of(" ,/@?#") != std::string::npos) {
    return false;
  }
  out = {host, port};
  return true;
}

// A libpq multi-host URL (postgres://u:p@h1:5432,h2:5433/db): take its hosts out, leaving the
// first in the text for the URL parser. False when a host in the list is not one.
bool split_hosts(std::string& text, std::vector<std::pair<std::string, int>>& hosts) {
  std::size_t start = text.find("://");
  if (start == std::string::npos) {
    return true;
  }
  start += 3;
  std::size_t end = text.find_first_of("/?#", start);
  end = end == std::string::npos ? text.size() : end;
  std::size_t at = text.rfind('@', end);
  std::size_t from = at != std::string::npos && at >= start ? at + 1 : start;
  std::string list = text.substr(from, end - from);
  if (list.find(',') == std::string::npos) {
    return true;
  }
  std::size_t begin = 0;
  while (begin <= list.size()) {
    std::size_t comma = list.find(',', begin);
    std::string one = list.substr(begin, comma == std::string::npos ? std::string::npos : comma - begin);
    std::pair<std::string, int> parsed;
    if (!parse_host_port(one, parsed)) {
      return false;
    }
    hosts.push_back(parsed);
    if (comma == std::string::npos) {
      break;
    }
    begin = comma + 1;
  }
  text.replace(from, end - from, list.substr(0, list.find(',')));
  return true;
}

// Fill the connection fields from `url:`; the password inside it is a secret.
void apply_url(Reader& reader, const YAML::Node& node, const std::string& path, Server& server,
               std::vector<Secret>& secrets) {
  // The url may hold a password, so read it as a secret and never echo it.
  auto text = reader.secret(node, path);
  if (!text) {
    return;
  }
  std::string whole = text->value.reveal();
  std::vector<std::pair<std::string, int>> hosts;
  if (!split_hosts(whole, hosts)) {
    reader.error(text->where, path + " lists several hosts, and one of them is not host or host:port");
    return;
  }
  util::ParsedUrl parsed = util::parse_url(whole);
  if (!parsed.url) {
    reader.error(text->where, path + " is not a valid database URL: " + parsed.error);
    return;
  }
  util::Url& url = *parsed.url;
  std::optional<Engine> engine = engine_of_scheme(url.scheme);
  if (!engine) {
    reader.error(text->where, path + " has scheme '" + util::printable(url.scheme) +
                                  "'; expected postgres://, postgresql://, mysql://, mariadb://, redis:// or rediss://");
    return;
  }
  if (server.engine && server.engine->value != *engine) {
    reader.error(text->where, path + " is a " + std::string(to_string(*engine)) +
                                  " URL but engine is " +
                                  std::string(to_string(server.engine->value)));
    return;
  }
  server.engine = Located<Engine>{*engine, text->where};
  server.tls = url.scheme == "rediss";
  if (!url.host.empty()) {
    server.host = url.host;
  }
  server.port = url.port.value_or(0);
  server.user = url.user;
  if (url.password) {
    secrets.emplace_back(*url.password);
    if (url.password->find('\0') != std::string::npos) {
      reader.error(text->where, path + ": the password holds a NUL byte (%00), which no server accepts");
      return;
    }
    server.password = Secret(*url.password);
  }
  server.admin_database = url.path;
  server.options = std::move(url.query);
  server.hosts = std::move(hosts);
}

// `hosts: ["h1:5432", "h2:5432"]`: the hosts of one cluster.
void read_hosts(Reader& reader, const YAML::Node& node, const std::string& path, Server& server) {
  if (!node) {
    return;
  }
  std::vector<Located<std::string>> list = reader.text_list(node, path);
  if (node.IsSequence() && node.size() == 0) {
    reader.error(node, path + " is empty; list the cluster's hosts as host:port");
  }
  for (const auto& entry : list) {
    std::pair<std::string, int> parsed;
    if (!parse_host_port(entry.value, parsed)) {
      reader.error(entry.where, path + ": '" + util::printable(entry.value) +
                                    "' is not host or host:port (e.g. db-1.internal:5432)");
      continue;
    }
    server.hosts.push_back(parsed);
  }
}

void read_options(Reader& reader, const YAML::Node& node, const std::string& path,
                  Server& server) {
  if (!node || !reader.any_mapping(node, path)) {
    return;
  }
  for (const auto& entry : node) {
    std::string key = entry.first.Scalar();
    // An option such as sslpassword carries a credential: keep it out of every message.
    std::optional<Located<std::string>> value;
    if (key.find("password") != std::string::npos) {
      if (auto secret = reader.secret(entry.second, join_path(path, key))) {
        value = Located<std::string>{secret->value.reveal(), secret->where};
      }
    } else {
      value = reader.text(entry.second, join_path(path, key));
    }
    if (!value) {
      continue;
    }
    auto existing = std::find_if(server.options.begin(), server.options.end(),
                                 [&](const auto& option) { return option.first == key; });
    if (existing != server.options.end()) {
      existing->second = value->value;
    } else {
      server.options.emplace_back(key, value->value);
    }
  }
}

// MySQL servers take the mysql client's option names, Redis servers redis-cli's; PostgreSQL
// ones go to libpq as they are.
void check_options(Reader& reader, const YAML::Node& node, const std::string& path, Server& server) {
  // From options: or from the url's query: point at whichever gave it.
  auto where = [&](const std::string& key) {
    return node && node.IsMap() && node[key] ? reader.at(node[key]) : server.where;
  };
  if (!server.engine || server.engine->value == Engine::postgres) {
    // Every connection dbctl opens may write: one that may land on a standby is refused.
    for (const auto& [key, value] : server.options) {
      if (key == "target_session_attrs" && value != "read-write" && value != "primary") {
        reader.error(where(key), path + ".target_session_attrs is '" + util::printable(value) +
                                     "', which may reach a standby; dbctl writes on every connection, so only "
                                     "read-write (the default with several hosts) or primary will do");
      }
    }
    return;
  }
  bool redis = server.engine->value == Engine::redis;
  static const std::vector<std::string> k_mysql{"connect_timeout", "ssl-mode", "ssl-ca", "ssl-cert", "ssl-key"};
  static const std::vector<std::string> k_redis{"connect_timeout", "tls", "cacert", "cert", "key"};
  const std::vector<std::string>& keys = redis ? k_redis : k_mysql;
  static const std::vector<std::string> k_modes{"DISABLED", "REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY"};
  for (const auto& [key, value] : server.options) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      std::string message = "unknown " + std::string(redis ? "Redis" : "MySQL") + " option '" +
                            util::printable(key) + "' in " + path;
      auto suggestion = util::closest(key, keys);
      reader.error(where(key), message + (suggestion ? " (did you mean '" + *suggestion + "'?)"
                                                     : " (expected " + util::join(keys, ", ") + ")"));
    } else if (key == "ssl-mode" && std::find(k_modes.begin(), k_modes.end(), value) == k_modes.end()) {
      reader.error(where(key), path + ".ssl-mode must be DISABLED, REQUIRED, VERIFY_CA or "
                                      "VERIFY_IDENTITY, not '" + util::printable(value) + "'");
    } else if (key == "tls" && value != "true" && value != "false") {
      reader.error(where(key), path + ".tls must be true or false, not '" + util::printable(value) + "'");
    } else if (key == "tls") {
      server.tls = value == "true";
    }
  }
}

void read_server(Reader& reader, const YAML::Node& key, const YAML::Node& node,
                 Topology& topology) {
  std::string name = key.Scalar();
  std::string path = "servers." + name;
  Server server;
  server.name = name;
  server.where = reader.at(key);
  if (!reader.mapping(node, path,
                      {"engine", "host", "port", "user", "password", "password_file", "password_command", "options",
                       "max_connections", "url", "lock", "user_host", "hosts"})) {
    topology.servers.push_back(std::move(server));
    return;
  }
  server.engine = reader.choice<Engine>(node["engine"], path + ".engine",
                                        {{"postgres", Engine::postgres},
                                         {"mysql", Engine::mysql},
                                         {"mariadb", Engine::mysql},
                                         {"redis", Engine::redis}});
  if (node["url"]) {
    for (const char* field : {"host", "port", "user", "password", "password_file", "password_command"}) {
      if (node[field]) {
        reader.error(node[field], path + ": url and " + field +
                                      " are alternatives; put the " + field + " in the url");
      }
    }
    apply_url(reader, node["url"], path + ".url", server, topology.secrets);
  } else {
    if (auto host = reader.text(node["host"], path + ".host")) {
      server.host = host->value;
    }
    if (auto port = reader.integer(node["port"], path + ".port", 1, 65535)) {
      server.port = port->value;
    }
    if (auto user = reader.text(node["user"], path + ".user")) {
      server.user = user->value;
    }
    if (auto password = reader.password(node, path)) {
      server.password = password->value;
    }
  }
  if (node["hosts"]) {
    for (const char* field : {"host", "port"}) {
      if (node[field]) {
        reader.error(node[field], path + ": hosts and " + field + " are alternatives; put every host:port in hosts");
      }
    }
    if (!server.hosts.empty()) {
      reader.error(node["hosts"], path + ": the url lists several hosts already; give them in one place");
    }
    read_hosts(reader, node["hosts"], path + ".hosts", server);
  }
  if (!server.engine && !node["engine"] && !node["url"]) {
    reader.error(node, path + ".engine is required (postgres, mysql or redis)");
  }
  read_options(reader, node["options"], path + ".options", server);
  check_options(reader, node["options"], path + ".options", server);
  // At least 2: a migration holds its lock on a connection of its own.
  if (auto max = reader.integer(node["max_connections"], path + ".max_connections", 2, 10000)) {
    server.max_connections = max->value;
  }
  if (auto lock = reader.choice<LockStrategy>(node["lock"], path + ".lock",
                                              {{"advisory", LockStrategy::advisory},
                                               {"table", LockStrategy::table}})) {
    server.lock = lock->value;
    if (server.is_redis()) {
      reader.error(lock->where, path + ".lock applies to SQL servers; dbctl runs no migrations on Redis");
    }
  }
  if (auto host = reader.text(node["user_host"], path + ".user_host")) {
    if (server.engine && server.engine->value != Engine::mysql) {
      reader.error(host->where, path + ".user_host applies to MySQL servers only");
    } else if (host->value.find_first_of("'\\`") != std::string::npos || host->value.empty()) {
      reader.error(host->where, path + ".user_host must be a host or pattern such as % or 10.0.%");
    } else {
      server.user_host = host->value;
    }
  }
  int default_port = !server.engine ? 0 : server.engine->value == Engine::postgres ? 5432 : server.is_redis() ? 6379 : 3306;
  if (server.port == 0) {
    server.port = default_port;
  }
  for (auto& [each, each_port] : server.hosts) {
    each_port = each_port != 0 ? each_port : default_port;
  }
  if (!server.hosts.empty()) {
    server.host = server.hosts.front().first;
    server.port = server.hosts.front().second;
    if (server.is_redis()) {
      reader.error(node["hosts"] ? reader.at(node["hosts"]) : server.where,
                   path + ": several hosts apply to PostgreSQL and MySQL servers, not Redis");
    }
  }
  if (server.is_redis() && server.user.empty() && server.password) {
    server.user = "default"; // redis://:password@host: the password of Redis's default user
  }
  if (server.admin_database.empty() && server.engine &&
      server.engine->value == Engine::postgres) {
    server.admin_database = "postgres";
  }
  topology.servers.push_back(std::move(server));
}

} // namespace

void read_servers(Reader& reader, const YAML::Node& node, Topology& topology) {
  if (!reader.any_mapping(node, "servers")) {
    return;
  }
  if (node.size() == 0) {
    reader.error(node, "servers must name at least one server");
  }
  for (const auto& entry : node) {
    std::string name = entry.first.Scalar();
    if (topology.find_server(name) != nullptr) {
      reader.error(entry.first, "server '" + util::printable(name) + "' is defined twice");
      continue;
    }
    read_server(reader, entry.first, entry.second, topology);
  }
}

} // namespace dbctl::topology::detail

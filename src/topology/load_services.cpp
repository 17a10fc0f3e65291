// Reads `services:` and `roles:`.
#include "sections.hpp"

#include "dbctl/util/text.hpp"

namespace dbctl::topology::detail {

namespace {

// `owner:`/`app:` is a mapping {name, password}, or a bare role name.
RoleSpec read_role(Reader& reader, const YAML::Node& node, const std::string& path) {
  RoleSpec role;
  role.where = reader.at(node);
  if (node.IsScalar()) {
    role.name = reader.text(node, path);
    return role;
  }
  if (!reader.mapping(node, path, {"name", "password", "password_file", "password_command"})) {
    return role;
  }
  role.name = reader.text(node["name"], path + ".name");
  role.password = reader.password(node, path);
  return role;
}

// `app:` also accepts true (an app role with the default name) and false (none).
std::optional<RoleSpec> read_app(Reader& reader, const YAML::Node& node, const std::string& path) {
  if (!node || node.IsNull()) {
    return std::nullopt;
  }
  if (node.IsScalar()) {
    const std::string& word = node.Scalar();
    if (word == "true" || word == "yes" || word == "on") {
      return RoleSpec{reader.at(node), std::nullopt, std::nullopt};
    }
    if (word == "false" || word == "no" || word == "off") {
      return std::nullopt;
    }
  }
  return read_role(reader, node, path);
}

// `redis: { server, user, namespace, db, acl }`.
std::optional<RedisPlacement> read_redis(Reader& reader, const YAML::Node& node, const std::string& path) {
  if (!node) {
    return std::nullopt;
  }
  RedisPlacement redis;
  redis.where = reader.at(node);
  redis.user.where = redis.where;
  if (!reader.mapping(node, path, {"server", "user", "namespace", "db", "acl"})) {
    return redis;
  }
  redis.server = reader.text(node["server"], path + ".server");
  if (!node["server"]) {
    reader.error(node, path + ".server is required (an engine: redis server)");
  }
  if (node["user"]) {
    redis.user = read_role(reader, node["user"], path + ".user");
  }
  if (auto space = reader.choice<RedisNamespace>(node["namespace"], path + ".namespace",
                                                 {{"keys", RedisNamespace::keys}, {"db", RedisNamespace::db}})) {
    redis.space = *space;
  }
  redis.db = reader.integer(node["db"], path + ".db", 0, 65535);
  redis.acl = reader.text(node["acl"], path + ".acl");
  return redis;
}

void read_service(Reader& reader, const YAML::Node& key, const YAML::Node& node,
                  Topology& topology) {
  Service service;
  service.name = key.Scalar();
  service.where = reader.at(key);
  std::string path = "services." + service.name;
  Located<std::filesystem::path> default_migrations{
      (topology.dir / "migrations" / service.name).lexically_normal(), service.where};
  if (node.IsNull()) {
    // `users:` with nothing under it: every default applies.
    service.migrations = default_migrations;
    topology.services.push_back(std::move(service));
    return;
  }
  if (!reader.mapping(node, path,
                      {"server", "path", "migrations", "format", "database", "owner", "app", "extensions",
                       "tenanted", "run", "cwd", "current", "heads", "url_scheme", "version_table", "redis"})) {
    // Keep the name known so references to it do not add errors of their own.
    topology.services.push_back(std::move(service));
    return;
  }
  service.server = reader.text(node["server"], path + ".server");
  service.database = reader.text(node["database"], path + ".database");
  if (node["owner"]) {
    service.owner = read_role(reader, node["owner"], path + ".owner");
  } else {
    service.owner.where = service.where;
  }
  service.app = read_app(reader, node["app"], path + ".app");
  service.extensions = reader.text_list(node["extensions"], path + ".extensions");
  service.tenanted = reader.boolean(node["tenanted"], path + ".tenanted");
  read_format(reader, node["format"], path + ".format", service);
  read_command(reader, node, path + ".", topology.dir, service);
  if (node["path"]) {
    read_manifest(reader, node, path, topology.dir, service); // the manifest names the migrations
  } else {
    read_migrations(reader, node["migrations"], path + ".migrations", topology.dir,
                    default_migrations, service);
  }
  check_command(reader, path + ".", service);
  service.redis = read_redis(reader, node["redis"], path + ".redis");
  topology.services.push_back(std::move(service));
}

Grant read_grant(Reader& reader, const YAML::Node& node, const std::string& path) {
  Grant grant;
  grant.where = reader.at(node);
  if (!reader.mapping(node, path, {"services", "privileges"})) {
    return grant;
  }
  for (auto& service : reader.text_list(node["services"], path + ".services")) {
    if (service.value == "*") {
      grant.all_services = true;
    } else {
      grant.services.push_back(std::move(service));
    }
  }
  if (!node["services"]) {
    reader.error(node, path + ".services is required (a list of services, or \"*\")");
  }
  auto privilege = reader.choice<Privilege>(node["privileges"], path + ".privileges",
                                            {{"read", Privilege::read},
                                             {"write", Privilege::write},
                                             {"all", Privilege::all}});
  if (privilege) {
    grant.privilege = privilege->value;
  } else if (!node["privileges"]) {
    reader.error(node, path + ".privileges is required (read, write or all)");
  }
  return grant;
}

void read_role_entry(Reader& reader, const YAML::Node& key, const YAML::Node& node,
                     Topology& topology) {
  ExtraRole role;
  role.name = key.Scalar();
  role.where = reader.at(key);
  std::string path = "roles." + role.name;
  if (!reader.mapping(node, path, {"password", "password_file", "password_command", "grants"})) {
    return;
  }
  role.password = reader.password(node, path);
  const YAML::Node grants = node["grants"];
  if (grants && !grants.IsSequence()) {
    reader.error(grants, path + ".grants must be a list of {services, privileges}");
  } else if (grants) {
    for (std::size_t i = 0; i < grants.size(); ++i) {
      role.grants.push_back(read_grant(reader, grants[i], path + ".grants[" + std::to_string(i) + "]"));
    }
  }
  topology.roles.push_back(std::move(role));
}

} // namespace

void read_migrations(Reader& reader, const YAML::Node& node, const std::string& path,
                     const std::filesystem::path& base, const Located<std::filesystem::path>& absent,
                     Service& service) {
  if (!node.IsDefined()) {
    service.migrations = absent;
    return;
  }
  auto folder = reader.text(node, path);
  if (!folder) {
    if (node.IsNull()) {
      reader.error(node, path + " is empty; give a folder or 'none'");
    }
    return;
  }
  if (folder->value == "none") {
    service.migrations.reset();
    return;
  }
  std::filesystem::path resolved(folder->value);
  if (resolved.is_relative()) {
    resolved = base / resolved;
  }
  service.migrations = Located<std::filesystem::path>{resolved.lexically_normal(), folder->where};
}

void read_format(Reader& reader, const YAML::Node& node, const std::string& path, Service& service) {
  if (auto format = reader.choice<MigrationFormat>(node, path,
                                                   {{"flyway", MigrationFormat::flyway},
                                                    {"golang-migrate", MigrationFormat::golang_migrate},
                                                    {"dbmate", MigrationFormat::dbmate},
                                                    {"goose", MigrationFormat::goose},
                                                    {"auto", MigrationFormat::automatic},
                                                    {"command", MigrationFormat::command}})) {
    service.format = format;
  }
}

void read_services(Reader& reader, const YAML::Node& node, Topology& topology) {
  if (!reader.any_mapping(node, "services")) {
    return;
  }
  if (node.size() == 0) {
    reader.error(node, "services lists no service");
  }
  for (const auto& entry : node) {
    std::string name = entry.first.Scalar();
    if (topology.find_service(name) != nullptr) {
      reader.error(entry.first, "service '" + util::printable(name) + "' is defined twice");
      continue;
    }
    read_service(reader, entry.first, entry.second, topology);
  }
}

void read_roles(Reader& reader, const YAML::Node& node, Topology& topology) {
  if (node.IsNull() || !reader.any_mapping(node, "roles")) {
    return;
  }
  for (const auto& entry : node) {
    read_role_entry(reader, entry.first, entry.second, topology);
  }
}

} // namespace dbctl::topology::detail

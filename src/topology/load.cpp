#include "dbctl/topology/load.hpp"

#include "sections.hpp"

#include "dbctl/util/text.hpp"

namespace dbctl::topology {

namespace {

using detail::Reader;

void read_topology_section(Reader& reader, const YAML::Node& node, Topology& topology) {
  if (!reader.mapping(node, "topology",
                      {"mode", "database", "server", "tenancy", "tenants", "tenants_file"})) {
    return;
  }
  topology.mode = reader.choice<Mode>(node["mode"], "topology.mode",
                                      {{"shared", Mode::shared},
                                       {"db-per-service", Mode::db_per_service},
                                       {"multi-tenant", Mode::multi_tenant}});
  if (!topology.mode && !node["mode"]) {
    reader.error(node, "topology.mode is required (shared, db-per-service or multi-tenant)");
  }
  topology.shared_database = reader.text(node["database"], "topology.database");
  topology.shared_server = reader.text(node["server"], "topology.server");
  if (auto tenancy = reader.choice<Tenancy>(node["tenancy"], "topology.tenancy",
                                            {{"database", Tenancy::database},
                                             {"schema", Tenancy::schema}})) {
    topology.tenancy = *tenancy;
  }
  const YAML::Node tenants = node["tenants"];
  auto tenants_file = reader.text(node["tenants_file"], "topology.tenants_file");
  if (tenants && tenants_file) {
    reader.error(tenants_file->where, "topology.tenants and topology.tenants_file are "
                                      "alternatives; give one");
  } else if (tenants) {
    detail::read_tenant_list(reader, tenants, topology);
  } else if (tenants_file) {
    detail::read_tenants_file(reader, *tenants_file, topology);
  }
  topology.tenants_given = tenants.IsDefined() || tenants_file.has_value();
}

void read_naming(Reader& reader, const YAML::Node& node, Topology& topology) {
  if (!node || !reader.mapping(node, "naming", {"database", "owner", "app"})) {
    return;
  }
  topology.naming.database = reader.text(node["database"], "naming.database");
  topology.naming.owner = reader.text(node["owner"], "naming.owner");
  topology.naming.app = reader.text(node["app"], "naming.app");
}

void read_passwords(Reader& reader, const YAML::Node& node, Topology& topology) {
  if (!node || !reader.mapping(node, "passwords", {"derive_from"})) {
    return;
  }
  auto secret = reader.secret(node["derive_from"], "passwords.derive_from");
  // An empty secret (e.g. `${DBCTL_SECRET:-}` with the variable unset) means no derivation:
  // an empty HMAC key would make every derived password public.
  if (secret && !secret->value.empty()) {
    topology.derive_from = std::move(secret);
  }
}

void read_rollout(Reader& reader, const YAML::Node& node, Topology& topology) {
  if (!node || !reader.mapping(node, "rollout", {"waves", "max_failures", "pause", "check"})) {
    return;
  }
  Rollout& rollout = topology.rollout;
  rollout.waves = reader.text(node["waves"], "rollout.waves");
  rollout.max_failures = reader.integer(node["max_failures"], "rollout.max_failures", 0, 1000000);
  rollout.pause = reader.integer(node["pause"], "rollout.pause", 0, 86400);
  rollout.check = reader.text(node["check"], "rollout.check");
}

void read_prune(Reader& reader, const YAML::Node& node, Topology& topology) {
  if (!node || !reader.mapping(node, "prune", {"roles"})) {
    return;
  }
  if (auto roles = reader.choice<PruneRoles>(node["roles"], "prune.roles",
                                             {{"keep", PruneRoles::keep}, {"drop", PruneRoles::drop}})) {
    topology.prune_roles = *roles;
  }
}

// `lint: { RULE: error | warning | off }`; which rules exist is the lint module's to say (ops
// checks the ids), the levels are checked here.
void read_lint(Reader& reader, const YAML::Node& node, Topology& topology) {
  if (!node || !reader.any_mapping(node, "lint")) {
    return;
  }
  for (const auto& entry : node) {
    auto rule = reader.text(entry.first, "lint");
    auto level = reader.choice<LintLevel>(entry.second, "lint." + entry.first.Scalar(),
                                          {{"error", LintLevel::error},
                                           {"warning", LintLevel::warning},
                                           {"off", LintLevel::off}});
    if (rule && level) {
      topology.lint.push_back({*rule, *level});
    } else if (rule && entry.second.IsNull()) {
      reader.error(rule->where, "lint." + rule->value + " needs a level: error, warning or off");
    }
  }
}

void read_document(Reader& reader, const YAML::Node& root, Topology& topology) {
  if (!reader.mapping(root, "the topology",
                      {"version", "name", "servers", "topology", "naming", "passwords",
                       "services", "roles", "rollout", "prune", "lint"})) {
    return;
  }
  if (auto version = reader.integer(root["version"], "version", 1, 1)) {
    (void)version;
  } else if (!root["version"]) {
    reader.error(root, "version is required (version: 1)");
  }
  if (auto name = reader.text(root["name"], "name")) {
    topology.name = *name;
  } else if (!root["name"]) {
    reader.error(root, "name is required (the project name)");
  }
  if (root["servers"]) {
    detail::read_servers(reader, root["servers"], topology);
  } else {
    reader.error(root, "servers is required (at least one database server)");
  }
  if (root["topology"]) {
    read_topology_section(reader, root["topology"], topology);
  } else {
    reader.error(root, "topology is required (topology: {mode: ...})");
  }
  read_naming(reader, root["naming"], topology);
  read_passwords(reader, root["passwords"], topology);
  if (root["services"]) {
    detail::read_services(reader, root["services"], topology);
  } else {
    reader.error(root, "services is required (at least one service)");
  }
  if (root["roles"]) {
    detail::read_roles(reader, root["roles"], topology);
  }
  read_rollout(reader, root["rollout"], topology);
  read_prune(reader, root["prune"], topology);
  read_lint(reader, root["lint"], topology);
  for (Server& server : topology.servers) {
    server.application_name = "dbctl:" + topology.name.value;
  }
}

} // namespace

LoadResult load_text(const std::string& text, const std::string& file,
                     const std::filesystem::path& dir, const util::EnvLookup& env) {
  LoadResult result;
  std::optional<YAML::Node> root = detail::parse_yaml(text, file, result.diagnostics);
  if (!root) {
    return result;
  }
  if (root->IsNull()) {
    result.diagnostics.error({file, 0, 0},
                             "is empty; expected a topology (version: 1, name, servers, "
                             "topology, services)");
    return result;
  }
  Topology topology;
  topology.file = file;
  topology.dir = dir;
  Reader reader(file, dir, result.diagnostics, env, topology.secrets);
  read_document(reader, *root, topology);
  result.topology = std::move(topology);
  return result;
}

LoadResult load(const std::filesystem::path& file, const util::EnvLookup& env) {
  std::string message;
  std::optional<std::string> text =
      detail::read_text_file(file, k_max_topology_bytes, message);
  if (!text) {
    LoadResult result;
    result.diagnostics.error({file.string(), 0, 0}, message);
    return result;
  }
  std::filesystem::path dir = file.parent_path();
  return load_text(*text, file.string(), dir.empty() ? "." : dir, env);
}

} // namespace dbctl::topology

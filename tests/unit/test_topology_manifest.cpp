#include "helpers.hpp"
#include "temp_dir.hpp"

#include "dbctl/provision/provision.hpp"
#include "dbctl/topology/edit.hpp"

using dbctl::unit::TempDir;

namespace {

const std::string k_manifest = "version: 1\n"
                               "name: users\n"
                               "engines: [postgres, mysql]\n"
                               "extensions: [pgcrypto, citext]\n"
                               "min_server_version: {postgres: \"14\", mariadb: \"10.6\"}\n"
                               "app: true\n";

// Load, validate and expand a topology in `dir` (its file named t.yaml there); every problem
// as "file:line:col: message", the file relative to dir.
struct Checked {
  std::optional<dbctl::topology::Topology> topology;
  std::vector<dbctl::targets::Target> targets;
  std::vector<std::string> problems;
};

Checked check(const TempDir& dir, const std::string& text) {
  auto loaded = dbctl::topology::load_text(text, (dir.path() / "t.yaml").string(), dir.path(),
                                           dbctl::unit::env_of());
  Checked out;
  dbctl::util::Diagnostics diagnostics = loaded.diagnostics;
  if (loaded.topology) {
    dbctl::topology::validate(*loaded.topology, diagnostics);
    auto expansion = dbctl::targets::expand(*loaded.topology);
    diagnostics.merge(expansion.diagnostics);
    out.targets = std::move(expansion.targets);
    out.topology = std::move(loaded.topology);
  }
  std::string prefix = dir.path().string() + "/";
  for (const auto& d : diagnostics.errors()) {
    std::string line = dbctl::util::to_string(d);
    for (std::size_t at = line.find(prefix); at != std::string::npos; at = line.find(prefix)) {
      line.erase(at, prefix.size());
    }
    out.problems.push_back(line);
  }
  return out;
}

std::string head(const std::string& engine = "postgres") {
  return "version: 1\nname: shop\nservers:\n  db: {engine: " + engine +
         ", host: 127.0.0.1}\ntopology: {mode: db-per-service}\n";
}

} // namespace

TEST_SUITE("topology::manifest") {
  TEST_CASE("a service referenced by path takes its migrations - extensions and app role from its manifest") {
    TempDir dir;
    dir.write("user-service/dbctl-service.yaml", k_manifest);
    dir.write("user-service/migrations/V1__init.sql", "SELECT 1;\n");
    Checked checked = check(dir, head() + "services:\n  users: {path: user-service, extensions: [hstore]}\n");
    REQUIRE(checked.problems.empty());
    const auto& service = checked.topology->services.at(0);
    REQUIRE(service.manifest);
    CHECK(service.manifest->supports(dbctl::topology::Engine::mysql));
    CHECK(service.manifest->minimum("postgres")->value == "14");
    CHECK(service.manifest->minimum("mysql") == nullptr);
    CHECK(service.migrations->value == dir.path() / "user-service/migrations");
    REQUIRE(checked.targets.size() == 1);
    const auto& target = checked.targets.at(0);
    CHECK(target.extensions == std::vector<std::string>{"hstore", "pgcrypto", "citext"});
    REQUIRE(target.app);
    CHECK(target.app->name == "users_app");
    CHECK(dbctl::util::to_string(target.placed_at) == dbctl::util::to_string(service.where));
  }

  TEST_CASE("on MySQL a manifest's PostgreSQL extensions do not apply - its migrations folder may be none") {
    TempDir dir;
    dir.write("svc/dbctl-service.yaml", k_manifest + "migrations: none\n");
    Checked checked = check(dir, head("mysql") + "services:\n  users: {path: ./svc}\n");
    REQUIRE(checked.problems.empty());
    CHECK(checked.targets.at(0).extensions.empty());
    CHECK_FALSE(checked.topology->services.at(0).migrations);
  }

  TEST_CASE("a placement on an engine the manifest does not support names both lines - once per server") {
    TempDir dir;
    dir.write("svc/dbctl-service.yaml", "version: 1\nname: users\nengines: postgres\n");
    dir.write("svc/migrations/V1__a.sql", "SELECT 1;\n");
    std::string text = "version: 1\nname: shop\nservers:\n  pg: {engine: postgres}\n  my: {engine: mysql}\n"
                       "topology: {mode: multi-tenant, tenants: [{name: a, server: pg}, {name: b, server: my}, {name: c, server: my}]}\n"
                       "services:\n  users: {path: svc}\n";
    Checked checked = check(dir, text);
    CHECK(checked.problems == std::vector<std::string>{
                                  "t.yaml:6:83: services.users is placed on mysql server 'my', but its "
                                  "manifest svc/dbctl-service.yaml:3:10 supports only postgres"});
    CHECK(checked.targets.size() == 1); // a, on pg
  }

  TEST_CASE("manifest mismatches with the topology are located errors") {
    TempDir dir;
    dir.write("svc/dbctl-service.yaml", "version: 1\nname: accounts\nengines: [postgres]\napp: yes\n");
    dir.write("svc/migrations/V1__a.sql", "SELECT 1;\n");
    dir.write("file.txt", "x");
    Checked checked = check(dir, head() + "services:\n"
                                          "  users: {path: svc, migrations: elsewhere, app: false}\n"
                                          "  gone: {path: nowhere}\n"
                                          "  flat: {path: file.txt}\n"
                                          "  bare: {path: .}\n");
    CHECK(checked.problems ==
          std::vector<std::string>{
              "t.yaml:7:17: services.users.path: the manifest svc/dbctl-service.yaml:2:7 is service "
              "'accounts', not 'users'; the topology's key and the manifest's name must match",
              "t.yaml:7:34: services.users.migrations: the service's manifest svc/dbctl-service.yaml "
              "gives its migrations folder; remove this key",
              "t.yaml:7:50: services.users.app turns the app role off, but the service's manifest "
              "svc/dbctl-service.yaml:4:6 says it needs one",
              "t.yaml:8:16: services.gone.path: nowhere does not exist",
              "t.yaml:9:16: services.flat.path: file.txt is not a folder; give the folder holding "
              "dbctl-service.yaml",
              "t.yaml:10:16: services.bare.path: dbctl-service.yaml: no such file (a service "
              "referenced by path ships a manifest)"});
  }

  TEST_CASE("a bad manifest is reported at its own lines") {
    TempDir dir;
    dir.write("a/dbctl-service.yaml", "version: 2\nname: a\nengine: [postgres]\n");
    dir.write("b/dbctl-service.yaml", "version: 1\nname: b\nengines: [postgers, sqlite]\n"
                                      "min_server_version: {postgres: 14.x, oracle: 1}\n");
    dir.write("c/dbctl-service.yaml", "version: 1\nname: [c\n");
    dir.write("d/dbctl-service.yaml", "");
    Checked checked = check(dir, head() + "services:\n  a: {path: a}\n  b: {path: b}\n  c: {path: c}\n  d: {path: d}\n");
    CHECK(checked.problems ==
          std::vector<std::string>{
              "a/dbctl-service.yaml:1:1: engines is required: the engines the service's SQL supports "
              "(postgres, mysql)",
              "a/dbctl-service.yaml:1:10: version must be a whole number from 1 to 1, not '2'",
              "a/dbctl-service.yaml:3:1: unknown key 'engine' in the manifest (did you mean 'engines'?)",
              "b/dbctl-service.yaml:3:11: engines: 'postgers' is not an engine (postgres, mysql or "
              "mariadb); did you mean 'postgres'?",
              "b/dbctl-service.yaml:3:21: engines: 'sqlite' is not an engine (postgres, mysql or mariadb)",
              "b/dbctl-service.yaml:4:32: min_server_version.postgres must be a version such as 14 or "
              "10.6, not '14.x'",
              "b/dbctl-service.yaml:4:38: unknown key 'oracle' in min_server_version (expected "
              "postgres, mysql or mariadb)",
              "c/dbctl-service.yaml:3:1: invalid YAML: end of sequence flow not found",
              "d/dbctl-service.yaml: is empty; expected a service manifest (version: 1, name, engines)"});
  }

  TEST_CASE("server versions compare number by number") {
    using dbctl::provision::version_at_least;
    CHECK(version_at_least("15.4 (Debian 15.4-2.pgdg120+1)", "14"));
    CHECK(version_at_least("15.4", "15.4"));
    CHECK_FALSE(version_at_least("15.4", "15.10"));
    CHECK(version_at_least("10.11.6-MariaDB-0+deb12u1", "10.6"));
    CHECK_FALSE(version_at_least("10.11.6-MariaDB-0+deb12u1", "11"));
    CHECK(version_at_least("16devel", "16"));
    CHECK_FALSE(version_at_least("unknown", "1"));
  }
}

TEST_SUITE("topology::edit") {
  const std::string k_text = "version: 1   # the format\n"
                             "name: shop\n"
                             "services:\n"
                             "    # the users service\n"
                             "    users:\n"
                             "        migrations: m/users   # its own folder\n"
                             "\n"
                             "# extra roles below\n"
                             "roles: {}\n";

  TEST_CASE("a service entry lands after the last one - every comment and blank line kept") {
    auto edited = dbctl::topology::add_service_entry(k_text, "billing",
                                                     dbctl::topology::service_entry("billing", "services/billing", ""));
    REQUIRE(edited);
    CHECK(*edited == "version: 1   # the format\n"
                     "name: shop\n"
                     "services:\n"
                     "    # the users service\n"
                     "    users:\n"
                     "        migrations: m/users   # its own folder\n"
                     "    billing: { path: services/billing }\n"
                     "\n"
                     "# extra roles below\n"
                     "roles: {}\n");
  }

  TEST_CASE("at the end of a file without a final newline - with CRLF line ends - a quoted path") {
    auto edited = dbctl::topology::add_service_entry("name: shop\r\nservices:\r\n  users: {}", "b",
                                                     dbctl::topology::service_entry("b", "../my svc", "pg-eu"));
    REQUIRE(edited);
    CHECK(*edited == "name: shop\r\nservices:\r\n  users: {}\r\n  b: { path: \"../my svc\", server: pg-eu }\r\n");
  }

  TEST_CASE("a flow mapping - a name already there - or no services are left alone") {
    CHECK_FALSE(dbctl::topology::add_service_entry("services: {users: {}}\n", "b", "b: {}"));
    CHECK_FALSE(dbctl::topology::add_service_entry("services:\n  b: {}\n", "b", "b: {}"));
    CHECK_FALSE(dbctl::topology::add_service_entry("name: x\n", "b", "b: {}"));
    CHECK_FALSE(dbctl::topology::add_service_entry("services: [\n", "b", "b: {}"));
  }

  TEST_CASE("the manifest text of a new service loads as a manifest") {
    TempDir dir;
    dir.write("svc/dbctl-service.yaml",
              dbctl::topology::manifest_text("users", {dbctl::topology::Engine::postgres}, true));
    dir.write("svc/migrations/V1__init.sql", "-- nothing yet\n");
    Checked checked = check(dir, head() + "services:\n  users: {path: svc}\n");
    REQUIRE(checked.problems.empty());
    CHECK(checked.targets.at(0).app);
    CHECK(checked.topology->services.at(0).manifest->engines.size() == 1);
  }
}

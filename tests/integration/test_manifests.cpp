// Service manifests (dbctl-service.yaml) on real servers: services referenced by path go up on
// both engines; every mismatch between a manifest and its placement stops the run before any
// server is changed; new-service scaffolds a service that validates and goes up.
#include "support.hpp"

#include <doctest/doctest.h>

using namespace dbctl::test;

namespace {

const std::string k_servers = "  pg: {url: \"${DBCTL_TEST_PG_URL}\"}\n  my: {url: \"${DBCTL_TEST_MYSQL_URL}\"}\n";
const std::string k_passwords = "passwords: {derive_from: \"${DBCTL_SECRET}\"}\n";

std::string manifest(const std::string& name, const std::string& more) {
  return "version: 1\nname: " + name + "\n" + more;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// "file:line:col" of the first `token` on a line of the project's topology (1-based).
std::string at(const TestProject& project, int line, const std::string& token) {
  std::string text = read(project.file);
  std::size_t start = 0;
  for (int i = 1; i < line; ++i) {
    start = text.find('\n', start) + 1;
  }
  std::string row = text.substr(start, text.find('\n', start) - start);
  return project.file.string() + ":" + std::to_string(line) + ":" + std::to_string(row.find(token) + 1);
}

} // namespace

TEST_SUITE("integration: service manifests") {
  TEST_CASE("services referenced by path go up on PostgreSQL and MariaDB") {
    TestProject project("mfu", "topology: {mode: db-per-service}\n" + k_passwords +
                                   "services:\n"
                                   "  @P@users: {path: ../services/users, server: pg}\n"
                                   "  @P@orders: {path: ../services/orders, server: my}\n",
                        k_servers);
    const std::string& p = project.prefix;
    // The topology sits in project/, the services beside it, as in a monorepo.
    std::filesystem::create_directories(project.dir.path() / "project");
    std::filesystem::rename(project.file, project.dir.path() / "project/topology.yaml");
    project.file = project.dir.path() / "project/topology.yaml";
    project.write("services/users/dbctl-service.yaml",
                  manifest(p + "users", "engines: [postgres, mysql]\nextensions: [pgcrypto]\n"
                                        "min_server_version: {postgres: \"13\", mariadb: \"10.5\"}\napp: true\n"));
    project.write("services/users/migrations/V1__accounts.sql",
                  "CREATE TABLE accounts (id int PRIMARY KEY, secret bytea DEFAULT digest('x', 'sha256'));\n");
    project.write("services/orders/dbctl-service.yaml",
                  manifest(p + "orders", "engines: mysql\nmin_server_version: {mariadb: \"10.6\", mysql: \"8.0\"}\n"
                                         "migrations: sql\n"));
    project.write("services/orders/sql/V1__orders.sql", "CREATE TABLE orders (id int PRIMARY KEY);\n");
    Result validate = project.dbctl({"validate"});
    INFO(validate.err);
    REQUIRE(validate.exit_code == 0);
    Result up = project.dbctl({"up"});
    INFO(up.err);
    REQUIRE(up.exit_code == 0);
    CHECK(pg_query("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'accounts'", p + "users") ==
          p + "users");
    CHECK(pg_query("SELECT count(*) FROM pg_extension WHERE extname = 'pgcrypto'", p + "users") == "1");
    CHECK(pg_query("SELECT count(*) FROM pg_roles WHERE rolname = '" + p + "users_app'") == "1"); // the manifest's app: true
    CHECK(mysql_query("SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '" + p +
                      "orders' AND TABLE_NAME = 'orders'") == "1");
    CHECK(project.dbctl({"status", "--check"}).exit_code == 0);
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("a placement on an unsupported engine is exit 2 from validate and up - nothing created") {
    TestProject project("mfe", "topology: {mode: db-per-service}\n" + k_passwords +
                                   "services:\n  @P@geo: {path: geo, server: my}\n",
                        k_servers);
    project.write("geo/dbctl-service.yaml", manifest(project.prefix + "geo", "engines: [postgres]\n"));
    project.write("geo/migrations/V1__a.sql", "SELECT 1;\n");
    for (const char* command : {"validate", "up"}) {
      Result result = project.dbctl({command});
      CHECK(result.exit_code == 2);
      CHECK(has(result.err, at(project, 9, "my}") + ": services." + project.prefix +
                                "geo is placed on mysql server 'my', but its manifest " +
                                (project.dir.path() / "geo/dbctl-service.yaml").string() +
                                ":3:10 supports only postgres"));
    }
    CHECK(mysql_query("SELECT count(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '" +
                      project.prefix + "geo'") == "0");
  }

  TEST_CASE("a server older than a manifest requires is exit 2 from plan and init - no server changed") {
    // users fits pg; orders needs a MariaDB newer than any: init changes neither server.
    TestProject project("mfv", "topology: {mode: db-per-service}\n" + k_passwords +
                                   "services:\n  @P@users: {path: users, server: pg}\n"
                                   "  @P@orders: {path: orders, server: my}\n",
                        k_servers);
    const std::string& p = project.prefix;
    project.write("users/dbctl-service.yaml", manifest(p + "users", "engines: postgres\nmin_server_version: {postgres: \"15\"}\n"));
    project.write("users/migrations/V1__a.sql", "SELECT 1;\n");
    project.write("orders/dbctl-service.yaml",
                  manifest(p + "orders", "engines: [mysql]\nmin_server_version: {mariadb: \"99.1\", postgres: \"1\"}\n"));
    project.write("orders/migrations/V1__a.sql", "SELECT 1;\n");
    REQUIRE(project.dbctl({"validate"}).exit_code == 0); // offline: the version is not known yet
    std::string manifest_file = (project.dir.path() / "orders/dbctl-service.yaml").string();
    for (const char* command : {"plan", "init", "up"}) {
      Result result = project.dbctl({command});
      CHECK(result.exit_code == 2);
      INFO(result.err);
      CHECK(has(result.err, at(project, 10, "my}") + ": services." + p + "orders needs MariaDB 99.1 or newer (manifest " +
                                manifest_file + ":4:31), but server 'my' runs 10.11"));
    }
    CHECK(pg_query("SELECT count(*) FROM pg_database WHERE datname = '" + p + "users'") == "0");
    CHECK(pg_query("SELECT count(*) FROM pg_roles WHERE rolname LIKE '" + p + "%'") == "0");
    CHECK(mysql_query("SELECT count(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '" + p + "orders'") == "0");
  }

  TEST_CASE("an extension the server lacks - or only a superuser may create - is exit 2 naming both lines") {
    std::string p = unique_prefix("mfx");
    pg_query("CREATE ROLE " + p + "admin LOGIN PASSWORD 'mfx-pass' CREATEDB CREATEROLE");
    std::string admin = pg_admin_url();
    std::string hostport = admin.substr(admin.find('@') + 1);
    hostport = hostport.substr(0, hostport.find('/'));
    TestProject project("mfx", "topology: {mode: db-per-service}\n" + k_passwords +
                                   "services:\n  @P@maps: {path: maps}\n"
                                   "  @P@files:\n    path: files\n    extensions: [file_fdw]\n",
                        "  pg: {url: \"postgres://" + p + "admin:mfx-pass@" + hostport + "/postgres\"}\n");
    project.write("maps/dbctl-service.yaml", manifest(project.prefix + "maps", "engines: [postgres]\nextensions: [dbctl_no_such_extension]\n"));
    project.write("maps/migrations/V1__a.sql", "SELECT 1;\n");
    project.write("files/dbctl-service.yaml", manifest(project.prefix + "files", "engines: [postgres]\n"));
    project.write("files/migrations/V1__a.sql", "SELECT 1;\n");
    Result init = project.dbctl({"init"});
    CHECK(init.exit_code == 2);
    INFO(init.err);
    std::string maps = (project.dir.path() / "maps/dbctl-service.yaml").string();
    CHECK(has(init.err, at(project, 8, project.prefix) + ": services." + project.prefix + "maps needs extension "
                        "'dbctl_no_such_extension' (" + maps + ":4:14), which server 'pg' does not have: it "
                        "is not in pg_available_extensions"));
    CHECK(has(init.err, at(project, 9, project.prefix) + ": services." + project.prefix +
                            "files needs extension 'file_fdw' (" + at(project, 11, "file_fdw") + "), which only a superuser may create, and admin '" +
                            p + "admin' of server 'pg' is not one"));
    CHECK(pg_query("SELECT count(*) FROM pg_database WHERE datname LIKE '" + project.prefix + "%'") == "0");
    pg_query("DROP ROLE " + p + "admin");
  }

  TEST_CASE("new-service scaffolds a service that validates and goes up - keeping the topology's comments") {
    for (const std::string engine : {"pg", "my"}) {
      CAPTURE(engine);
      TestProject project("mfn", "# how the services are laid out\ntopology: {mode: db-per-service}  # one each\n" +
                                     k_passwords + "services:\n  # the first one\n  @P@users:\n"
                                     "    migrations: none   # none yet\n\n# the end\n",
                          engine == "pg" ? "  pg: {url: \"${DBCTL_TEST_PG_URL}\"}\n"
                                         : "  my: {url: \"${DBCTL_TEST_MYSQL_URL}\"}\n");
      const std::string& p = project.prefix;
      std::string before = read(project.file);
      Result created = project.dbctl({"new-service", p + "billing"});
      INFO(created.err);
      REQUIRE(created.exit_code == 0);
      std::string after = read(project.file);
      CHECK(after == before.substr(0, before.find("\n# the end")) + "  " + p +
                         "billing: { path: services/" + p + "billing }\n\n# the end\n");
      std::filesystem::path folder = project.dir.path() / "services" / (p + "billing");
      CHECK(has(read(folder / "dbctl-service.yaml"),
                std::string("engines: [") + (engine == "pg" ? "postgres" : "mysql") + "]"));
      CHECK(std::filesystem::exists(folder / "migrations/V1__init.sql"));
      CHECK(project.dbctl({"validate"}).exit_code == 0);
      project.write("services/" + p + "billing/migrations/V2__invoices.sql", "CREATE TABLE invoices (id int PRIMARY KEY);\n");
      Result up = project.dbctl({"up"});
      INFO(up.err);
      REQUIRE(up.exit_code == 0);
      Result env = project.dbctl({"env", "--service", p + "billing"});
      CHECK(has(env.out, "://" + p + "billing_app:")); // the manifest's app: true
      if (engine == "pg") {
        CHECK(pg_query("SELECT count(*) FROM pg_class WHERE relname = 'invoices'", p + "billing") == "1");
      } else {
        CHECK(mysql_query("SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '" + p +
                          "billing' AND TABLE_NAME = 'invoices'") == "1");
      }
      // A second time: the service exists.
      CHECK(project.dbctl({"new-service", p + "billing"}).exit_code == 2);
      REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
    }
  }

  TEST_CASE("new-service leaves a topology it cannot edit safely as it was and prints the line to add") {
    TestProject project("mfl", "topology: {mode: db-per-service}\nservices: {@P@users: {migrations: none, server: pg}}\n",
                        k_servers);
    std::string before = read(project.file);
    Result several = project.dbctl({"new-service", project.prefix + "billing"});
    CHECK(several.exit_code == 2);
    CHECK(has(several.err, "several servers: say which one holds '" + project.prefix + "billing' with --server"));
    Result created = project.dbctl({"new-service", project.prefix + "billing", "--server", "my", "--no-app"});
    INFO(created.err);
    REQUIRE(created.exit_code == 0);
    CHECK(read(project.file) == before);
    CHECK(has(created.out, "  " + project.prefix + "billing: { path: services/" + project.prefix +
                               "billing, server: my }\n"));
    CHECK(has(created.err, "add this under services:"));
    CHECK(has(read(project.dir.path() / "services" / (project.prefix + "billing") / "dbctl-service.yaml"),
              "app: false"));
  }
}

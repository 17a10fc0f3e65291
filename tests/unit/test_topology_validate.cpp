#include "helpers.hpp"

using dbctl::unit::k_pg_head;
using dbctl::unit::load;

TEST_SUITE("topology::validate") {
  TEST_CASE("invalid identifiers are reported at their place") {
    auto loaded = load("version: 1\nname: my-shop\nservers:\n  pg: {engine: postgres}\n"
                       "topology: {mode: db-per-service}\n"
                       "services:\n  user-service: {migrations: none}\n");
    CHECK(loaded->problems ==
          std::vector<std::string>{
              "2:7: project name 'my-shop' is not a valid name: use letters, digits and _, "
              "starting with a letter or _, at most 63 characters",
              "7:3: service 'user-service' is not a valid name: use letters, digits and _, "
              "starting with a letter or _, at most 63 characters"});
  }

  TEST_CASE("lock: table is taken on PostgreSQL and MySQL alike") {
    for (const std::string engine : {"postgres", "mysql"}) {
      CAPTURE(engine);
      auto loaded = dbctl::topology::load_text(
          "version: 1\nname: shop\nservers:\n  pg: {engine: " + engine + ", lock: table}\n"
          "topology: {mode: db-per-service}\nservices:\n  users: {migrations: none}\n",
          "t.yaml", "/project", dbctl::unit::env_of());
      dbctl::util::Diagnostics diagnostics;
      dbctl::topology::validate(*loaded.topology, diagnostics);
      CHECK_FALSE(diagnostics.has_errors());
      CHECK(diagnostics.warnings().empty());
      CHECK(loaded.topology->servers[0].lock == dbctl::topology::LockStrategy::table);
    }
  }

  TEST_CASE("server names may hold dashes but not spaces") {
    CHECK(dbctl::topology::is_server_name("pg-eu_1"));
    CHECK_FALSE(dbctl::topology::is_server_name("pg eu"));
    CHECK_FALSE(dbctl::topology::is_server_name("-pg"));
  }

  TEST_CASE("an unknown server reference suggests the closest") {
    auto loaded = load(k_pg_head + "topology: {mode: db-per-service}\n"
                                   "services:\n  users: {server: pgg, migrations: none}\n");
    CHECK(loaded->problems == std::vector<std::string>{
                                  "7:19: services.users.server names unknown server 'pgg' (did "
                                  "you mean 'pg'?)"});
  }

  TEST_CASE("several servers without a choice is reported per service") {
    auto loaded = load("version: 1\nname: shop\nservers:\n"
                       "  a: {engine: postgres}\n  b: {engine: postgres}\n"
                       "topology: {mode: db-per-service}\n"
                       "services:\n  users: {migrations: none}\n");
    CHECK(loaded->problems == std::vector<std::string>{
                                  "8:3: services.users: several servers exist; name one with "
                                  "server:"});
  }

  TEST_CASE("shared mode with services on several servers is refused") {
    auto loaded = load("version: 1\nname: shop\nservers:\n"
                       "  a: {engine: postgres}\n  b: {engine: postgres}\n"
                       "topology: {mode: shared}\n"
                       "services:\n  users: {server: a, migrations: none}\n"
                       "  orders: {server: b, migrations: none}\n");
    CHECK(loaded->problems == std::vector<std::string>{
                                  "9:20: shared mode puts every service in one database, but "
                                  "service 'orders' is on server 'b' and others on 'a'"});
  }

  TEST_CASE("shared mode with several servers needs topology.server") {
    auto loaded = load("version: 1\nname: shop\nservers:\n"
                       "  a: {engine: postgres}\n  b: {engine: postgres}\n"
                       "topology: {mode: shared}\nservices:\n  users: {migrations: none}\n");
    CHECK(loaded->problems ==
          std::vector<std::string>{"6:18: shared mode with several servers needs topology.server "
                                   "(the server of the shared database)",
                                   "8:3: services.users: several servers exist; name one with "
                                   "server:"});
  }

  TEST_CASE("keys of another mode are refused") {
    auto loaded = load(k_pg_head +
                       "topology: {mode: db-per-service, database: x, tenancy: schema}\n"
                       "services:\n  users: {migrations: none}\n");
    CHECK(loaded->problems ==
          std::vector<std::string>{
              "5:44: topology.database applies to shared mode only; this topology is "
              "db-per-service",
              "5:56: topology.tenancy applies to multi-tenant mode only; this topology is "
              "db-per-service"});
  }

  TEST_CASE("multi-tenant mode needs a tenant list") {
    auto loaded = load(k_pg_head + "topology: {mode: multi-tenant}\n"
                                   "services:\n  users: {migrations: none}\n");
    CHECK(loaded->problems == std::vector<std::string>{
                                  "5:18: multi-tenant mode needs topology.tenants or "
                                  "topology.tenants_file"});
  }

  TEST_CASE("tenancy: schema on MySQL is refused") {
    auto loaded = load("version: 1\nname: shop\nservers:\n  my: {engine: mysql}\n"
                       "topology: {mode: multi-tenant, tenancy: schema, tenants: [acme]}\n"
                       "services:\n  users: {migrations: none}\n");
    CHECK(loaded->problems == std::vector<std::string>{
                                  "5:41: tenancy: schema is PostgreSQL only; service 'users' is "
                                  "on MySQL server 'my'"});
  }

  TEST_CASE("extensions on MySQL are refused") {
    auto loaded = load("version: 1\nname: shop\nservers:\n  my: {engine: mysql}\n"
                       "topology: {mode: db-per-service}\n"
                       "services:\n  users: {migrations: none, extensions: [pgcrypto]}\n");
    CHECK(loaded->problems == std::vector<std::string>{
                                  "7:42: services.users.extensions: extensions exist only on "
                                  "PostgreSQL; server 'my' is MySQL"});
  }

  TEST_CASE("templates with unknown placeholders or {tenant} outside multi-tenant are refused") {
    auto loaded = load(k_pg_head + "topology: {mode: db-per-service}\n"
                                   "naming: {database: \"{svc}_db\", owner: \"{tenant}_o\"}\n"
                                   "services:\n  users: {migrations: none}\n");
    CHECK(loaded->problems ==
          std::vector<std::string>{
              "6:20: naming template: unknown placeholder {svc} (expected {service}, {tenant} or "
              "{name})",
              "6:39: naming template uses {tenant}, which exists only in multi-tenant mode"});
  }

  TEST_CASE("grants on unknown services are refused") {
    auto loaded = load(k_pg_head + "topology: {mode: db-per-service}\n"
                                   "services:\n  users: {migrations: none}\n"
                                   "roles:\n  bi:\n    grants: [{services: [usrs], privileges: read}]\n");
    CHECK(loaded->problems == std::vector<std::string>{
                                  "10:26: roles.bi grants on unknown service 'usrs' (did you "
                                  "mean 'users'?)"});
  }

  TEST_CASE("a tenant naming an unknown server is refused (no suggestion when none is close)") {
    auto loaded = load(k_pg_head + "topology: {mode: multi-tenant, tenants: [\"acme pg-us\"]}\n"
                                   "services:\n  users: {migrations: none}\n");
    CHECK(loaded->problems == std::vector<std::string>{
                                  "5:42: tenant 'acme' names unknown server 'pg-us'"});
  }
}

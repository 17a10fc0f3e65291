#include "helpers.hpp"

#include "dbctl/targets/url.hpp"
#include "dbctl/util/error.hpp"

using dbctl::targets::connection_url;
using dbctl::targets::RoleKind;
using dbctl::targets::url_variable;
using dbctl::unit::load;

TEST_SUITE("targets::url") {
  TEST_CASE("a PostgreSQL URL carries encoded credentials and the server's options") {
    auto loaded = load("version: 1\nname: shop\nservers:\n"
                       "  pg: {engine: postgres, host: db.local, port: 6432,"
                       " options: {sslmode: require}}\n"
                       "topology: {mode: db-per-service}\n"
                       "services:\n  users:\n    migrations: none\n"
                       "    owner: {name: users_svc, password: \"p@ss w/rd:%&'\"}\n"
                       "    app: {name: users_app, password: plain}\n");
    REQUIRE(loaded->problems.empty());
    const auto& target = loaded->targets.at(0);
    CHECK(connection_url(target, RoleKind::owner) ==
          "postgres://users_svc:p%40ss%20w%2Frd%3A%25%26%27@db.local:6432/users?sslmode=require");
    CHECK(connection_url(target, RoleKind::app) ==
          "postgres://users_app:plain@db.local:6432/users?sslmode=require");
    CHECK(url_variable(target) == "USERS_DATABASE_URL");
  }

  TEST_CASE("a schema target sets search_path through libpq's options parameter") {
    auto loaded = load(dbctl::unit::k_pg_head +
                       "topology: {mode: multi-tenant, tenancy: schema, tenants: [acme]}\n"
                       "services:\n  users: {migrations: none, owner: {password: x}}\n");
    REQUIRE(loaded->problems.empty());
    const auto& target = loaded->targets.at(0);
    CHECK(connection_url(target, RoleKind::owner) ==
          "postgres://users_acme:x@127.0.0.1:5432/users?options=-csearch_path%3Dacme");
    CHECK(url_variable(target) == "USERS_ACME_DATABASE_URL");
  }

  TEST_CASE("a tenant placed on a shard gets its server's host in its URL") {
    auto loaded = load("version: 1\nname: shop\nservers:\n"
                       "  pg: {engine: postgres, host: us.db.local}\n"
                       "  pg-eu: {engine: postgres, host: eu.db.local, port: 6543}\n"
                       "topology: {mode: multi-tenant, tenants: [acme, {name: globex, server: pg-eu}]}\n"
                       "services:\n  users: {server: pg, migrations: none, owner: {password: pw}}\n");
    REQUIRE(loaded->problems.empty());
    REQUIRE(loaded->targets.size() == 2);
    CHECK(connection_url(loaded->targets.at(0), RoleKind::owner) ==
          "postgres://users_acme:pw@us.db.local:5432/users_acme");
    CHECK(connection_url(loaded->targets.at(1), RoleKind::owner) ==
          "postgres://users_globex:pw@eu.db.local:6543/users_globex");
    CHECK(url_variable(loaded->targets.at(1)) == "USERS_GLOBEX_DATABASE_URL");
  }

  TEST_CASE("a MySQL URL - an IPv6 host and a role without password") {
    auto loaded = load("version: 1\nname: shop\nservers:\n  my: {engine: mysql, host: \"::1\"}\n"
                       "topology: {mode: db-per-service}\n"
                       "services:\n  orders: {migrations: none}\n");
    REQUIRE(loaded->problems.empty());
    CHECK(connection_url(loaded->targets.at(0), RoleKind::owner) == "mysql://orders@[::1]:3306/orders");
  }

  TEST_CASE("asking for an app role that does not exist is a usage error") {
    auto loaded = load(dbctl::unit::k_pg_head + "topology: {mode: db-per-service}\n"
                                                "services:\n  users: {migrations: none}\n");
    REQUIRE(loaded->problems.empty());
    CHECK_THROWS_WITH_AS(connection_url(loaded->targets.at(0), RoleKind::app),
                         "users@pg has no app role (declare app: or set naming.app)",
                         dbctl::UsageError);
  }
}

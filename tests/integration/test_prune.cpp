// Pruning on real servers: what a topology no longer asks for (a tenant, a service, a roles:
// entry, a narrowed grant) is listed by plan, left alone by init, removed by init --prune as
// prune.roles says; a second run changes nothing; a role made by hand is never touched.
#include "support.hpp"

#include <string>

#include <doctest/doctest.h>

using namespace dbctl::test;

namespace {

const std::string k_passwords = "passwords: {derive_from: \"${DBCTL_SECRET}\"}\n";

// Write the topology anew, with the project's own server line.
void rewrite(const TestProject& project, const std::string& body, const std::string& server) {
  std::string text = "version: 1\nname: @P@shop\nservers:\n" + server + body;
  for (std::size_t at; (at = text.find("@P@")) != std::string::npos;) {
    text.replace(at, 3, project.prefix);
  }
  project.dir.write("topology.yaml", text); // TestProject::write resolves @P@ in the path only
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

} // namespace

TEST_SUITE("prune") {
  TEST_CASE("postgresql: a removed tenant - service and roles entry are dropped with prune.roles drop - a hand-made role stays") {
    const std::string server = "  pg: {url: \"${DBCTL_TEST_PG_URL}\"}\n";
    TestProject project("prp", "topology: {mode: multi-tenant, tenancy: schema, tenants: [acme, globex, initech]}\n" +
                                   k_passwords + "prune: {roles: drop}\nservices:\n  @P@shop: {app: true}\n  @P@audit: {}\n"
                                   "roles:\n  @P@bi:\n    password: bi-pass-1\n    grants: [{services: \"*\", privileges: read}]\n"
                                   "  @P@ops:\n    password: ops-pass-1\n    grants: [{services: [@P@shop], privileges: all}]\n");
    const std::string& p = project.prefix;
    project.write("migrations/@P@shop/V1__orders.sql", "CREATE TABLE orders (id int PRIMARY KEY);\n");
    project.write("migrations/@P@audit/V1__events.sql", "CREATE TABLE events (id int PRIMARY KEY);\n");
    pg_query("CREATE ROLE " + p + "handmade");
    Result up = project.dbctl({"up"});
    INFO(up.err);
    REQUIRE(up.exit_code == 0);
    CHECK(project.dbctl({"plan", "--check"}).exit_code == 0);

    // initech leaves, audit and ops are gone, bi reads shop only.
    rewrite(project, "topology: {mode: multi-tenant, tenancy: schema, tenants: [acme, globex]}\n" + k_passwords +
                         "prune: {roles: drop}\nservices:\n  @P@shop: {app: true}\n"
                         "roles:\n  @P@bi:\n    password: bi-pass-1\n    grants: [{services: [@P@shop], privileges: read}]\n",
                server);
    Result plan = project.dbctl({"plan", "--check"});
    CHECK(plan.exit_code == 3);
    CHECK(has(plan.out, "pg: not in the topology: schema initech of database " + p + "shop (init --prune drops it and what it holds)"));
    CHECK(has(plan.out, "pg: not in the topology: database " + p + "audit (init --prune drops it)"));
    CHECK(has(plan.out, "pg: not in the topology: role " + p + "ops (init --prune drops it and what it owns)"));
    CHECK(has(plan.out, "role " + p + "shop_initech "));
    CHECK(has(plan.out, "role " + p + "audit_acme "));
    CHECK_FALSE(has(plan.out, "handmade"));

    // Without --prune: nothing of it changes, and init says so.
    Result init = project.dbctl({"init"});
    INFO(init.err);
    REQUIRE(init.exit_code == 0);
    CHECK(has(init.err, "not in the topology: role " + p + "ops"));
    CHECK(pg_query("SELECT count(*) FROM pg_roles WHERE rolname = '" + p + "ops'") == "1");
    CHECK(pg_query("SELECT count(*) FROM pg_database WHERE datname = '" + p + "audit'") == "1");

    Result pruned = project.dbctl({"init", "--prune"});
    INFO(pruned.err);
    REQUIRE(pruned.exit_code == 0);
    CHECK(pg_query("SELECT count(*) FROM pg_database WHERE datname = '" + p + "audit'") == "0");
    CHECK(pg_query("SELECT count(*) FROM pg_namespace WHERE nspname = 'initech'", p + "shop") == "0");
    CHECK(pg_query("SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles WHERE rolname LIKE '" + p + "%'") ==
          p + "bi," + p + "handmade," + p + "shop_acme," + p + "shop_acme_app," + p + "shop_globex," + p +
              "shop_globex_app");
    CHECK(pg_query("SELECT count(*) FROM acme.orders", p + "shop") == "0"); // the kept tenants' tables are there
    Result again = project.dbctl({"init", "--prune"});
    CHECK(again.exit_code == 0);
    CHECK(again.out == "pg: nothing to do\n");
    CHECK(project.dbctl({"plan", "--check"}).exit_code == 0);
    CHECK(project.dbctl({"status", "--check"}).exit_code == 0);
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
    CHECK(pg_query("SELECT count(*) FROM pg_roles WHERE rolname = '" + p + "handmade'") == "1");
    pg_query("DROP ROLE " + p + "handmade");
  }

  TEST_CASE("postgresql: prune.roles keep hands a removed service's database and tables to the admin") {
    const std::string server = "  pg: {url: \"${DBCTL_TEST_PG_URL}\"}\n";
    TestProject project("prk", "topology: {mode: db-per-service}\n" + k_passwords +
                                   "services:\n  @P@orders: {}\n  @P@users: {}\n");
    const std::string& p = project.prefix;
    project.write("migrations/@P@orders/V1__o.sql", "CREATE TABLE o (id int);\n");
    project.write("migrations/@P@users/V1__u.sql", "CREATE TABLE u (id int);\nINSERT INTO u VALUES (1);\n");
    REQUIRE(project.dbctl({"up"}).exit_code == 0);
    rewrite(project, "topology: {mode: db-per-service}\n" + k_passwords + "services:\n  @P@orders: {}\n", server);
    Result pruned = project.dbctl({"init", "--prune"});
    INFO(pruned.err);
    REQUIRE(pruned.exit_code == 0);
    CHECK(pg_query("SELECT count(*) FROM pg_roles WHERE rolname = '" + p + "users'") == "0");
    CHECK(pg_query("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '" + p + "users'") == "postgres");
    CHECK(pg_query("SELECT pg_get_userbyid(relowner) || ':' || (SELECT count(*) FROM u) FROM pg_class WHERE relname = 'u'",
                   p + "users") == "postgres:1");
    CHECK(project.dbctl({"init", "--prune"}).out == "pg: nothing to do\n");
    CHECK(project.dbctl({"plan", "--check"}).exit_code == 0);
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
    pg_query("DROP DATABASE " + p + "users"); // no longer managed: destroy leaves it
  }

  TEST_CASE("mariadb: a removed service and roles entry are pruned - a narrowed grant revoked - a hand-made user stays") {
    const std::string server = "  my: {url: \"${DBCTL_TEST_MYSQL_URL}\"}\n";
    TestProject project("prm", "topology: {mode: db-per-service}\n" + k_passwords +
                                   "services:\n  @P@orders: {app: true}\n  @P@users: {}\n"
                                   "roles:\n  @P@bi:\n    password: bi-pass-1\n    grants: [{services: \"*\", privileges: read}]\n"
                                   "  @P@ops:\n    password: ops-pass-1\n    grants: [{services: [@P@orders], privileges: all}]\n",
                        server);
    const std::string& p = project.prefix;
    project.write("migrations/@P@orders/V1__o.sql", "CREATE TABLE o (id int PRIMARY KEY);\n");
    project.write("migrations/@P@users/V1__u.sql", "CREATE TABLE u (id int PRIMARY KEY);\n");
    mysql_query("CREATE USER '" + p + "handmade'@'%'");
    Result up = project.dbctl({"up"});
    INFO(up.err);
    REQUIRE(up.exit_code == 0);
    CHECK(project.dbctl({"plan", "--check"}).exit_code == 0);

    rewrite(project, "topology: {mode: db-per-service}\n" + k_passwords + "services:\n  @P@orders: {app: true}\n"
                         "roles:\n  @P@bi:\n    password: bi-pass-1\n    grants: [{services: [@P@orders], privileges: read}]\n",
                server);
    Result plan = project.dbctl({"plan", "--check"});
    CHECK(plan.exit_code == 3);
    CHECK(has(plan.out, "my: not in the topology: access of role " + p + "bi to database " + p + "users (init --prune revokes it)"));
    CHECK(has(plan.out, "my: not in the topology: database " + p + "users (init --prune lets it go to root: no longer managed)"));
    CHECK(has(plan.out, "role " + p + "ops "));
    CHECK(has(plan.out, "role " + p + "users "));
    CHECK_FALSE(has(plan.out, "handmade"));

    Result pruned = project.dbctl({"init", "--prune"});
    INFO(pruned.err);
    REQUIRE(pruned.exit_code == 0);
    CHECK(mysql_query("SELECT GROUP_CONCAT(User ORDER BY User) FROM mysql.user WHERE User LIKE '" + p + "%'") ==
          p + "bi," + p + "handmade," + p + "orders," + p + "orders_app");
    CHECK_FALSE(has(mysql_query("SHOW GRANTS FOR '" + p + "bi'@'%'"), p + "users"));
    CHECK(mysql_query("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '" + p + "users'") != "0");
    Result again = project.dbctl({"init", "--prune"});
    CHECK(again.out == "my: nothing to do\n");
    CHECK(project.dbctl({"plan", "--check"}).exit_code == 0);
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
    mysql_query("DROP DATABASE " + p + "users");
    mysql_query("DROP USER '" + p + "handmade'@'%'");
  }
}

// The MySQL driver's diff, driven by in-memory catalogs: no server.
#include "engine/mysql/connection.hpp"
#include "engine/mysql/planner.hpp"
#include "string_maker.hpp"

#include <doctest/doctest.h>

using namespace dbctl::engine;
using namespace dbctl::engine::mysql;

namespace {
std::vector<std::string> shown(const std::vector<Statement>& statements) {
  std::vector<std::string> out;
  for (const auto& s : statements) {
    out.push_back(s.display());
  }
  return out;
}
} // namespace

TEST_SUITE("engine::mysql::planner") {
  TEST_CASE("the native password hash is computed on the client - as PASSWORD() would") {
    // SELECT PASSWORD('p@ss w0rd') on MariaDB 10.11
    CHECK(native_password_hash(dbctl::util::Secret("p@ss w0rd")) ==
          "*537DDE261C2E4B692A0830EFCB37A56DBD3D49CE");
  }

  TEST_CASE("a missing user is created with the hash masked - or locked without a password") {
    Catalog catalog;
    Planner planner(catalog);
    auto created = planner.role({"users", dbctl::util::Secret("p@ss w0rd")}, false);
    REQUIRE(created.size() == 1);
    CHECK(created[0].sql == "CREATE USER IF NOT EXISTS 'users'@'%' IDENTIFIED BY PASSWORD "
                            "'*537DDE261C2E4B692A0830EFCB37A56DBD3D49CE'");
    CHECK(created[0].display() == "CREATE USER IF NOT EXISTS 'users'@'%' IDENTIFIED BY PASSWORD '***'");
    CHECK(shown(planner.role({"bi", std::nullopt}, false)) ==
          std::vector<std::string>{"CREATE USER IF NOT EXISTS 'bi'@'%' ACCOUNT LOCK"});
    catalog.mariadb = false;
    CHECK(planner.role({"users", dbctl::util::Secret("x")}, false)[0].display() ==
          "CREATE USER IF NOT EXISTS 'users'@'%' IDENTIFIED WITH mysql_native_password AS '***'");
  }

  TEST_CASE("an existing user changes only its password or lock when they differ") {
    Catalog catalog;
    catalog.users["users"] = native_password_hash(dbctl::util::Secret("old"));
    Planner planner(catalog);
    CHECK(planner.role({"users", dbctl::util::Secret("old")}, false).empty());
    CHECK(shown(planner.role({"users", dbctl::util::Secret("new")}, false)) ==
          std::vector<std::string>{"ALTER USER 'users'@'%' IDENTIFIED BY PASSWORD '***'"});
    CHECK(shown(planner.role({"users", dbctl::util::Secret("old")}, true)) ==
          std::vector<std::string>{"ALTER USER 'users'@'%' ACCOUNT UNLOCK"});
    CHECK(shown(planner.role({"users", std::nullopt}, false)) ==
          std::vector<std::string>{"ALTER USER 'users'@'%' ACCOUNT LOCK"});
  }

  TEST_CASE("databases are utf8mb4 and every owner gets ALL - with _ escaped in the grant") {
    Catalog catalog;
    Planner planner(catalog);
    CHECK(shown(planner.database({"users_acme", std::nullopt, {}, {"users_acme"}})) ==
          std::vector<std::string>{
              "CREATE DATABASE IF NOT EXISTS `users_acme` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
              "GRANT ALL PRIVILEGES ON `users\\_acme`.* TO 'users_acme'@'%'"});
    catalog.databases["users_acme"] = "latin1";
    for (const auto& privilege : privileges_for(Access::all)) {
      catalog.privileges[{"users\\_acme", "users_acme"}].insert(privilege);
    }
    CHECK(shown(planner.database({"users_acme", std::nullopt, {}, {"users_acme"}})) ==
          std::vector<std::string>{
              "ALTER DATABASE `users_acme` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"});
    catalog.databases["users_acme"] = "utf8mb4";
    CHECK(planner.database({"users_acme", std::nullopt, {}, {"users_acme"}}).empty());
  }

  TEST_CASE("app - read and all grants add only what is missing") {
    Catalog catalog;
    Planner planner(catalog);
    GrantSpec app{"shop", std::nullopt, "users", "users_app", Access::write};
    CHECK(shown(planner.grant(app)) ==
          std::vector<std::string>{"GRANT SELECT, INSERT, UPDATE, DELETE, EXECUTE ON `shop`.* TO 'users_app'@'%'"});
    catalog.privileges[{"shop", "users_app"}] = {"SELECT", "INSERT", "UPDATE", "DELETE"};
    CHECK(shown(planner.grant(app)) ==
          std::vector<std::string>{"GRANT EXECUTE ON `shop`.* TO 'users_app'@'%'"});
    catalog.privileges[{"shop", "users_app"}].insert("EXECUTE");
    CHECK(planner.grant(app).empty());
    CHECK(shown(planner.grant({"shop", std::nullopt, "users", "ops", Access::all})) ==
          std::vector<std::string>{"GRANT ALL PRIVILEGES ON `shop`.* TO 'ops'@'%'"});
  }

  TEST_CASE("a role that now gets less loses the privileges of ALL beyond its level") {
    Catalog catalog;
    Planner planner(catalog);
    catalog.privileges[{"shop", "bi"}] = {"SELECT", "INSERT", "UPDATE", "DELETE", "EXECUTE", "SHOW VIEW"};
    CHECK(shown(planner.grant({"shop", std::nullopt, "users", "bi", Access::read})) ==
          std::vector<std::string>{"REVOKE INSERT, UPDATE, DELETE, EXECUTE, SHOW VIEW ON `shop`.* FROM 'bi'@'%'"});
    catalog.privileges[{"shop", "bi"}] = {"SELECT"};
    CHECK(planner.grant({"shop", std::nullopt, "users", "bi", Access::read}).empty());
  }

  TEST_CASE("users get the server's host part") {
    Catalog catalog;
    catalog.user_host = "10.0.%";
    Planner planner(catalog);
    CHECK(shown(planner.role({"bi", std::nullopt}, false)) ==
          std::vector<std::string>{"CREATE USER IF NOT EXISTS 'bi'@'10.0.%' ACCOUNT LOCK"});
    CHECK(shown(planner.grant({"shop", std::nullopt, "users", "bi", Access::read})) ==
          std::vector<std::string>{"GRANT SELECT ON `shop`.* TO 'bi'@'10.0.%'"});
  }

  TEST_CASE("drops touch only what exists") {
    Catalog catalog;
    Planner planner(catalog);
    CHECK(planner.drop_database("shop").empty());
    CHECK(planner.drop_role("users").empty());
    catalog.databases["shop"] = "utf8mb4";
    catalog.users["users"] = "";
    CHECK(shown(planner.drop_database("shop")) == std::vector<std::string>{"DROP DATABASE `shop`"});
    CHECK(shown(planner.drop_role("users")) == std::vector<std::string>{"DROP USER 'users'@'%'"});
  }

  TEST_CASE("marks go to unmarked users and MariaDB databases only - pruning revokes a database's privileges") {
    Catalog catalog;
    Planner planner(catalog);
    Managed marked;
    marked.roles = {"users"};
    marked.databases = {"users"};
    Managed wanted;
    wanted.roles = {"users", "users_app"};
    wanted.databases = {"users", "orders"};
    CHECK(shown(planner.mark("shop", marked, wanted)) ==
          std::vector<std::string>{"CREATE ROLE IF NOT EXISTS 'dbctl:shop'", "GRANT 'dbctl:shop' TO 'users_app'@'%'",
                                   "ALTER DATABASE `orders` COMMENT 'dbctl:shop'"});
    CHECK(shown(planner.unmark("orders", std::nullopt)) ==
          std::vector<std::string>{"ALTER DATABASE `orders` COMMENT ''"});
    CHECK(shown(planner.revoke_access("users_app", "my_db")) ==
          std::vector<std::string>{"REVOKE ALL PRIVILEGES ON `my\\_db`.* FROM 'users_app'@'%'"});
    // MySQL 8 keeps no comment on a database: only users are marked.
    catalog.mariadb = false;
    CHECK(shown(planner.mark("shop", marked, wanted)).size() == 2);
    CHECK(planner.unmark("orders", std::nullopt).empty());
  }

  TEST_CASE("privileges held are known names as bits - any other name as text - each counted once") {
    Privileges held{"SELECT", "DELETE HISTORY"};
    held.insert("SELECT");
    held.insert("SOME FUTURE PRIVILEGE");
    held.insert("SOME FUTURE PRIVILEGE");
    CHECK(held.count("SELECT") == 1);
    CHECK(held.count("DELETE HISTORY") == 1);
    CHECK(held.count("SOME FUTURE PRIVILEGE") == 1);
    CHECK(held.count("INSERT") == 0);
    CHECK(held.count("OTHER") == 0);
    CHECK(Privileges{}.count("SELECT") == 0);
  }
}

// Pruning policy: what a project's marks hold beyond what the whole topology asks for.
#include "dbctl/provision/prune.hpp"

#include <doctest/doctest.h>

using dbctl::engine::Managed;
using dbctl::provision::DesiredState;
using dbctl::topology::PruneRoles;

namespace {

DesiredState shop() {
  DesiredState desired;
  desired.roles = {{"orders", std::nullopt}, {"orders_app", std::nullopt}, {"bi", std::nullopt}};
  desired.databases = {{"orders", std::string("orders"), {"orders_app", "bi"}, {"orders"}}};
  desired.grants = {{"orders", std::nullopt, "orders", "bi", dbctl::engine::Access::read, false}};
  return desired;
}

dbctl::engine::AdminInfo admin() {
  dbctl::engine::AdminInfo info;
  info.user = "postgres";
  return info;
}

} // namespace

TEST_SUITE("provision::prune") {
  TEST_CASE("what the marks hold beyond the topology is unwanted - never the admin nor a reserved database") {
    Managed managed;
    managed.roles = {"orders", "orders_app", "bi", "users", "ops", "postgres"};
    managed.databases = {"orders", "users", "postgres"};
    managed.access = {{"bi", "orders"}, {"bi", "users"}, {"ops", "orders"}};
    managed.memberships = {{"orders", "ops"}, {"orders", "bi"}};
    auto unwanted = dbctl::provision::unwanted(managed, shop(), admin(), PruneRoles::drop);
    CHECK(unwanted.roles == std::vector<std::string>{"ops", "users"});
    CHECK(unwanted.databases == std::vector<std::string>{"users"});
    // ops goes with its access and membership; bi's access to a dropped database goes with it.
    CHECK(unwanted.access.empty());
    CHECK(unwanted.memberships == std::vector<std::pair<std::string, std::string>>{{"orders", "bi"}});
  }

  TEST_CASE("a database let go stays - so a kept role's access to it is revoked") {
    Managed managed;
    managed.roles = {"orders", "bi"};
    managed.databases = {"orders", "users"};
    managed.access = {{"bi", "users"}, {"bi", "orders"}};
    auto unwanted = dbctl::provision::unwanted(managed, shop(), admin(), PruneRoles::keep);
    CHECK(unwanted.access == std::vector<std::pair<std::string, std::string>>{{"bi", "users"}});
    CHECK(dbctl::provision::describe(unwanted, PruneRoles::keep, "postgres") ==
          std::vector<std::string>{"access of role bi to database users (init --prune revokes it)",
                                   "database users (init --prune lets it go to postgres: no longer managed)"});
  }

  TEST_CASE("a schema of a database that stays is unwanted when no target asks for it") {
    DesiredState desired = shop();
    desired.schemas = {{"orders", "acme", "orders"}};
    Managed managed;
    managed.databases = {"orders"};
    managed.schemas = {{"orders", "acme"}, {"orders", "initech"}};
    auto unwanted = dbctl::provision::unwanted(managed, desired, admin(), PruneRoles::drop);
    CHECK(unwanted.schemas == std::vector<std::pair<std::string, std::string>>{{"orders", "initech"}});
    CHECK(dbctl::provision::describe(unwanted, PruneRoles::drop, "postgres") ==
          std::vector<std::string>{"schema initech of database orders (init --prune drops it and what it holds)"});
    CHECK(dbctl::provision::marks_of(desired).schemas.count({"orders", "acme"}) == 1);
  }

  TEST_CASE("nothing marked beyond the topology is nothing to prune") {
    Managed managed = dbctl::provision::marks_of(shop());
    managed.access = {{"bi", "orders"}, {"orders_app", "orders"}};
    CHECK(dbctl::provision::unwanted(managed, shop(), admin(), PruneRoles::keep).empty());
  }
}

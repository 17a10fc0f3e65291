// Provisioning policy: what a server should hold for the targets, and what destroy removes.
#include "dbctl/provision/provision.hpp"
#include "dbctl/util/error.hpp"
#include "helpers.hpp"

using dbctl::engine::AdminInfo;
using dbctl::provision::desired_state;
using dbctl::provision::teardown;
using dbctl::unit::load;

namespace {

const AdminInfo k_superuser{"postgres", "15", true, true, true, "postgres"};
const AdminInfo k_limited{"admin", "15", false, true, true, "postgres"};

template <typename T, typename F> std::vector<std::string> names(const std::vector<T>& items, F f) {
  std::vector<std::string> out;
  for (const auto& item : items) {
    out.push_back(f(item));
  }
  return out;
}

} // namespace

TEST_SUITE("provision::desired_state") {
  TEST_CASE("db-per-service: roles once each - a database per owner - app write - extras read") {
    auto loaded = load(dbctl::unit::k_pg_head + "topology: {mode: db-per-service}\n"
                       "naming: {app: \"{service}_app\"}\n"
                       "services:\n  users: {migrations: none, extensions: [citext]}\n"
                       "  orders: {migrations: none}\n"
                       "roles:\n  bi:\n    grants: [{services: \"*\", privileges: read}]\n");
    REQUIRE(loaded->problems.empty());
    auto desired = desired_state(loaded->targets, loaded->targets, k_superuser);
    CHECK(names(desired.roles, [](const auto& r) { return r.name; }) ==
          std::vector<std::string>{"users", "users_app", "bi", "orders", "orders_app"});
    CHECK(desired.memberships.empty());
    REQUIRE(desired.databases.size() == 2);
    CHECK(desired.databases[0].owner == std::optional<std::string>("users"));
    CHECK(desired.databases[0].connect == std::vector<std::string>{"users", "users_app", "bi"});
    CHECK(desired.schemas.empty()); // public needs no CREATE SCHEMA
    CHECK(names(desired.extensions, [](const auto& e) { return e.database + "." + e.name; }) ==
          std::vector<std::string>{"users.citext"});
    CHECK(names(desired.grants, [](const auto& g) {
            return g.database + ":" + g.role + ":" + std::to_string(static_cast<int>(g.access));
          }) == std::vector<std::string>{"users:users_app:1", "users:bi:0", "orders:orders_app:1",
                                         "orders:bi:0"});
  }

  TEST_CASE("one grant per role and place at the highest level any target asks for - selected or not") {
    // MySQL's shared mode: every service's grants land on one database.
    auto loaded = load("version: 1\nname: shop\nservers:\n  my: {engine: mysql, host: 127.0.0.1}\n"
                       "topology: {mode: shared}\n"
                       "services:\n  users: {migrations: none}\n  orders: {migrations: none}\n"
                       "roles:\n  bi:\n    grants:\n      - {services: [users], privileges: read}\n"
                       "      - {services: [orders], privileges: write}\n"
                       "  ops:\n    grants: [{services: [users], privileges: all}, {services: [orders], privileges: read}]\n");
    REQUIRE(loaded->problems.empty());
    std::vector<dbctl::targets::Target> users_only{loaded->targets[0]};
    REQUIRE(users_only[0].service == "users");
    auto desired = desired_state(users_only, loaded->targets, k_superuser);
    CHECK(names(desired.grants, [](const auto& g) {
            return g.database + ":" + g.role + ":" + std::to_string(static_cast<int>(g.access)) +
                   (g.member_elsewhere ? ":member" : "");
          }) == std::vector<std::string>{"shop:bi:1", "shop:ops:2:member"});
  }

  TEST_CASE("a shared database with several owners stays the admin's - every service connects") {
    auto loaded = load(dbctl::unit::k_pg_head + "topology: {mode: shared}\n"
                       "services:\n  users: {migrations: none}\n  orders: {migrations: none}\n");
    REQUIRE(loaded->problems.empty());
    auto desired = desired_state(loaded->targets, loaded->targets, k_superuser);
    REQUIRE(desired.databases.size() == 1);
    CHECK_FALSE(desired.databases[0].owner.has_value());
    CHECK(desired.databases[0].connect == std::vector<std::string>{"users", "orders"});
    CHECK(names(desired.schemas, [](const auto& s) { return s.name + ":" + s.owner; }) ==
          std::vector<std::string>{"users:users", "orders:orders"});
  }

  TEST_CASE("selecting one tenant still decides the shared database from every target") {
    auto loaded = load(dbctl::unit::k_pg_head +
                       "topology: {mode: multi-tenant, tenancy: schema, tenants: [a, b]}\n"
                       "services:\n  crm: {migrations: none}\n");
    REQUIRE(loaded->problems.empty());
    std::vector<dbctl::targets::Target> only_a{loaded->targets.at(0)};
    auto desired = desired_state(only_a, loaded->targets, k_superuser);
    CHECK(names(desired.roles, [](const auto& r) { return r.name; }) == std::vector<std::string>{"crm_a"});
    REQUIRE(desired.databases.size() == 1);
    CHECK_FALSE(desired.databases[0].owner.has_value());
    CHECK(desired.databases[0].connect == std::vector<std::string>{"crm_a", "crm_b"});
  }

  TEST_CASE("an admin that is not a superuser joins each owner role") {
    auto loaded = load(dbctl::unit::k_pg_head + "topology: {mode: db-per-service}\n"
                       "services:\n  users: {migrations: none}\n  orders: {migrations: none}\n");
    REQUIRE(loaded->problems.empty());
    auto desired = desired_state(loaded->targets, loaded->targets, k_limited);
    CHECK(names(desired.memberships, [](const auto& m) { return m.member + " in " + m.role; }) ==
          std::vector<std::string>{"admin in users", "admin in orders"});
  }
}

TEST_SUITE("provision::teardown") {
  TEST_CASE("everything selected: databases and roles go - the admin's role never") {
    auto loaded = load(dbctl::unit::k_pg_head + "topology: {mode: db-per-service}\n"
                       "services:\n  users: {migrations: none, owner: postgres}\n"
                       "  orders: {migrations: none}\n");
    REQUIRE(loaded->problems.empty());
    auto plan = teardown(loaded->targets, loaded->targets, k_superuser);
    CHECK(plan.databases == std::vector<std::string>{"users", "orders"});
    CHECK(plan.roles == std::vector<std::string>{"orders"});
    CHECK(plan.surviving_databases.empty());
  }

  TEST_CASE("one tenant of a schema-tenancy database: its schema and roles only") {
    auto loaded = load(dbctl::unit::k_pg_head +
                       "topology: {mode: multi-tenant, tenancy: schema, tenants: [a, b]}\n"
                       "services:\n  crm: {migrations: none}\n"
                       "roles:\n  bi:\n    grants: [{services: \"*\", privileges: read}]\n");
    REQUIRE(loaded->problems.empty());
    std::vector<dbctl::targets::Target> only_a{loaded->targets.at(0)};
    auto plan = teardown(only_a, loaded->targets, k_superuser);
    CHECK(plan.databases.empty());
    REQUIRE(plan.schemas.size() == 1);
    CHECK(plan.schemas[0] == std::make_pair(std::string("crm"), std::string("a")));
    CHECK(plan.roles == std::vector<std::string>{"crm_a"}); // bi still serves tenant b
    CHECK(plan.surviving_databases == std::vector<std::string>{"crm"});
  }

  TEST_CASE("dbctl never drops the postgres database") {
    auto loaded = load(dbctl::unit::k_pg_head + "topology: {mode: db-per-service}\n"
                       "services:\n  users: {migrations: none, database: postgres}\n");
    REQUIRE(loaded->problems.empty());
    CHECK_THROWS_WITH_AS(teardown(loaded->targets, loaded->targets, k_superuser),
                         "users@pg: dbctl never drops the postgres database", dbctl::UsageError);
  }
}

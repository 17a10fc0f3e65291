#include "dbctl/topology/load.hpp"
#include "helpers.hpp"
#include "temp_dir.hpp"

using dbctl::unit::TempDir;

TEST_SUITE("topology::tenants_file") {
  TEST_CASE("a tenants file gives one tenant per line - an optional server - # comments") {
    TempDir dir;
    dir.write("tenants.txt", "# customers\nacme\n\n  globex   pg-eu  # EU shard\r\ninitech\n");
    auto file = dir.write("topology.yaml", dbctl::unit::k_pg_head +
                                               "  pg-eu: {engine: postgres}\n"
                                               "topology: {mode: multi-tenant, tenants_file: tenants.txt}\n"
                                               "services:\n  users: {server: pg, migrations: none}\n");
    auto result = dbctl::topology::load(file, dbctl::unit::env_of());
    REQUIRE_FALSE(result.diagnostics.has_errors());
    const auto& tenants = result.topology->tenants;
    REQUIRE(tenants.size() == 3);
    CHECK(tenants[1].name == "globex");
    CHECK(tenants[1].server->value == "pg-eu");
    CHECK(tenants[1].where.line == 4);
    CHECK(tenants[1].where.column == 3);
  }

  TEST_CASE("problems in a tenants file point into that file") {
    TempDir dir;
    dir.write("tenants.txt", "acme\nacme\na b c\n");
    auto file = dir.write("topology.yaml", dbctl::unit::k_pg_head +
                                               "topology: {mode: multi-tenant, tenants_file: tenants.txt}\n"
                                               "services:\n  users: {migrations: none}\n");
    auto result = dbctl::topology::load(file, dbctl::unit::env_of());
    auto errors = result.diagnostics.errors();
    REQUIRE(errors.size() == 2);
    std::string tenants = (dir.path() / "tenants.txt").string();
    CHECK(dbctl::util::to_string(errors[0]) ==
          tenants + ":2:1: tenant 'acme' is listed twice (first at " + tenants + ":1:1)");
    CHECK(dbctl::util::to_string(errors[1]) ==
          tenants + ":3:1: a tenant is 'name' or 'name server', not 'a b c'");
  }
}

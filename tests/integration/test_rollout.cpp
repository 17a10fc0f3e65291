// Canary waves on a real fleet: 40 tenants (schema tenancy on the test PostgreSQL server),
// migrated in waves 1,10%,100%.
#include "support.hpp"

#include <set>
#include <string>

#include <doctest/doctest.h>

using namespace dbctl::test;

namespace {

// A project of 40 tenants t00..t39 whose V1 fails in the tenants named in `broken`.
std::unique_ptr<TestProject> fleet_of_40(const std::string& tag, const std::set<std::string>& broken) {
  std::string tenants;
  for (int i = 0; i < 40; ++i) {
    tenants += std::string(tenants.empty() ? "" : ", ") + (i < 10 ? "t0" : "t") + std::to_string(i);
  }
  auto project = std::make_unique<TestProject>(
      tag, "topology: {mode: multi-tenant, tenancy: schema, tenants: [" + tenants + "]}\n"
           "passwords: {derive_from: \"${DBCTL_SECRET}\"}\n"
           "services:\n  @P@app: {}\n");
  std::string list;
  for (const auto& tenant : broken) {
    list += std::string(list.empty() ? "" : ", ") + "'" + tenant + "'";
  }
  project->write("migrations/@P@app/V1__things.sql",
                 "CREATE TABLE things (id int PRIMARY KEY);\n"
                 "DO $$ BEGIN IF current_schema() IN (" + (list.empty() ? "''" : list) +
                     ") THEN RAISE EXCEPTION 'broken tenant %', current_schema(); END IF; END $$;\n");
  return project;
}

// How many of the project's tenant schemas hold the table V1 creates.
int migrated_schemas(const TestProject& project) {
  return std::stoi(pg_query("SELECT count(*) FROM information_schema.tables WHERE table_name = 'things' "
                            "AND table_schema ~ '^t[0-9]{2}$'",
                            project.prefix + "app"));
}

} // namespace

TEST_SUITE("rollout") {
  TEST_CASE("a migration failing on the canary leaves the other 39 tenants untouched") {
    auto project = fleet_of_40("wave0", {"t00"});
    Result init = project->dbctl({"init"});
    REQUIRE(init.exit_code == 0);
    Result migrate = project->dbctl({"migrate", "--waves", "1,10%,100%", "-j", "4"});
    INFO(migrate.err);
    CHECK(migrate.exit_code == 1);
    CHECK(migrate.err.find("broken tenant t00") != std::string::npos);
    CHECK(migrate.err.find("wave 2/3 and after not started: 1 target failed (--max-failures 0)") != std::string::npos);
    CHECK(migrate.out.find("migrate: 1 failed: " + project->prefix + "app[t00]@pg") != std::string::npos);
    CHECK(migrate.out.find("migrate: 39 not started") != std::string::npos);
    CHECK(migrated_schemas(*project) == 0); // rolled back in t00, never begun elsewhere
    Result json = project->dbctl({"migrate", "--waves", "1,10%,100%", "-o", "json"});
    CHECK(json.exit_code == 1);
    CHECK(json.out.find("\"result\": \"not started\"") != std::string::npos);
  }

  TEST_CASE("two broken tenants within --max-failures 2 do not stop the rollout - a third does") {
    auto two = fleet_of_40("wave2", {"t01", "t02"});
    REQUIRE(two->dbctl({"init"}).exit_code == 0);
    Result tolerated = two->dbctl({"migrate", "--waves", "1,10%,100%", "--max-failures", "2"});
    INFO(tolerated.err);
    CHECK(tolerated.exit_code == 1); // failures are still failures
    CHECK(tolerated.out.find("migrate: 2 failed") != std::string::npos);
    CHECK(tolerated.out.find("migrate: 38 migrated") != std::string::npos);
    CHECK(tolerated.out.find("not started") == std::string::npos);
    CHECK(migrated_schemas(*two) == 38);

    auto three = fleet_of_40("wave3", {"t01", "t02", "t03"});
    REQUIRE(three->dbctl({"init"}).exit_code == 0);
    // Wave 1 is t00; wave 2 (10% of 40) is t01..t03, all broken: the third failure stops it.
    Result stopped = three->dbctl({"migrate", "--waves", "1,10%,100%", "--max-failures", "2", "-j", "1"});
    INFO(stopped.err);
    CHECK(stopped.exit_code == 1);
    CHECK(stopped.out.find("migrate: 3 failed") != std::string::npos);
    CHECK(stopped.out.find("migrate: 1 migrated") != std::string::npos);
    CHECK(stopped.out.find("migrate: 36 not started") != std::string::npos);
    CHECK(migrated_schemas(*three) == 1);
  }

  TEST_CASE("a bad --waves is a usage error before anything is contacted") {
    auto project = fleet_of_40("wavebad", {});
    Result bad = project->dbctl({"up", "--waves", "10%,5%"});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("--waves 10%,5%: '5%' does not reach further than the wave before it") != std::string::npos);
    CHECK(pg_query("SELECT count(*) FROM pg_database WHERE datname = '" + project->prefix + "app'") == "0");
  }
}

TEST_SUITE("rollout") {
  TEST_CASE("the topology's rollout - a canary tenant first - and a wave check that fails stops the rest") {
    std::string tenants;
    for (int i = 0; i < 40; ++i) {
      std::string name = (i < 10 ? "t0" : "t") + std::to_string(i);
      tenants += "      - {name: " + name + (i == 17 ? ", canary: true" : "") + "}\n";
    }
    TestProject project("wavecheck",
                        "topology:\n  mode: multi-tenant\n  tenancy: schema\n  tenants:\n" + tenants +
                            "passwords: {derive_from: \"${DBCTL_SECRET}\"}\n"
                            "rollout: {waves: \"1,100%\", check: \"echo checked wave $DBCTL_WAVE of $DBCTL_WAVES; exit 3\"}\n"
                            "services:\n  @P@app: {}\n");
    project.write("migrations/@P@app/V1__things.sql", "CREATE TABLE things (id int PRIMARY KEY);\n");
    REQUIRE(project.dbctl({"init"}).exit_code == 0);
    Result migrate = project.dbctl({"migrate", "-j", "4"});
    INFO(migrate.err);
    CHECK(migrate.exit_code == 1); // 39 targets never started
    CHECK(migrate.err.find("checked wave 1 of 2") != std::string::npos); // its stdout goes to stderr
    CHECK(migrate.out.find("checked wave") == std::string::npos);
    CHECK(migrate.err.find("wave 2/2 and after not started: the wave check exited 3 after wave 1") != std::string::npos);
    CHECK(migrate.out.find("migrate: 1 migrated") != std::string::npos);
    CHECK(migrate.out.find("migrate: 39 not started") != std::string::npos);
    CHECK(pg_query("SELECT string_agg(table_schema, ',') FROM information_schema.tables WHERE table_name = 'things' "
                   "AND table_schema ~ '^t[0-9]{2}$'",
                   project.prefix + "app") == "t17");
    // The command line wins over the topology: no check, and the rollout goes on where it stopped.
    Result rest = project.dbctl({"migrate", "--wave-check", "true", "--wave-pause", "0"});
    INFO(rest.err);
    CHECK(rest.exit_code == 0);
    CHECK(rest.out.find("migrate: 39 migrated") != std::string::npos);
    CHECK(rest.out.find("migrate: 1 up to date") != std::string::npos);
  }

  TEST_CASE("a bad rollout in the topology is exit 2 naming its line") {
    TestProject project("wavebad2", "topology: {mode: multi-tenant, tenants: [a, b]}\n"
                                    "rollout: {waves: \"50%,10%\"}\nservices:\n  @P@app: {}\n");
    Result validate = project.dbctl({"validate"});
    CHECK(validate.exit_code == 2);
    // file:line:column of the value, then the problem
    CHECK(validate.err.find(".yaml:") != std::string::npos);
    CHECK(validate.err.find(":18: rollout.waves: '10%' does not reach further than the wave before it") != std::string::npos);
  }
}

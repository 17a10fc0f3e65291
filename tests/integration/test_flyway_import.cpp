// `dbctl baseline --from flyway` on real servers: a database Flyway migrated (its history table
// written as Flyway 9 writes it, checksums computed apart with Python's zlib) is taken over
// without running anything again; what cannot be taken over is refused with nothing written.
#include "support.hpp"

#include <functional>

#include <doctest/doctest.h>

using namespace dbctl::test;

namespace {

const std::string k_v1 = "CREATE TABLE t (id int);\n";
const std::string k_v2 = "INSERT INTO t VALUES (1);\n";
const std::string k_view = "CREATE OR REPLACE VIEW v AS SELECT id FROM t;\n";

// What Flyway would have left: its objects and its history (Flyway's own DDL for the engine).
std::string flyway_was_here(bool postgres, const std::string& v1_checksum = "92137680") {
  std::string boolean = postgres ? "BOOLEAN" : "BOOL";
  std::string now = postgres ? "now()" : "CURRENT_TIMESTAMP";
  std::string yes = postgres ? "true" : "1";
  return "CREATE TABLE flyway_schema_history (installed_rank INT NOT NULL PRIMARY KEY, version VARCHAR(50), "
         "description VARCHAR(200) NOT NULL, type VARCHAR(20) NOT NULL, script VARCHAR(1000) NOT NULL, "
         "checksum INT, installed_by VARCHAR(100) NOT NULL, installed_on TIMESTAMP NOT NULL DEFAULT " + now +
         ", execution_time INT NOT NULL, success " + boolean + " NOT NULL);\n" +
         k_v1 + k_v2 + k_view +
         "INSERT INTO flyway_schema_history VALUES "
         "(1, '1', 'create t', 'SQL', 'V1__create_t.sql', " + v1_checksum + ", 'fw', '2024-05-06 07:08:09', 12, " + yes + "),"
         "(2, '2', 'seed', 'SQL', 'V2__seed.sql', -705379488, 'fw', '2024-05-06 07:08:10', 3, " + yes + "),"
         "(3, NULL, 'view', 'SQL', 'R__view.sql', -52122244, 'fw', '2024-05-06 07:08:11', 2, " + yes + ");\n";
}

void write_files(const TestProject& project, const std::string& service) {
  project.write("migrations/" + service + "/V1__create_t.sql", k_v1);
  project.write("migrations/" + service + "/V2__seed.sql", k_v2);
  project.write("migrations/" + service + "/R__view.sql", k_view);
  project.write("migrations/" + service + "/V3__more.sql", "CREATE TABLE more_t (id int);\n");
}

// Take over, then: status shows only V3 pending, migrate applies only V3, the data is intact.
void take_over(const TestProject& project, const std::string& server,
               const std::function<std::string(const std::string&)>& query) {
  Result imported = project.dbctl({"baseline", "--from", "flyway"});
  INFO(imported.err);
  REQUIRE(imported.exit_code == 0);
  CHECK(imported.out == project.prefix + "users@" + server + ": imported 3 rows from flyway_schema_history (at version 2)\n");
  CHECK(query("SELECT COUNT(*) FROM dbctl_history") == "3");
  CHECK(query("SELECT installed_by FROM dbctl_history WHERE version = '1'") == "fw");
  Result status = project.dbctl({"status", "-o", "json"});
  REQUIRE(status.exit_code == 0);
  CHECK(status.out.find("\"state\": \"pending\"") != std::string::npos);
  CHECK(status.out.find("\"pending\": 1") != std::string::npos);
  Result migrate = project.dbctl({"migrate"});
  INFO(migrate.err);
  REQUIRE(migrate.exit_code == 0);
  CHECK(migrate.out.find("applied 1 migration (at version 3)") != std::string::npos);
  CHECK(migrate.err.find("V1__create_t.sql") == std::string::npos); // nothing ran twice
  CHECK(query("SELECT COUNT(*) FROM t") == "1");
  CHECK(project.dbctl({"status", "--check"}).exit_code == 0);
  // A second import finds dbctl's history: refused.
  Result again = project.dbctl({"baseline", "--from", "flyway"});
  CHECK(again.exit_code == 2);
  CHECK(again.err.find("already has migration history") != std::string::npos);
}

} // namespace

TEST_SUITE("integration: baseline --from flyway") {
  TEST_CASE("PostgreSQL: a Flyway-migrated database is taken over - and only new files run") {
    TestProject project("fw", "topology: {mode: db-per-service}\nservices:\n  @P@users: {}\n");
    write_files(project, "@P@users");
    REQUIRE(project.dbctl({"init"}).exit_code == 0);
    const std::string db = project.prefix + "users";
    Result missing = project.dbctl({"baseline", "--from", "flyway"});
    CHECK(missing.exit_code == 1);
    CHECK(missing.err.find("no table flyway_schema_history in " + db + ".public") != std::string::npos);
    pg_query("SET ROLE \"" + db + "\";\n" + flyway_was_here(true), db);
    take_over(project, "pg", [&](const std::string& sql) { return pg_query(sql, db); });
    CHECK(pg_query("SELECT to_char(installed_at, 'YYYY-MM-DD HH24:MI:SS') FROM dbctl_history WHERE version = '1'", db) ==
          "2024-05-06 07:08:09");
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("PostgreSQL: a file edited since Flyway ran it stops the import - nothing written") {
    TestProject project("fwx", "topology: {mode: db-per-service}\nservices:\n  @P@users: {}\n");
    write_files(project, "@P@users");
    REQUIRE(project.dbctl({"init"}).exit_code == 0);
    const std::string db = project.prefix + "users";
    pg_query("SET ROLE \"" + db + "\";\n" + flyway_was_here(true, "1234"), db);
    Result refused = project.dbctl({"baseline", "--from", "flyway"});
    CHECK(refused.exit_code == 1);
    CHECK(refused.err.find("V1__create_t.sql changed since Flyway applied it (Flyway's checksum 1234, the file's 92137680)") !=
          std::string::npos);
    CHECK(pg_query("SELECT to_regclass('dbctl_history') IS NULL", db) == "t");
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("MariaDB: a Flyway-migrated database is taken over - and only new files run") {
    TestProject project("fwm", "topology: {mode: db-per-service}\nservices:\n  @P@users: {}\n",
                        "  my: {url: \"${DBCTL_TEST_MYSQL_URL}\"}\n");
    write_files(project, "@P@users");
    REQUIRE(project.dbctl({"init"}).exit_code == 0);
    const std::string db = project.prefix + "users";
    mysql_query(flyway_was_here(false), db);
    take_over(project, "my", [&](const std::string& sql) { return mysql_query(sql, db); });
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }
}

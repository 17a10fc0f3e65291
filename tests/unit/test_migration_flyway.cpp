// Taking over Flyway's history: its checksum (against zlib's CRC-32 over the lines, computed
// apart with Python) and the rows an import writes, from in-memory rows and files.
#include "dbctl/migration/flyway.hpp"

#include <map>

#include <doctest/doctest.h>

using namespace dbctl::migration;
using dbctl::engine::FlywayRow;
using dbctl::engine::RowType;

namespace {

// Files by script name, and their contents.
struct Folder {
  MigrationSet set;
  std::map<std::string, std::string> contents;

  void add(const std::string& script, const std::string& text) {
    MigrationFile file;
    auto parsed = parse_file_name(script);
    REQUIRE(parsed);
    file.kind = parsed->kind;
    file.version = parsed->version;
    file.description = parsed->description;
    file.script = script;
    file.path = script;
    file.checksum = checksum(text);
    (file.kind == Kind::versioned ? set.versioned : set.repeatable).push_back(file);
    contents[script] = text;
  }

  FlywayImport import(const std::vector<FlywayRow>& rows) const {
    return plan_flyway_import(rows, set, "users",
                              [this](const MigrationFile& file) { return contents.at(file.path); });
  }
};

FlywayRow flyway(long long rank, const std::string& version, const std::string& description,
                 const std::string& type, const std::string& script, std::optional<int> sum,
                 bool success = true) {
  FlywayRow row;
  row.rank = rank;
  row.version = version;
  row.description = description;
  row.type = type;
  row.script = script;
  row.checksum = sum;
  row.installed_by = "flyway_user";
  row.installed_at = "2025-01-02 03:04:05.000000";
  row.execution_ms = 7;
  row.success = success;
  return row;
}

const std::string k_v1 = "CREATE TABLE t (id int);\n";
const std::string k_v2 = "CREATE TABLE t (id int);\nINSERT INTO t VALUES (1);\n";

} // namespace

TEST_SUITE("migration: flyway") {
  TEST_CASE("the checksum is Flyway's: CRC-32 of the lines without their endings - as a signed int") {
    CHECK(flyway_checksum("CREATE TABLE t (id int);\n") == 92137680);
    CHECK(flyway_checksum(k_v2) == 169406234);
    CHECK(flyway_checksum("SELECT 1;") == 78787420);
    CHECK(flyway_checksum("") == 0);
    // Line endings and a byte-order mark do not count.
    CHECK(flyway_checksum("CREATE TABLE t (id int);\r\nINSERT INTO t VALUES (1);\r\n") == 169406234);
    CHECK(flyway_checksum("CREATE TABLE t (id int);\rINSERT INTO t VALUES (1);") == 169406234);
    CHECK(flyway_checksum("\xEF\xBB\xBFSELECT 1;\n") == 78787420);
    // A negative value (the high bit set) comes out signed, as Java stores it.
    CHECK(flyway_checksum("a") == -390611389);
  }

  TEST_CASE("versioned - baseline and repeatable rows become dbctl rows with dbctl checksums") {
    Folder folder;
    folder.add("V1__create_t.sql", k_v1);
    folder.add("V2__seed.sql", k_v2);
    folder.add("R__view.sql", "CREATE OR REPLACE VIEW v AS SELECT 1;\n");
    FlywayImport plan = folder.import({
        flyway(0, "", "<< Flyway Schema Creation >>", "SCHEMA", "\"public\"", std::nullopt),
        flyway(1, "1", "create t", "SQL", "V1__create_t.sql", 92137680),
        flyway(2, "2", "seed", "SQL", "V2__seed.sql", 169406234),
        flyway(3, "", "view", "SQL", "R__view.sql", 1), // an earlier run of the view
        flyway(4, "", "view", "SQL", "R__view.sql", flyway_checksum("CREATE OR REPLACE VIEW v AS SELECT 1;\n")),
    });
    CHECK(plan.problems.empty());
    CHECK(plan.skipped.empty());
    REQUIRE(plan.rows.size() == 3);
    CHECK(plan.rows[0].version == "1");
    CHECK(plan.rows[0].type == RowType::versioned);
    CHECK(plan.rows[0].checksum == checksum(k_v1));
    CHECK(plan.rows[0].installed_by == "flyway_user");
    CHECK(plan.rows[0].installed_at == "2025-01-02 03:04:05.000000");
    CHECK(plan.rows[0].execution_ms == 7);
    CHECK(plan.rows[0].service == "users");
    CHECK(plan.rows[1].script == "V2__seed.sql");
    CHECK(plan.rows[2].type == RowType::repeatable);
    CHECK(plan.rows[2].version.empty());
    CHECK(plan.rows[2].script == "R__view.sql");

    FlywayImport baselined = folder.import({flyway(1, "1.0", "<< Flyway Baseline >>", "BASELINE",
                                                   "<< Flyway Baseline >>", std::nullopt),
                                            flyway(2, "2", "seed", "SQL", "V2__seed.sql", 169406234)});
    CHECK(baselined.problems.empty());
    REQUIRE(baselined.rows.size() == 2);
    CHECK(baselined.rows[0].type == RowType::baseline);
    CHECK(baselined.rows[0].version == "1.0"); // compared as 1, kept as Flyway wrote it
  }

  TEST_CASE("a changed repeatable is left for migrate to run again") {
    Folder folder;
    folder.add("R__view.sql", "CREATE OR REPLACE VIEW v AS SELECT 2;\n");
    FlywayImport plan = folder.import({flyway(1, "", "view", "SQL", "R__view.sql", 12345)});
    CHECK(plan.problems.empty());
    CHECK(plan.rows.empty());
    CHECK(plan.skipped == std::vector<std::string>{"R__view.sql"});
  }

  TEST_CASE("what cannot be taken over is listed - every problem at once") {
    Folder folder;
    folder.add("V1__create_t.sql", k_v1 + "-- edited after Flyway ran it\n");
    folder.add("V4__x.sql", "SELECT 1;");
    FlywayImport plan = folder.import({
        flyway(1, "1", "create t", "SQL", "V1__create_t.sql", 92137680),
        flyway(2, "2", "gone", "SQL", "V2__gone.sql", 5),
        flyway(3, "3", "java", "JDBC", "db.migration.V3__java", std::nullopt),
        flyway(4, "4", "x", "SQL", "V4__x.sql", 78787420, false),
        flyway(5, "", "old view", "SQL", "R__old_view.sql", 9),
    });
    CHECK(plan.rows.empty());
    REQUIRE(plan.problems.size() == 5);
    CHECK(plan.problems[0].find("V1__create_t.sql changed since Flyway applied it (Flyway's checksum 92137680") == 0);
    CHECK(plan.problems[1].find("V2 (gone) was applied by Flyway (V2__gone.sql) but no file of that version") == 0);
    CHECK(plan.problems[2].find("V3 (java) is a JDBC migration") == 0);
    CHECK(plan.problems[3].find("V4 (x) failed under Flyway") == 0);
    CHECK(plan.problems[4].find("R (old view) was run by Flyway") == 0);
  }

  TEST_CASE("versions flyway repair marked deleted are not imported") {
    Folder folder;
    folder.add("V1__create_t.sql", k_v1);
    FlywayImport plan = folder.import({
        flyway(1, "1", "create t", "SQL", "V1__create_t.sql", 92137680),
        flyway(2, "2", "gone", "SQL", "V2__gone.sql", 5),
        flyway(3, "2", "gone", "DELETE", "V2__gone.sql", 5),
    });
    CHECK(plan.problems.empty());
    REQUIRE(plan.rows.size() == 1);
    CHECK(plan.rows[0].version == "1");
  }
}

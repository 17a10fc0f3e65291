// `dbctl lint` run as a user would (offline), lint inside `validate`, and `migrate` refusing a
// pending file with an error-level finding on a real PostgreSQL server.
#include "support.hpp"

#include <nlohmann/json.hpp>

#include <doctest/doctest.h>

using namespace dbctl::test;

namespace {

// A server no test reaches: lint must never try.
const std::string k_nowhere_pg = "  pg: {url: \"postgres://admin:pw@127.0.0.1:1/postgres\"}\n";
const std::string k_nowhere_my = "  my: {url: \"mysql://root:pw@127.0.0.1:1/\"}\n";

std::string schema_violations(const std::string& definition, const std::string& document) {
  TempDir dir;
  std::filesystem::path file = dir.write("doc.json", document);
  Result checked = run({"python3", (source_dir() / "scripts/check-json").string(),
                        (source_dir() / "docs/schemas/output.schema.json").string(), definition, file.string()});
  return checked.exit_code == 0 ? "" : checked.err + checked.out;
}

int count_of(const std::string& text, const std::string& part) {
  int n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
    ++n;
  }
  return n;
}

} // namespace

TEST_SUITE("cli: lint") {
  TEST_CASE("the shipped topologies' migrations lint clean (one finding silenced with its reason)") {
    for (const auto& file : shipped_topologies()) {
      CAPTURE(file);
      Result result = run_dbctl({"lint", "-f", file.string()}, {{}, shipped_topology_env(), {}});
      INFO(result.err);
      CHECK(result.exit_code == 0);
      CHECK(result.out.find(", 0 errors, 0 warnings, ") != std::string::npos);
    }
  }

  TEST_CASE("findings name their place and rule and fix and an error-level one is exit 3") {
    TestProject project("lint", "topology: {mode: db-per-service}\nlint: {drop-table: error}\nservices:\n  users: {}\n",
                        k_nowhere_pg);
    project.write("migrations/users/V1__t.sql", "CREATE TABLE t (id int);\nCREATE TABLE old (id int);\n");
    project.write("migrations/users/V2__x.sql", "SET LOCAL lock_timeout = '5s';\n\n  DROP TABLE old;\n"
                                                "ALTER TABLE t RENAME COLUMN id TO key;\n");
    Result result = project.dbctl({"lint"});
    INFO(result.err);
    CHECK(result.exit_code == 3);
    CHECK(result.out.find("migrations/users/V2__x.sql:3:3: error drop-table: DROP TABLE old drops a table") !=
          std::string::npos);
    CHECK(result.out.find("V2__x.sql:4:15: warning rename-column: renaming t.id") != std::string::npos);
    CHECK(result.out.find("  fix: stop using the table in a release first") != std::string::npos);
    CHECK(result.out.find("lint: 2 files, 1 error, 1 warning, 0 suppressed\n") != std::string::npos);
    CHECK(result.err.find("connect") == std::string::npos);

    Result json = project.dbctl({"lint", "-o", "json"});
    CHECK(json.exit_code == 3);
    CHECK(schema_violations("lint", json.out) == "");
    auto doc = nlohmann::json::parse(json.out);
    CHECK(doc["errors"] == 1);
    CHECK(doc["warnings"] == 1);
    REQUIRE(doc["findings"].size() == 2);
    CHECK(doc["findings"][0]["rule"] == "drop-table");
    CHECK(doc["findings"][0]["line"] == 3);
    CHECK(doc["findings"][0]["column"] == 3);
    CHECK(doc["findings"][0]["service"] == "users");
    CHECK(doc["findings"][0]["engine"] == "postgres");

    // A directive with its reason silences the error; warnings alone are exit 0.
    project.write("migrations/users/V2__x.sql", "SET LOCAL lock_timeout = '5s';\n"
                                                "-- dbctl:lint-ignore drop-table nothing reads it since 1.4\n"
                                                "DROP TABLE old;\nALTER TABLE t RENAME COLUMN id TO key;\n");
    result = project.dbctl({"lint"});
    CHECK(result.exit_code == 0);
    CHECK(result.out.find("lint: 2 files, 0 errors, 1 warning, 1 suppressed\n") != std::string::npos);

    // FILE... reports on those files only; anything else is a usage error.
    result = project.dbctl({"lint", (project.dir.path() / "migrations/users/V1__t.sql").string()});
    CHECK(result.exit_code == 0);
    CHECK(result.out == "lint: 1 file, 0 errors, 0 warnings, 0 suppressed\n");
    result = project.dbctl({"lint", project.file.string()});
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("is not a migration file of the selected services") != std::string::npos);
  }

  TEST_CASE("SQL lint cannot read and a bad directive and an unknown rule in lint: are exit 2 at their place") {
    TestProject project("lintbad", "topology: {mode: db-per-service}\nservices:\n  users: {}\n", k_nowhere_pg);
    project.write("migrations/users/V1__t.sql", "CREATE TABLE t (id int);\nINSERT INTO t VALUES ('x);\n");
    project.write("migrations/users/V2__u.sql", "-- dbctl:lint-ignore drop-table\nDROP TABLE t;\n");
    Result result = project.dbctl({"lint"});
    CHECK(result.exit_code == 2);
    CHECK(result.out.find("V1__t.sql:2:23: error: the string starting here is never closed (')") != std::string::npos);
    CHECK(result.out.find("V2__u.sql:1:1: error: dbctl:lint-ignore drop-table needs a reason") != std::string::npos);
    Result validate = project.dbctl({"validate"});
    CHECK(validate.exit_code == 2);
    CHECK(validate.err.find("V1__t.sql:2:23: the string starting here is never closed") != std::string::npos);

    TestProject unknown("lintrule", "topology: {mode: db-per-service}\nlint:\n  drop-tabel: error\nservices:\n  users: {}\n",
                        k_nowhere_pg);
    unknown.write("migrations/users/V1__t.sql", "CREATE TABLE t (id int);\n");
    result = unknown.dbctl({"lint"});
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("topology.yaml:7:3: lint: no rule 'drop-tabel' (did you mean 'drop-table'?)") !=
          std::string::npos);
  }

  TEST_CASE("--dir lints one folder for --engine and --server-version and MySQL rules apply to MySQL") {
    TempDir dir;
    dir.write("db/V1__t.sql", "CREATE TABLE t (id int);\n");
    dir.write("db/V2__u.sql", "SET LOCAL lock_timeout = '1s';\nALTER TABLE t ADD COLUMN n int DEFAULT 0;\n"
                              "INSERT INTO t VALUES (1, 1);\n");
    std::string folder = (dir.path() / "db").string();
    Result result = run_dbctl({"--dir", folder, "lint"}, {dir.path(), {{"DATABASE_URL", std::nullopt}}, {}});
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("lint --dir needs --engine postgres|mysql") != std::string::npos);
    result = run_dbctl({"--dir", folder, "lint", "--engine", "postgres"}, {dir.path(), {}, {}});
    CHECK(result.exit_code == 0);
    CHECK(result.out == "lint: 2 files, 0 errors, 0 warnings, 0 suppressed\n");
    result = run_dbctl({"--dir", folder, "lint", "--engine", "postgres", "--server-version", "10"}, {dir.path(), {}, {}});
    CHECK(result.exit_code == 0);
    CHECK(result.out.find("V2__u.sql:2:15: warning volatile-default: ADD COLUMN t.n with a DEFAULT rewrites the table "
                          "before PostgreSQL 11") != std::string::npos);
    result = run_dbctl({"--dir", folder, "lint", "--engine", "mariadb"}, {dir.path(), {}, {}});
    CHECK(result.exit_code == 0);
    CHECK(result.out.find("V2__u.sql:3:1: warning ddl-with-dml") != std::string::npos);

    // Another tool's file is linted on its up part: the down part's DROP TABLE is not run, so not reported.
    dir.write("dm/20240101120000_t.sql", "-- migrate:up\nCREATE TABLE t (id int);\n-- migrate:down\nDROP TABLE t;\n");
    dir.write("dm/20240102120000_u.sql", "-- migrate:up\nSET LOCAL lock_timeout = '1s';\nDROP TABLE t;\n");
    result = run_dbctl({"--dir", (dir.path() / "dm").string(), "--format", "dbmate", "lint", "--engine", "postgres"},
                       {dir.path(), {}, {}});
    CHECK(result.exit_code == 0);
    CHECK(count_of(result.out, "drop-table") == 1);
    CHECK(result.out.find("20240102120000_u.sql:3:1: warning drop-table") != std::string::npos);

    TestProject mysql("lintmy", "topology: {mode: db-per-service}\nlint: {algorithm-copy: error}\nservices:\n"
                                "  users: {server: my}\n", k_nowhere_my);
    mysql.write("migrations/users/V1__t.sql", "CREATE TABLE t (id INT);\n");
    mysql.write("migrations/users/V2__u.sql", "ALTER TABLE t ADD COLUMN n INT, ALGORITHM=COPY;\n");
    result = mysql.dbctl({"lint"});
    CHECK(result.exit_code == 3);
    CHECK(result.out.find("V2__u.sql:1:33: error algorithm-copy: ALGORITHM=COPY copies the whole table") !=
          std::string::npos);
    CHECK(count_of(result.out, "missing-lock-timeout") == 0);
  }

  TEST_CASE("validate reports lint's error-level findings as errors and counts its warnings") {
    TestProject project("lintval", "topology: {mode: db-per-service}\nservices:\n  users: {}\n", k_nowhere_pg);
    project.write("migrations/users/V1__t.sql", "CREATE TABLE t (id int);\n");
    project.write("migrations/users/V2__i.sql", "SET LOCAL lock_timeout = '1s';\nCREATE INDEX CONCURRENTLY i ON t (id);\n"
                                                "ALTER TABLE t DROP COLUMN id;\n");
    Result result = project.dbctl({"validate"});
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("V2__i.sql:2:14: lint concurrent-in-transaction: CONCURRENTLY cannot run inside a "
                          "transaction block") != std::string::npos);
    CHECK(project.dbctl({"validate", "--no-lint"}).exit_code == 0);
    Result json = project.dbctl({"validate", "-o", "json"});
    CHECK(json.exit_code == 2);
    CHECK(schema_violations("validate", json.out) == "");
    auto doc = nlohmann::json::parse(json.out);
    CHECK(doc["lint_warnings"] == 1);
    CHECK(doc["errors"].size() == 1);

    project.write("migrations/users/V2__i.sql", "-- dbctl:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (id);\n");
    project.write("migrations/users/V3__d.sql", "SET LOCAL lock_timeout = '1s';\nALTER TABLE t DROP COLUMN id;\n");
    result = project.dbctl({"validate"});
    CHECK(result.exit_code == 0);
    CHECK(result.out.find("; 1 lint warning (dbctl lint lists them)\n") != std::string::npos);
  }
}

TEST_SUITE("integration: lint refusals") {
  TEST_CASE("migrate refuses a pending file with an error-level finding and runs it with --no-lint") {
    TestProject project("lintmig", "topology: {mode: db-per-service}\nlint: {drop-table: error}\nservices:\n"
                                   "  @P@app: {}\n");
    project.write("migrations/@P@app/V1__t.sql", "CREATE TABLE keep_me (id int);\nCREATE TABLE old_one (id int);\n");
    REQUIRE(project.dbctl({"up"}).exit_code == 0);
    project.write("migrations/@P@app/V2__drop.sql", "CREATE TABLE newer (id int);\nDROP TABLE old_one;\n");
    std::string tables = "SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables "
                         "WHERE table_schema = 'public' AND table_name NOT LIKE 'dbctl%'";
    std::string database = project.prefix + "app";

    Result refused = project.dbctl({"migrate"});
    INFO(refused.err);
    CHECK(refused.exit_code == 1);
    CHECK(refused.err.find("V2__drop.sql:2:1: error drop-table: DROP TABLE old_one drops a table") != std::string::npos);
    CHECK(refused.err.find("lint refuses to run it") != std::string::npos);
    CHECK(pg_query(tables, database) == "keep_me,old_one"); // nothing of V2 ran
    Result status = project.dbctl({"status"});
    CHECK(status.out.find("pending") != std::string::npos);
    CHECK(project.dbctl({"migrate", "--dry-run"}).exit_code == 1);

    Result forced = project.dbctl({"migrate", "--no-lint"});
    INFO(forced.err);
    CHECK(forced.exit_code == 0);
    CHECK(pg_query(tables, database) == "keep_me,newer");

    // Applied files are never refused: the next migration runs though V2 still has the finding.
    project.write("migrations/@P@app/V3__more.sql", "CREATE TABLE more (id int);\n");
    Result next = project.dbctl({"migrate"});
    INFO(next.err);
    CHECK(next.exit_code == 0);
    CHECK(pg_query(tables, database) == "keep_me,more,newer");
  }
}

// golang-migrate, dbmate and goose folders migrated by dbctl as they are, on PostgreSQL 15 and
// MariaDB 10.11: the up parts run (the down parts never), the history, status and a no-op re-run.
#include "support.hpp"

#include <doctest/doctest.h>

using namespace dbctl::test;

namespace {

const std::string k_mysql = "  my: {url: \"${DBCTL_TEST_MYSQL_URL}\"}\n";

std::string pg_history(const std::string& database) {
  return pg_query("SELECT string_agg(version || ':' || script, ',' ORDER BY installed_rank) FROM dbctl_history",
                  database);
}

std::string pg_tables(const std::string& database) {
  return pg_query("SELECT string_agg(c.relname, ',' ORDER BY c.relname) FROM pg_class c JOIN pg_namespace n "
                  "ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i') "
                  "AND c.relname NOT LIKE 'dbctl%'",
                  database);
}

// Migrate a PostgreSQL service of `format` with `files`; check the catalog, the history, status
// and a no-op re-run.
void migrate_pg(const std::string& format, const std::vector<std::pair<std::string, std::string>>& files,
                const std::string& tables, const std::string& history) {
  CAPTURE(format);
  TestProject project("fmt", "topology: {mode: db-per-service}\nservices:\n  @P@svc: {format: " + format + "}\n");
  for (const auto& [name, text] : files) {
    project.write("migrations/@P@svc/" + name, text);
  }
  Result up = project.dbctl({"up"});
  INFO(up.err);
  REQUIRE(up.exit_code == 0);
  std::string database = project.prefix + "svc";
  CHECK(pg_tables(database) == tables);
  CHECK(pg_history(database) == history);
  Result status = project.dbctl({"status"});
  CHECK(status.out.find("up-to-date") != std::string::npos);
  Result again = project.dbctl({"migrate"});
  CHECK(again.exit_code == 0);
  CHECK(again.out.find("up to date") != std::string::npos);
  REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
}

// What each tool itself would have left in a database: the schema its migrations made and its
// own history table, written as the tool's source creates it.
struct ToolState {
  std::string format;
  std::vector<std::pair<std::string, std::string>> files;
  std::string applied_sql; // the objects the applied migrations made
  std::string table_sql;   // the tool's table and rows
};

// golang-migrate: database/postgres/postgres.go ensureVersionTable: `CREATE TABLE IF NOT EXISTS
// schema_migrations (version bigint not null primary key, dirty boolean not null)`, one row.
// dbmate: pkg/driver/postgres/postgres.go CreateMigrationsTable: `create table if not exists
// schema_migrations (version varchar(128) primary key)`, a row per applied migration.
// goose: internal/dialect/dialectquery/postgres.go CreateTable: `CREATE TABLE goose_db_version
// (id serial NOT NULL, version_id bigint NOT NULL, is_applied boolean NOT NULL, tstamp timestamp
// NULL default now(), PRIMARY KEY(id))`, seeded with version 0, then a row per up (and per down).
std::vector<ToolState> pg_tool_states() {
  return {
      {"golang-migrate",
       {{"1_a.up.sql", "CREATE TABLE a (id int);\n"}, {"2_b.up.sql", "CREATE TABLE b (id int);\n"},
        {"3_c.up.sql", "CREATE TABLE c (id int);\n"}},
       "CREATE TABLE a (id int); CREATE TABLE b (id int);",
       "CREATE TABLE IF NOT EXISTS schema_migrations (version bigint not null primary key, dirty boolean not null);"
       "INSERT INTO schema_migrations VALUES (2, false);"},
      {"dbmate",
       {{"20240101120000_a.sql", "-- migrate:up\nCREATE TABLE a (id int);\n-- migrate:down\nDROP TABLE a;\n"},
        {"20240102120000_b.sql", "-- migrate:up\nCREATE TABLE b (id int);\n-- migrate:down\nDROP TABLE b;\n"},
        {"20240103120000_c.sql", "-- migrate:up\nCREATE TABLE c (id int);\n"}},
       "CREATE TABLE a (id int); CREATE TABLE b (id int);",
       "create table if not exists schema_migrations (version varchar(128) primary key);"
       "INSERT INTO schema_migrations VALUES ('20240101120000'), ('20240102120000');"},
      {"goose",
       {{"00001_a.sql", "-- +goose Up\nCREATE TABLE a (id int);\n"},
        {"00002_b.sql", "-- +goose Up\nCREATE TABLE b (id int);\n"},
        {"00003_c.sql", "-- +goose Up\nCREATE TABLE c (id int);\n"}},
       "CREATE TABLE a (id int); CREATE TABLE b (id int);",
       "CREATE TABLE goose_db_version (id serial NOT NULL, version_id bigint NOT NULL, is_applied boolean NOT NULL, "
       "tstamp timestamp NULL default now(), PRIMARY KEY(id));"
       "INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, true), (1, true), (2, true), (3, true), "
       "(3, false);"},
  };
}

} // namespace

TEST_SUITE("formats") {
  TEST_CASE("baseline --from golang-migrate and dbmate and goose takes over what each tool applied on PostgreSQL") {
    for (const ToolState& tool : pg_tool_states()) {
      CAPTURE(tool.format);
      TestProject project("fbl", "topology: {mode: db-per-service}\npasswords: {derive_from: \"${DBCTL_SECRET}\"}\n"
                                 "services:\n  @P@svc: {format: " + tool.format + "}\n");
      for (const auto& [name, text] : tool.files) {
        project.write("migrations/@P@svc/" + name, text);
      }
      REQUIRE(project.dbctl({"init"}).exit_code == 0);
      std::string owner = project.url("svc", "owner");
      REQUIRE(psql(owner, tool.applied_sql + tool.table_sql).exit_code == 0);
      Result baseline = project.dbctl({"baseline", "--from", tool.format});
      INFO(baseline.err);
      REQUIRE(baseline.exit_code == 0);
      CHECK(baseline.out.find("imported 2 rows from ") != std::string::npos);
      CHECK(baseline.out.find("(at version ") != std::string::npos);
      Result status = project.dbctl({"-o", "json", "status"});
      CHECK(status.out.find("\"pending\": 1") != std::string::npos);
      Result migrate = project.dbctl({"migrate"});
      INFO(migrate.err);
      CHECK(migrate.exit_code == 0);
      CHECK(pg_tables(project.prefix + "svc") == "a,b,c" + std::string(tool.format == "golang-migrate" ||
                                                                         tool.format == "dbmate"
                                                                     ? ",schema_migrations"
                                                                     : ",goose_db_version,goose_db_version_pkey") +
                                                     (tool.format == "goose" ? "" : ",schema_migrations_pkey"));
      CHECK(project.dbctl({"status", "--check"}).exit_code == 0);
      REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
    }
  }

  TEST_CASE("baseline --from golang-migrate refuses a dirty version and writes nothing") {
    TestProject project("fdirty", "topology: {mode: db-per-service}\npasswords: {derive_from: \"${DBCTL_SECRET}\"}\n"
                                  "services:\n  @P@svc: {format: golang-migrate}\n");
    project.write("migrations/@P@svc/1_a.up.sql", "CREATE TABLE a (id int);\n");
    project.write("migrations/@P@svc/2_b.up.sql", "CREATE TABLE b (id int);\n");
    REQUIRE(project.dbctl({"init"}).exit_code == 0);
    REQUIRE(psql(project.url("svc", "owner"),
                 "CREATE TABLE a (id int); CREATE TABLE schema_migrations (version bigint not null primary key, "
                 "dirty boolean not null); INSERT INTO schema_migrations VALUES (2, true);")
                .exit_code == 0);
    Result baseline = project.dbctl({"baseline", "--from", "golang-migrate"});
    CHECK(baseline.exit_code == 1);
    CHECK(baseline.err.find("golang-migrate left version 2 dirty") != std::string::npos);
    CHECK(pg_query("SELECT to_regclass('dbctl_history') IS NULL", project.prefix + "svc") == "t");
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("baseline --from dbmate on MariaDB") {
    TestProject project("fblmy", "topology: {mode: db-per-service}\nservices:\n  @P@svc: {format: dbmate}\n", k_mysql);
    project.write("migrations/@P@svc/20240101120000_a.sql", "-- migrate:up\nCREATE TABLE a (id INT);\n");
    project.write("migrations/@P@svc/20240102120000_b.sql", "-- migrate:up\nCREATE TABLE b (id INT);\n");
    REQUIRE(project.dbctl({"init"}).exit_code == 0);
    std::string database = project.prefix + "svc";
    // dbmate pkg/driver/mysql/mysql.go CreateMigrationsTable
    mysql_query("CREATE TABLE a (id INT); create table if not exists schema_migrations (version varchar(128) primary "
                "key); INSERT INTO schema_migrations VALUES ('20240101120000')",
                database);
    Result baseline = project.dbctl({"baseline", "--from", "dbmate"});
    INFO(baseline.err);
    REQUIRE(baseline.exit_code == 0);
    CHECK(baseline.out.find("imported 1 row from schema_migrations (at version 20240101120000)") != std::string::npos);
    REQUIRE(project.dbctl({"migrate"}).exit_code == 0);
    CHECK(mysql_query("SELECT GROUP_CONCAT(version ORDER BY installed_rank) FROM dbctl_history", database) ==
          "20240101120000,20240102120000");
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("a golang-migrate folder migrates on PostgreSQL and its CONCURRENTLY file runs alone") {
    migrate_pg("golang-migrate",
               {{"000001_create_users.up.sql", "CREATE TABLE users (id int PRIMARY KEY, email text);\n"},
                {"000001_create_users.down.sql", "DROP TABLE users;\n"},
                {"000002_email_index.up.sql", "CREATE INDEX CONCURRENTLY users_email ON users (email);\n"},
                {"000002_email_index.down.sql", "DROP INDEX users_email;\n"},
                {"000003_fn.up.sql", "CREATE FUNCTION one() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;\n"
                                     "CREATE TABLE audit (id int);\n"}},
               "audit,users,users_email,users_pkey",
               "1:000001_create_users.up.sql,2:000002_email_index.up.sql,3:000003_fn.up.sql");
  }

  TEST_CASE("a dbmate folder migrates on PostgreSQL and transaction:false runs a file alone") {
    migrate_pg("dbmate",
               {{"20240101120000_create_users.sql",
                 "-- migrate:up\nCREATE TABLE users (id int PRIMARY KEY, email text);\n\n-- migrate:down\nDROP TABLE users;\n"},
                {"20240102120000_email_index.sql",
                 "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY users_email ON users (email);\n"
                 "-- migrate:down\nDROP INDEX users_email;\n"}},
               "users,users_email,users_pkey",
               "20240101120000:20240101120000_create_users.sql,20240102120000:20240102120000_email_index.sql");
  }

  TEST_CASE("a goose folder migrates on PostgreSQL with StatementBegin blocks and NO TRANSACTION") {
    migrate_pg("goose",
               {{"00001_create_users.sql",
                 "-- +goose Up\nCREATE TABLE users (id int PRIMARY KEY, email text);\n"
                 "-- +goose StatementBegin\nCREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                 "BEGIN\n  RETURN NEW;\nEND;\n$$;\n-- +goose StatementEnd\n-- +goose Down\nDROP TABLE users;\n"},
                {"00002_email_index.sql",
                 "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY users_email ON users (email);\n"}},
               "users,users_email,users_pkey", "1:00001_create_users.sql,2:00002_email_index.sql");
  }

  TEST_CASE("golang-migrate and dbmate and goose folders migrate on MariaDB and procedures need no DELIMITER") {
    TestProject project("fmy", "topology: {mode: db-per-service}\nservices:\n"
                               "  @P@gm: {format: golang-migrate}\n  @P@dm: {format: dbmate}\n  @P@gs: {format: auto}\n",
                        k_mysql);
    project.write("migrations/@P@gm/1_users.up.sql",
                  "CREATE TABLE users (id INT PRIMARY KEY, n INT);\n"
                  "CREATE PROCEDURE bump()\nBEGIN\n  UPDATE users SET n = n + 1;\n  UPDATE users SET n = n + 1;\nEND;\n"
                  "INSERT INTO users VALUES (1, 0);\n");
    project.write("migrations/@P@gm/1_users.down.sql", "DROP PROCEDURE bump;\nDROP TABLE users;\n");
    project.write("migrations/@P@gm/2_call.up.sql", "CALL bump();\n");
    project.write("migrations/@P@dm/20240101120000_items.sql",
                  "-- migrate:up\nCREATE TABLE items (id INT);\n-- migrate:down\nDROP TABLE items;\n");
    project.write("migrations/@P@gs/00001_things.sql",
                  "-- +goose Up\n-- +goose StatementBegin\nCREATE FUNCTION two() RETURNS INT DETERMINISTIC\nBEGIN\n"
                  "  RETURN 2;\nEND;\n-- +goose StatementEnd\nCREATE TABLE things (id INT);\n-- +goose Down\n"
                  "DROP TABLE things;\n");
    Result up = project.dbctl({"up"});
    INFO(up.err);
    REQUIRE(up.exit_code == 0);
    CHECK(mysql_query("SELECT n FROM users", project.prefix + "gm") == "2");
    CHECK(mysql_query("SELECT GROUP_CONCAT(version ORDER BY installed_rank) FROM dbctl_history",
                      project.prefix + "gm") == "1,2");
    CHECK(mysql_query("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'items' AND table_schema = '" +
                      project.prefix + "dm'") == "1");
    CHECK(mysql_query("SELECT two()", project.prefix + "gs") == "2");
    Result status = project.dbctl({"status"});
    CHECK(status.exit_code == 0);
    CHECK(project.dbctl({"status", "--check"}).exit_code == 0);
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("--url with --format auto migrates a golang-migrate folder with no topology") {
    TestProject project("furl", "topology: {mode: db-per-service}\npasswords: {derive_from: \"${DBCTL_SECRET}\"}\n"
                                "services:\n  @P@svc: {migrations: none}\n");
    REQUIRE(project.dbctl({"init"}).exit_code == 0);
    project.write("db/000001_t.up.sql", "CREATE TABLE t (id int);\n");
    std::string url = project.url("svc", "owner");
    Result migrate = run_dbctl({"--url", url, "--dir", (project.dir.path() / "db").string(), "--format", "auto", "migrate"});
    INFO(migrate.err);
    CHECK(migrate.exit_code == 0);
    CHECK(pg_history(project.prefix + "svc") == "1:000001_t.up.sql");
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("a folder that mixes formats is exit 2 naming the files and nothing is created") {
    TestProject project("fmix", "topology: {mode: db-per-service}\nservices:\n  @P@svc: {format: auto}\n");
    project.write("migrations/@P@svc/V1__a.sql", "CREATE TABLE a (id int);\n");
    project.write("migrations/@P@svc/000002_b.up.sql", "CREATE TABLE b (id int);\n");
    Result up = project.dbctl({"up"});
    CHECK(up.exit_code == 2);
    CHECK(up.err.find("mixes migration formats: 000002_b.up.sql is golang-migrate; V1__a.sql is flyway;") ==
          std::string::npos);
    CHECK(up.err.find("mixes migration formats: V1__a.sql is flyway; 000002_b.up.sql is golang-migrate;") !=
          std::string::npos);
    CHECK(pg_query("SELECT count(*) FROM pg_database WHERE datname = '" + project.prefix + "svc'") == "0");
  }
}

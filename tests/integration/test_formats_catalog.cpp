// A golang-migrate history the size of a real one (300 files per engine: tables, indexes,
// functions or procedures, views, triggers, data changes, multi-statement files, CONCURRENTLY on
// PostgreSQL and DELIMITER blocks on MariaDB) migrated by dbctl, and the same files applied by
// psql / the mariadb client themselves: the two catalogs and their data must be the same.
#include "support.hpp"

#include <fstream>

#include <doctest/doctest.h>

using namespace dbctl::test;

namespace {

constexpr int k_files = 300;

std::string pg_file(int i) {
  std::string n = std::to_string(i);
  switch (i % 5) {
  case 0:
    return "CREATE TABLE t" + n + " (id bigint PRIMARY KEY, name text NOT NULL, created timestamptz DEFAULT now());\n"
           "CREATE INDEX t" + n + "_name ON t" + n + " (name);\n"
           "INSERT INTO t" + n + " (id, name) SELECT g, 'n; ' || g FROM generate_series(1, 40) g;\n";
  case 1:
    return "CREATE FUNCTION f" + n + "(x int) RETURNS int LANGUAGE plpgsql AS $body$\nBEGIN\n  -- one; two\n"
           "  RETURN x + " + n + ";\nEND;\n$body$;\n";
  case 2:
    return "ALTER TABLE t" + std::to_string(i - 2) + " ADD COLUMN extra" + n + " int DEFAULT " + n + ";\n"
           "UPDATE t" + std::to_string(i - 2) + " SET extra" + n + " = id * 2 WHERE id % 3 = 0;\n";
  case 3:
    return "CREATE VIEW v" + n + " AS SELECT id, upper(name) AS name FROM t" + std::to_string(i - 3) + ";\n"
           "COMMENT ON VIEW v" + n + " IS 'a view; of t" + std::to_string(i - 3) + "';\n";
  default:
    return "CREATE INDEX CONCURRENTLY t" + std::to_string(i - 4) + "_created ON t" + std::to_string(i - 4) +
           " (created);\n";
  }
}

std::string mysql_file(int i) {
  std::string n = std::to_string(i);
  std::string t = "t" + std::to_string(i - i % 5);
  switch (i % 5) {
  case 0:
    return "CREATE TABLE " + t + " (id BIGINT PRIMARY KEY, name VARCHAR(60) NOT NULL, note VARCHAR(20) DEFAULT 'x;y');\n"
           "CREATE INDEX " + t + "_name ON " + t + " (name);\n"
           "INSERT INTO " + t + " (id, name) VALUES (1, 'a;b'), (2, 'it''s'), (3, 'c -- d'), (4, 'e # f');\n";
  case 1:
    return "DELIMITER //\nCREATE PROCEDURE p" + n + "()\nBEGIN\n  UPDATE " + t + " SET name = CONCAT(name, '!') WHERE id = 1;\n"
           "  UPDATE " + t + " SET note = 'p" + n + "' WHERE id = 2;\nEND //\nDELIMITER ;\nCALL p" + n + "();\n";
  case 2:
    return "ALTER TABLE " + t + " ADD COLUMN extra" + n + " INT DEFAULT " + n + ";\n"
           "UPDATE " + t + " SET extra" + n + " = id * 2 WHERE id % 2 = 0;\n";
  case 3:
    return "CREATE VIEW v" + n + " AS SELECT id, UPPER(name) AS name FROM " + t + ";\n"
           "CREATE FUNCTION f" + n + "(x INT) RETURNS INT DETERMINISTIC RETURN x + " + n + ";\n";
  default:
    return "CREATE TRIGGER tr" + n + " BEFORE INSERT ON " + t + " FOR EACH ROW SET NEW.name = UPPER(NEW.name);\n"
           "INSERT INTO " + t + " (id, name) VALUES (5, 'lower');\n";
  }
}

// Write the set as golang-migrate files into `folder` (with down files), and all of it, in
// order, into `all` for the engine's own client.
void write_set(const std::filesystem::path& folder, const std::filesystem::path& all, std::string (*file)(int)) {
  std::filesystem::create_directories(folder);
  std::ofstream joined(all);
  for (int i = 0; i < k_files; ++i) {
    std::string stem = std::string(6 - std::to_string(i + 1).size(), '0') + std::to_string(i + 1) + "_step";
    std::ofstream(folder / (stem + ".up.sql")) << file(i);
    std::ofstream(folder / (stem + ".down.sql")) << "-- never run\nDROP TABLE nothing;\n";
    joined << file(i);
  }
}

std::string pg_catalog(const std::string& database) {
  return pg_query(
      "SELECT concat_ws(E'\\n',"
      " (SELECT string_agg(table_name || '.' || column_name || ':' || data_type || ':' || coalesce(column_default, ''),"
      "   ',' ORDER BY table_name, ordinal_position) FROM information_schema.columns"
      "   WHERE table_schema = 'public' AND table_name NOT LIKE 'dbctl%'),"
      " (SELECT string_agg(indexdef, ';' ORDER BY indexname) FROM pg_indexes"
      "   WHERE schemaname = 'public' AND tablename NOT LIKE 'dbctl%'),"
      " (SELECT string_agg(proname || ':' || md5(prosrc), ',' ORDER BY proname) FROM pg_proc p"
      "   JOIN pg_namespace s ON s.oid = p.pronamespace WHERE s.nspname = 'public'),"
      " (SELECT string_agg(viewname || ':' || md5(definition) || ':' || coalesce(obj_description(("
      "   'public.' || viewname)::regclass), ''), ',' ORDER BY viewname) FROM pg_views WHERE schemaname = 'public'),"
      " (SELECT string_agg(table_name || ':' || md5(query_to_xml('SELECT id, name FROM ' || table_name ||"
      "   ' ORDER BY id', false, false, '')::text), ',' ORDER BY table_name) FROM information_schema.tables"
      "   WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'dbctl%'))",
      database);
}

std::string mysql_catalog(const std::string& database) {
  std::string out = mysql_query(
      "SET SESSION group_concat_max_len = 16777216; SELECT CONCAT_WS('\\n',"
      " (SELECT GROUP_CONCAT(CONCAT(TABLE_NAME, '.', COLUMN_NAME, ':', COLUMN_TYPE, ':', IFNULL(COLUMN_DEFAULT, ''))"
      "   ORDER BY TABLE_NAME, ORDINAL_POSITION) FROM information_schema.COLUMNS"
      "   WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME NOT LIKE 'dbctl%'),"
      " (SELECT GROUP_CONCAT(CONCAT(TABLE_NAME, '.', INDEX_NAME, '.', SEQ_IN_INDEX, '.', COLUMN_NAME)"
      "   ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX) FROM information_schema.STATISTICS"
      "   WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME NOT LIKE 'dbctl%'),"
      " (SELECT GROUP_CONCAT(CONCAT(ROUTINE_NAME, ':', ROUTINE_TYPE, ':', MD5(ROUTINE_DEFINITION)) ORDER BY ROUTINE_NAME)"
      "   FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE()),"
      " (SELECT GROUP_CONCAT(CONCAT(TRIGGER_NAME, ':', EVENT_OBJECT_TABLE, ':', MD5(ACTION_STATEMENT))"
      "   ORDER BY TRIGGER_NAME) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()),"
      " (SELECT GROUP_CONCAT(CONCAT(TABLE_NAME, ':', MD5(REPLACE(VIEW_DEFINITION, DATABASE(), 'db'))) ORDER BY TABLE_NAME)"
      "   FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE()))",
      database);
  for (int i = 0; i < k_files; i += 5) {
    std::string t = "t" + std::to_string(i);
    out += "\n" + t + ":" + mysql_query("SELECT MD5(GROUP_CONCAT(CONCAT_WS('|', id, name, note) ORDER BY id)) FROM " + t,
                                        database);
  }
  return out;
}

} // namespace

TEST_SUITE("formats: catalogs") {
  TEST_CASE("300 golang-migrate files give PostgreSQL the catalog psql gives it") {
    TestProject project("fcat", "topology: {mode: db-per-service}\nservices:\n  @P@svc: {format: golang-migrate}\n");
    write_set(project.dir.path() / "migrations" / (project.prefix + "svc"), project.dir.path() / "all.sql", pg_file);
    Result up = project.dbctl({"up"});
    INFO(up.err);
    REQUIRE(up.exit_code == 0);
    std::string direct = project.prefix + "direct";
    pg_query("CREATE DATABASE " + direct);
    Result applied = run({"psql", pg_admin_url(direct), "-XAtq", "-v", "ON_ERROR_STOP=1", "-f",
                          (project.dir.path() / "all.sql").string()});
    INFO(applied.err);
    REQUIRE(applied.exit_code == 0);
    std::string ours = pg_catalog(project.prefix + "svc");
    CHECK(ours.size() > 10000);
    CHECK(ours == pg_catalog(direct));
    CHECK(pg_query("SELECT count(*) FROM dbctl_history", project.prefix + "svc") == std::to_string(k_files));
    CHECK(project.dbctl({"status", "--check"}).exit_code == 0);
    pg_query("DROP DATABASE " + direct);
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("300 golang-migrate files give MariaDB the catalog the mariadb client gives it") {
    TestProject project("fcatmy", "topology: {mode: db-per-service}\nservices:\n  @P@svc: {format: golang-migrate}\n",
                        "  my: {url: \"${DBCTL_TEST_MYSQL_URL}\"}\n");
    write_set(project.dir.path() / "migrations" / (project.prefix + "svc"), project.dir.path() / "all.sql", mysql_file);
    Result up = project.dbctl({"up"});
    INFO(up.err);
    REQUIRE(up.exit_code == 0);
    std::string direct = project.prefix + "direct";
    mysql_query("CREATE DATABASE " + direct);
    Result applied = mysql("source " + (project.dir.path() / "all.sql").string(), direct);
    INFO(applied.err);
    REQUIRE(applied.exit_code == 0);
    std::string ours = mysql_catalog(project.prefix + "svc");
    CHECK(ours.size() > 5000);
    CHECK(ours == mysql_catalog(direct));
    CHECK(mysql_query("SELECT COUNT(*) FROM dbctl_history", project.prefix + "svc") == std::to_string(k_files));
    mysql_query("DROP DATABASE " + direct);
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }
}

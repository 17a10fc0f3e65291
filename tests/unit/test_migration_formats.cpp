#include "dbctl/migration/discovery.hpp"
#include "dbctl/util/hash.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>

using namespace dbctl::migration;
using dbctl::unit::TempDir;

namespace {

std::vector<std::string> scripts(const MigrationSet& set) {
  std::vector<std::string> out;
  for (const auto& file : set.versioned) {
    out.push_back(file.script + "@" + file.version->text());
  }
  return out;
}

// List and read a folder in `format`; every problem's text, in order.
MigrationSet scan_as(const TempDir& dir, Format format, std::vector<std::string>& problems) {
  dbctl::util::Diagnostics diagnostics;
  MigrationSet set = list(dir.path(), {"topology.yaml", 3, 5}, diagnostics, format);
  for (const auto& problem : read_files({&set})) {
    diagnostics.error(problem.where, problem.message);
  }
  for (const auto& d : diagnostics.errors()) {
    std::string text = dbctl::util::to_string(d);
    problems.push_back(text.substr(text.find_last_of('/') == std::string::npos ? 0 : text.find_last_of('/') + 1));
  }
  return set;
}

} // namespace

TEST_SUITE("migration::formats") {
  TEST_CASE("golang-migrate: up files by version with their down files which never run") {
    TempDir dir;
    dir.write("000001_create_users.up.sql", "CREATE TABLE users (id int);\n");
    dir.write("000001_create_users.down.sql", "DROP TABLE users;\n");
    dir.write("000002_index.up.sql", "CREATE INDEX CONCURRENTLY users_id ON users (id);\n");
    dir.write("README.md", "not a migration\n");
    std::vector<std::string> problems;
    MigrationSet set = scan_as(dir, Format::golang_migrate, problems);
    CHECK(problems.empty());
    CHECK(set.format == Format::golang_migrate);
    CHECK(scripts(set) == std::vector<std::string>{"000001_create_users.up.sql@1", "000002_index.up.sql@2"});
    CHECK(set.versioned[0].description == "create users");
    CHECK(set.versioned[0].down_path.find("000001_create_users.down.sql") != std::string::npos);
    CHECK(set.versioned[0].checksum == dbctl::util::sha256_hex("CREATE TABLE users (id int);\n"));
    CHECK_FALSE(set.versioned[0].no_transaction);
    CHECK(set.versioned[1].no_transaction); // golang-migrate runs it outside a transaction too
    CHECK(read_runnable(set.versioned[0]).sql == "CREATE TABLE users (id int);\n");
  }

  TEST_CASE("golang-migrate: a name without its version and a down file without its up are errors") {
    TempDir dir;
    dir.write("create_users.up.sql", "CREATE TABLE users (id int);\n");
    dir.write("000003_gone.down.sql", "DROP TABLE gone;\n");
    std::vector<std::string> problems;
    scan_as(dir, Format::golang_migrate, problems);
    CHECK(problems == std::vector<std::string>{
                          "000003_gone.down.sql: is a down migration without its up file (3_*.up.sql)",
                          "create_users.up.sql: is not named {version}_{title}.up.sql: golang-migrate needs the version "
                          "number first"});
  }

  TEST_CASE("dbmate: the up part runs and is checksummed and the down part is blanked with its lines kept") {
    TempDir dir;
    std::string text = "-- migrate:up\nCREATE TABLE users (id int);\n\n-- migrate:down\nDROP TABLE users;\n";
    dir.write("20240101120000_create_users.sql", text);
    dir.write("20240102120000_index.sql",
              "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON users (id);\n");
    std::vector<std::string> problems;
    MigrationSet set = scan_as(dir, Format::dbmate, problems);
    CHECK(problems.empty());
    REQUIRE(set.versioned.size() == 2);
    CHECK(set.versioned[0].version->text() == "20240101120000");
    CHECK(set.versioned[0].checksum == dbctl::util::sha256_hex("CREATE TABLE users (id int);\n\n"));
    CHECK(read_runnable(set.versioned[0]).sql ==
          "             \nCREATE TABLE users (id int);\n\n               \n                 \n");
    CHECK(read_runnable(set.versioned[0]).checksum == set.versioned[0].checksum);
    CHECK_FALSE(set.versioned[0].no_transaction);
    CHECK(set.versioned[1].no_transaction);

    // An edit of the down part is not drift: the up part's checksum stays.
    std::string before = set.versioned[0].checksum;
    dir.write("20240101120000_create_users.sql", "-- migrate:up\nCREATE TABLE users (id int);\n\n-- migrate:down\n");
    CHECK(scan_as(dir, Format::dbmate, problems).versioned[0].checksum == before);
  }

  TEST_CASE("goose: Up and Down annotations and NO TRANSACTION") {
    TempDir dir;
    dir.write("00001_users.sql", "-- +goose Up\n-- +goose StatementBegin\nCREATE TABLE users (id int);\n"
                                 "-- +goose StatementEnd\n-- +goose Down\nDROP TABLE users;\n");
    dir.write("00002_index.sql", "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY i ON users (id);\n");
    std::vector<std::string> problems;
    MigrationSet set = scan_as(dir, Format::goose, problems);
    CHECK(problems.empty());
    CHECK(scripts(set) == std::vector<std::string>{"00001_users.sql@1", "00002_index.sql@2"});
    CHECK(read_runnable(set.versioned[0]).sql.find("DROP TABLE") == std::string::npos);
    CHECK_FALSE(set.versioned[0].no_transaction);
    CHECK(set.versioned[1].no_transaction);
  }

  TEST_CASE("SQL files the format does not name are warned about as ignored") {
    TempDir dir;
    dir.write("V1__flyway_style.sql", "CREATE TABLE a (id int);\n");
    dir.write("000002_b.up.sql", "CREATE TABLE b (id int);\n");
    dir.write("notes.txt", "not SQL\n");
    dbctl::util::Diagnostics diagnostics;
    MigrationSet set = list(dir.path(), {"topology.yaml", 3, 5}, diagnostics, Format::golang_migrate);
    CHECK(set.versioned.size() == 1);
    CHECK_FALSE(diagnostics.has_errors());
    REQUIRE(diagnostics.warnings().size() == 1);
    std::string warning = dbctl::util::to_string(diagnostics.warnings()[0]);
    CHECK(warning.find("V1__flyway_style.sql: warning: ignored: not named as a golang-migrate migration (is the "
                       "service's format: right?)") != std::string::npos);
  }

  TEST_CASE("a file without its tool's up marker and a Go migration are errors at the file") {
    TempDir dir;
    dir.write("20240101120000_a.sql", "CREATE TABLE a (id int);\n");
    std::vector<std::string> problems;
    scan_as(dir, Format::dbmate, problems);
    CHECK(problems == std::vector<std::string>{
                          "20240101120000_a.sql: has no `-- migrate:up` line (a dbmate migration needs one)"});
    TempDir go;
    go.write("00001_a.go", "package migrations\n");
    problems.clear();
    scan_as(go, Format::goose, problems);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].rfind("00001_a.go: is a Go migration", 0) == 0);
  }

  TEST_CASE("auto finds the folder's format and refuses two in one folder or SQL files of none") {
    auto detected = [](const std::vector<std::pair<std::string, std::string>>& files, std::vector<std::string>& problems) {
      TempDir dir;
      for (const auto& [name, text] : files) {
        dir.write(name, text);
      }
      return scan_as(dir, Format::automatic, problems).format;
    };
    std::vector<std::string> problems;
    CHECK(detected({{"V1__a.sql", "SELECT 1;"}}, problems) == Format::flyway);
    CHECK(detected({{"1_a.up.sql", "SELECT 1;"}, {"1_a.down.sql", "SELECT 1;"}}, problems) == Format::golang_migrate);
    CHECK(detected({{"20240101_a.sql", "-- migrate:up\nSELECT 1;"}}, problems) == Format::dbmate);
    CHECK(detected({{"20240101_a.sql", "-- +goose Up\nSELECT 1;"}}, problems) == Format::goose);
    CHECK(detected({}, problems) == Format::flyway);
    CHECK(problems.empty());
    detected({{"V1__a.sql", "SELECT 1;"}, {"2_b.up.sql", "SELECT 1;"}}, problems);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].find("mixes migration formats: V1__a.sql is flyway; 2_b.up.sql is golang-migrate;") !=
          std::string::npos);
    problems.clear();
    detected({{"schema.sql", "SELECT 1;"}}, problems);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].find("named as no migration format knows them (e.g. schema.sql)") != std::string::npos);
    problems.clear();
    detected({{"20240101_a.sql", "SELECT 1;"}}, problems);
    REQUIRE(problems.size() == 2); // and, read as dbmate's, it lacks the marker
    CHECK(problems[1].find("20240101_a.sql is neither a dbmate migration") != std::string::npos);
  }
}

#include "dbctl/migration/scaffold.hpp"
#include "dbctl/util/error.hpp"
#include "temp_dir.hpp"

#include <fstream>
#include <sstream>

#include <doctest/doctest.h>

using namespace dbctl::migration;
using dbctl::unit::TempDir;

namespace {
// 2026-11-21 12:34:56 UTC
constexpr std::time_t k_now = 1795264496;

MigrationSet set_of(std::initializer_list<const char*> versions) {
  MigrationSet set;
  for (const char* text : versions) {
    MigrationFile file;
    file.version = Version::parse(text);
    set.versioned.push_back(file);
  }
  return set;
}
} // namespace

TEST_SUITE("migration::scaffold") {
  TEST_CASE("the next version follows the folder's style") {
    CHECK(next_version(set_of({}), k_now).text() == "1");
    CHECK(next_version(set_of({"1", "2", "3"}), k_now).text() == "4");
    CHECK(next_version(set_of({"1.8", "1.9"}), k_now).text() == "1.10");
    CHECK(next_version(set_of({"20240101120000"}), k_now).text() == "20261121123456");
    CHECK(next_version(set_of({"20991231235959"}), k_now).text() == "20991231235960");
  }

  TEST_CASE("create_migration writes the next file with a slugged name - creating the folder") {
    TempDir dir;
    auto folder = dir.path() / "migrations" / "users";
    NewMigration first = create_migration(folder, "Add users table", std::nullopt, k_now);
    CHECK(first.path == folder / "V1__add_users_table.sql");
    NewMigration second = create_migration(folder, "add index!", std::nullopt, k_now);
    CHECK(second.path.filename() == "V2__add_index.sql");
    std::ifstream in(second.path);
    std::stringstream text;
    text << in.rdbuf();
    CHECK(text.str().rfind("-- V2: add index!\n", 0) == 0);
  }

  TEST_CASE("other tools' folders get their own names and markers with the folder's zero padding") {
    TempDir dir;
    NewMigration up = create_migration(dir.path() / "gm", "create users", std::nullopt, k_now, Format::golang_migrate);
    CHECK(up.path.filename() == "000001_create_users.up.sql");
    CHECK(std::filesystem::exists(dir.path() / "gm" / "000001_create_users.down.sql"));
    CHECK(create_migration(dir.path() / "gm", "more", std::nullopt, k_now, Format::automatic).path.filename() ==
          "000002_more.up.sql");
    NewMigration dbmate = create_migration(dir.path() / "dm", "first", std::nullopt, k_now, Format::dbmate);
    CHECK(dbmate.path.filename() == "20261121123456_first.sql");
    std::ifstream in(dbmate.path);
    std::stringstream text;
    text << in.rdbuf();
    CHECK(text.str() == "-- migrate:up\n\n\n-- migrate:down\n\n");
    dir.write("gs/00003_x.sql", "-- +goose Up\n");
    CHECK(create_migration(dir.path() / "gs", "y", std::nullopt, k_now, Format::goose).path.filename() == "00004_y.sql");
  }

  TEST_CASE("a description without letters or digits and a taken version are refused") {
    TempDir dir;
    CHECK_THROWS_WITH_AS(create_migration(dir.path(), "!!", std::nullopt, k_now),
                         "the description '!!' has no letters or digits to name the file with",
                         dbctl::UsageError);
    create_migration(dir.path(), "a", std::nullopt, k_now);
    CHECK_THROWS_WITH_AS(create_migration(dir.path(), "b", Version::parse("1"), k_now),
                         "version 1 is already used by V1__a.sql", dbctl::UsageError);
  }
}

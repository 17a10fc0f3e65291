#include "dbctl/migration/discovery.hpp"
#include "dbctl/util/hash.hpp"
#include "temp_dir.hpp"

#include <algorithm>
#include <filesystem>

#include <doctest/doctest.h>

using namespace dbctl::migration;
using dbctl::unit::TempDir;

namespace {
std::vector<std::string> scripts(const std::vector<MigrationFile>& files) {
  std::vector<std::string> out;
  for (const auto& f : files) {
    out.push_back(f.script);
  }
  return out;
}
} // namespace

TEST_SUITE("migration::discovery") {
  TEST_CASE("file names follow Flyway's V<version>__<description>.sql and R__<description>.sql") {
    auto versioned = parse_file_name("V1_1__add_users_table.sql");
    REQUIRE(versioned);
    CHECK(versioned->kind == Kind::versioned);
    CHECK(versioned->version->text() == "1.1");
    CHECK(versioned->description == "add users table");
    auto repeatable = parse_file_name("R__refresh_views.sql");
    REQUIRE(repeatable);
    CHECK(repeatable->kind == Kind::repeatable);
    CHECK(repeatable->description == "refresh views");
    for (const char* other : {"V1_add.sql", "v1__add.sql", "V1__.sql", "V1__add.SQL", "README.md",
                              "U1__undo.sql", "Vx__add.sql", "R_x.sql", "V__x.sql"}) {
      CAPTURE(other);
      CHECK_FALSE(parse_file_name(other).has_value());
    }
  }

  TEST_CASE("a folder scans into ordered versioned and repeatable lists") {
    TempDir dir;
    dir.write("V1.10__ten.sql", "select 10;");
    dir.write("V1.9__nine.sql", "select 9;");
    dir.write("V2__two.sql", "select 2;");
    dir.write("R__b_views.sql", "select 'b';");
    dir.write("R__a_funcs.sql", "select 'a';");
    dir.write("notes.txt", "ignored");
    dir.write(".V3__hidden.sql", "ignored");
    dir.write("sub/V4__nested.sql", "not scanned");
    dbctl::util::Diagnostics diagnostics;
    MigrationSet set = scan(dir.path(), {"t.yaml", 3, 5}, diagnostics);
    REQUIRE_FALSE(diagnostics.has_errors());
    CHECK(diagnostics.warnings().empty());
    CHECK(scripts(set.versioned) ==
          std::vector<std::string>{"V1.9__nine.sql", "V1.10__ten.sql", "V2__two.sql"});
    CHECK(scripts(set.repeatable) == std::vector<std::string>{"R__a_funcs.sql", "R__b_views.sql"});
    CHECK(set.versioned[0].checksum == dbctl::util::sha256_hex("select 9;"));
  }

  TEST_CASE("two files with one version are an error naming both") {
    TempDir dir;
    dir.write("V1__a.sql", "");
    dir.write("V1.0__b.sql", "");
    dbctl::util::Diagnostics diagnostics;
    scan(dir.path(), {"t.yaml", 3, 5}, diagnostics);
    auto errors = diagnostics.errors();
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].where.file == (dir.path() / "V1__a.sql").string());
    CHECK(errors[0].message == "has the same version 1 as V1.0__b.sql; each version must be unique");
  }

  TEST_CASE("a missing folder is an error at the place that names it") {
    TempDir dir;
    dbctl::util::Diagnostics diagnostics;
    scan(dir.path() / "nope", {"t.yaml", 3, 5}, diagnostics);
    auto errors = diagnostics.errors();
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].where.line == 3);
    CHECK(errors[0].message == "migrations folder " + (dir.path() / "nope").string() +
                                   " does not exist (create it, or set migrations: none)");
  }

  TEST_CASE("a symlink loop - a non-UTF-8 name - and a folder named like a migration are errors") {
    TempDir dir;
    dir.write("V1__ok.sql", "");
    std::filesystem::create_symlink("V2__loop.sql", dir.path() / "V2__loop.sql");
    dir.write("V3__caf\xe9.sql", ""); // Latin-1, not UTF-8
    std::filesystem::create_directory(dir.path() / "V4__dir.sql");
    dbctl::util::Diagnostics diagnostics;
    MigrationSet set = scan(dir.path(), {}, diagnostics);
    REQUIRE(set.versioned.size() == 1);
    std::vector<std::string> messages;
    for (const auto& error : diagnostics.errors()) {
      messages.push_back(error.where.file.substr(dir.path().string().size() + 1) + ": " + error.message);
    }
    std::sort(messages.begin(), messages.end());
    CHECK(messages == std::vector<std::string>{
                          "V2__loop.sql: cannot be read: Too many levels of symbolic links",
                          "V3__caf\\xe9.sql: the file name is not valid UTF-8; rename the file",
                          "V4__dir.sql: is not a regular file"});
  }

  TEST_CASE("names that nearly match warn instead of vanishing silently") {
    TempDir dir;
    dir.write("v2__lower.sql", "");
    dir.write("V3_single_underscore.sql", "");
    dbctl::util::Diagnostics diagnostics;
    MigrationSet set = scan(dir.path(), {}, diagnostics);
    CHECK(set.versioned.empty());
    CHECK(diagnostics.warnings().size() == 2);
    CHECK_FALSE(diagnostics.has_errors());
  }

  TEST_CASE("checksums fold CRLF to LF - so a checkout on Windows changes nothing") {
    CHECK(checksum("a;\r\nb;\r\n") == checksum("a;\nb;\n"));
    CHECK(checksum("a;\rb;") != checksum("a;\nb;"));
    CHECK(fold_line_endings("x\r\ny\r") == "x\ny\r");
  }

  TEST_CASE("the no-transaction directive is read from the first line only") {
    TempDir dir;
    dir.write("V1__idx.sql", "-- dbctl:no-transaction\r\nCREATE INDEX CONCURRENTLY i ON t(x);\n");
    dir.write("V2__later.sql", "select 1;\n-- dbctl:no-transaction\n");
    dir.write("V3__bom.sql", "\xEF\xBB\xBF-- dbctl:no-transaction  \nselect 1;");
    dbctl::util::Diagnostics diagnostics;
    MigrationSet set = scan(dir.path(), {}, diagnostics);
    REQUIRE(set.versioned.size() == 3);
    CHECK(set.versioned[0].no_transaction);
    CHECK_FALSE(set.versioned[1].no_transaction);
    CHECK(set.versioned[2].no_transaction);
  }

  TEST_CASE("an unreadable migration and a symlink loop are errors naming the file") {
    TempDir dir;
    std::filesystem::create_symlink("V1__loop.sql", dir.path() / "V1__loop.sql");
    std::filesystem::create_directory(dir.path() / "V2__dir.sql");
    dbctl::util::Diagnostics diagnostics;
    scan(dir.path(), {}, diagnostics);
    auto errors = diagnostics.errors();
    REQUIRE(errors.size() == 2);
    CHECK(errors[0].where.file == (dir.path() / "V1__loop.sql").string());
    CHECK(errors[0].message.rfind("cannot be read: ", 0) == 0);
    CHECK(errors[1].message == "is not a regular file");
  }

  TEST_CASE("read_sql returns the text with CRLF folded") {
    TempDir dir;
    auto file = dir.write("V1__a.sql", "select 1;\r\n");
    CHECK(read_sql(file) == "select 1;\n");
  }
}

#include "dbctl/migration/tools.hpp"

#include <doctest/doctest.h>

using namespace dbctl::migration;

namespace {

using Rows = std::vector<std::vector<std::optional<std::string>>>;

MigrationSet files(std::initializer_list<const char*> versions) {
  MigrationSet set;
  for (const char* version : versions) {
    MigrationFile file;
    file.version = Version::parse(version);
    file.script = std::string(version) + "_x.sql";
    file.description = "x";
    file.checksum = std::string("sum") + version;
    set.versioned.push_back(file);
  }
  return set;
}

std::vector<std::string> versions(const ToolImport& plan) {
  std::vector<std::string> out;
  for (const auto& row : plan.rows) {
    out.push_back(row.version + "=" + row.checksum);
  }
  return out;
}

} // namespace

TEST_SUITE("migration::tools") {
  TEST_CASE("golang-migrate's one row means every file up to its version is applied") {
    ToolImport plan = plan_tool_import(Tool::golang_migrate, Rows{{"2", "f"}}, files({"1", "2", "3"}), "svc", "me");
    CHECK(plan.problems.empty());
    CHECK(versions(plan) == std::vector<std::string>{"1=sum1", "2=sum2"});
    CHECK(plan.rows[0].service == "svc");
    CHECK(plan.rows[0].installed_by == "me");
    CHECK(plan.rows[0].script == "1_x.sql");
    CHECK(plan_tool_import(Tool::golang_migrate, Rows{}, files({"1"}), "svc", "me").rows.empty());
  }

  TEST_CASE("golang-migrate's dirty flag and a version with no file stop the import") {
    ToolImport dirty = plan_tool_import(Tool::golang_migrate, Rows{{"2", "true"}}, files({"1", "2"}), "svc", "me");
    CHECK(dirty.problems == std::vector<std::string>{
                                "golang-migrate left version 2 dirty (it failed half way): repair the database, then "
                                "`migrate force` the version that is really applied"});
    ToolImport missing = plan_tool_import(Tool::golang_migrate, Rows{{"5", "0"}}, files({"1", "2"}), "svc", "me");
    CHECK(missing.problems == std::vector<std::string>{
                                  "version 5 was applied by golang-migrate but no file of that version is in the folder"});
  }

  TEST_CASE("dbmate's rows are the applied versions and the rest stays pending") {
    ToolImport plan = plan_tool_import(Tool::dbmate, Rows{{"20240101120000"}, {"20240301120000"}},
                                       files({"20240101120000", "20240201120000", "20240301120000"}), "svc", "me");
    CHECK(plan.problems.empty());
    CHECK(versions(plan) ==
          std::vector<std::string>{"20240101120000=sum20240101120000", "20240301120000=sum20240301120000"});
    CHECK(plan_tool_import(Tool::dbmate, Rows{{"x"}}, files({"1"}), "svc", "me").problems.size() == 1);
  }

  TEST_CASE("goose's latest row per version decides and version 0 is goose's own") {
    Rows rows{{"1", "0", "t"}, {"2", "1", "t"}, {"3", "2", "t"}, {"4", "3", "t"}, {"5", "3", "f"}};
    ToolImport plan = plan_tool_import(Tool::goose, rows, files({"1", "2", "3"}), "svc", "me");
    CHECK(plan.problems.empty());
    CHECK(versions(plan) == std::vector<std::string>{"1=sum1", "2=sum2"});
  }
}

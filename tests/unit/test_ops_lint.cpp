// What migrate's lint refuses (ops::PendingLint), on files in a temp folder.
#include "dbctl/ops/lint.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>

using dbctl::unit::TempDir;
namespace migration = dbctl::migration;
namespace topology = dbctl::topology;

namespace {

struct Folder {
  TempDir dir;
  topology::Topology topology;
  topology::Server server;
  dbctl::targets::Target target;
  migration::MigrationSet files;

  Folder() {
    topology::Service service;
    service.name = "svc";
    topology.services.push_back(service);
    // set-not-null as an error, so refusals show whether an earlier CHECK was seen
    topology.lint.push_back({{"set-not-null", {}}, {topology::LintLevel::error, {}}});
    server.name = "pg";
    server.engine = topology::Located<topology::Engine>{topology::Engine::postgres, {}};
    target.service = "svc";
    target.server = &server;
  }
  void write(const std::string& name, const std::string& sql) {
    dir.write(name, "SET LOCAL lock_timeout = '1s';\n" + sql);
    dbctl::util::Diagnostics diagnostics;
    files = migration::scan(dir.path(), {"test", 1, 1}, diagnostics);
    REQUIRE_FALSE(diagnostics.has_errors());
  }
  const migration::MigrationFile& file(const std::string& script) const {
    for (const auto* list : {&files.versioned, &files.repeatable}) {
      for (const auto& f : *list) {
        if (f.script == script) {
          return f;
        }
      }
    }
    FAIL("no file " << script);
    return files.versioned.front();
  }
};

} // namespace

TEST_SUITE("ops::PendingLint") {
  TEST_CASE("a CHECK validated in an earlier file answers set-not-null in a later one and a repeatable") {
    Folder folder;
    folder.write("V1__check.sql", "ALTER TABLE u ADD CONSTRAINT e_nn CHECK (email IS NOT NULL) NOT VALID;\n"
                                  "ALTER TABLE u VALIDATE CONSTRAINT e_nn;\n");
    folder.write("V2__set.sql", "ALTER TABLE u ALTER COLUMN email SET NOT NULL;\n");
    folder.write("V3__other.sql", "ALTER TABLE u ALTER COLUMN name SET NOT NULL;\n");
    folder.write("R__fix.sql", "ALTER TABLE u ALTER COLUMN email SET NOT NULL;\n");
    dbctl::ops::PendingLint lint(folder.topology);
    CHECK(lint.refusals(folder.target, folder.files, folder.file("V2__set.sql")).empty());
    CHECK(lint.refusals(folder.target, folder.files, folder.file("R__fix.sql")).empty());
    std::vector<std::string> refused = lint.refusals(folder.target, folder.files, folder.file("V3__other.sql"));
    REQUIRE(refused.size() == 1);
    CHECK(refused[0].find("V3__other.sql:2:15: error set-not-null: SET NOT NULL on u.name") != std::string::npos);
    CHECK(refused[0].find("lint refuses to run it (fix it, put -- dbctl:lint-ignore set-not-null <reason> before it, "
                          "or pass --no-lint)") != std::string::npos);
  }
}

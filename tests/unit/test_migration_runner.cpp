// The runner's policy against the recording fake session: what is read before the lock, what
// runs under it, how a failure is recorded and named, how a run resumes, how it stops.
#include "dbctl/migration/runner.hpp"
#include "dbctl/util/error.hpp"
#include "fake_driver.hpp"
#include "string_maker.hpp"
#include "temp_dir.hpp"

#include <algorithm>

#include <doctest/doctest.h>

using dbctl::DbError;
using dbctl::InterruptedError;
using dbctl::unit::FakeTargetSession;
namespace migration = dbctl::migration;

namespace {

// One service's folder of migrations, its target and the options of a run.
struct Setup {
  dbctl::unit::TempDir dir;
  dbctl::topology::Server server;
  dbctl::targets::Target target;
  migration::MigrationSet files;

  Setup() {
    server.name = "db";
    server.engine = dbctl::topology::Located<dbctl::topology::Engine>{dbctl::topology::Engine::mysql, {}};
    target.service = "svc";
    target.server = &server;
    target.database = "svc";
  }
  void write(const std::string& name, const std::string& sql) {
    dir.write(name, sql);
    dbctl::util::Diagnostics diagnostics;
    files = migration::scan(dir.path(), {"test", 1, 1}, diagnostics);
    REQUIRE_FALSE(diagnostics.has_errors());
  }
  migration::MigrateResult migrate(FakeTargetSession& session, const dbctl::util::Interrupt* interrupt = nullptr,
                                   migration::MigrateOptions options = {}) {
    options.interrupt = interrupt;
    return migration::migrate(session, target, [this]() -> const migration::MigrationSet& { return files; },
                              options);
  }
};

std::size_t count(const std::vector<std::string>& calls, const std::string& call) {
  return static_cast<std::size_t>(std::count(calls.begin(), calls.end(), call));
}

} // namespace

TEST_SUITE("migration::runner") {
  TEST_CASE("history is read before the lock and again under it - a run with nothing to do takes no lock") {
    Setup setup;
    setup.write("V1__a.sql", "CREATE TABLE a (x int);\n");
    FakeTargetSession session(true);
    migration::MigrateResult result = setup.migrate(session);
    CHECK(result.applied == 1);
    // The schema the run left is recorded while the lock is still held.
    CHECK(session.calls == std::vector<std::string>{"exists", "read_history", "lock", "read_history", "ensure_history",
                                                    "run_in_transaction", "schema_token", "read_schema", "record_schema", "unlock"});
    session.calls.clear();
    CHECK(setup.migrate(session).applied == 0);
    CHECK(session.calls == std::vector<std::string>{"exists", "read_history"});
  }

  TEST_CASE("a run that applied files records the schema at the version it reached - a failure to record is a warning") {
    Setup setup;
    setup.write("V1__a.sql", "CREATE TABLE a (x int);\n");
    setup.write("V2__b.sql", "CREATE TABLE b (x int);\n");
    auto target = std::make_shared<dbctl::unit::FakeTarget>();
    target->schema.objects.push_back({dbctl::engine::ObjectKind::table, "", "a", "", "a", false});
    FakeTargetSession session(true, target);
    REQUIRE(setup.migrate(session).applied == 2);
    REQUIRE(target->records.size() == 1);
    CHECK(target->records[0].version == "2");
    CHECK(target->records[0].sha256 == dbctl::engine::fingerprint(target->schema));
    CHECK(target->records[0].model.objects.size() == 1);

    setup.write("V3__c.sql", "CREATE TABLE c (x int);\n");
    session.fail("record_schema", 1, "permission denied for table dbctl_schema", "42501");
    CHECK(setup.migrate(session).applied == 1); // the migration stands
    CHECK(target->records.size() == 1);
  }

  TEST_CASE("a refused file stops its target before anything runs and only while it is pending") {
    Setup setup;
    setup.write("V1__a.sql", "CREATE TABLE a (x int);\n");
    setup.write("V2__b.sql", "DROP TABLE a;\n");
    std::vector<std::string> asked;
    migration::MigrateOptions options;
    options.refuse = [&](const migration::MigrationFile& file) {
      asked.push_back(file.script);
      return file.script == "V2__b.sql" ? std::vector<std::string>{"V2__b.sql:1:1: error drop-table: refused"}
                                        : std::vector<std::string>{};
    };
    FakeTargetSession session(true);
    REQUIRE_THROWS_WITH(setup.migrate(session, nullptr, options),
                        "svc@db: nothing was applied:\n  V2__b.sql:1:1: error drop-table: refused");
    CHECK(session.executed.empty());
    CHECK(asked == std::vector<std::string>{"V1__a.sql", "V2__b.sql"});
    // Once V2 is applied (say with --no-lint), it is never asked about again.
    CHECK(setup.migrate(session).applied == 2);
    asked.clear();
    setup.write("V3__c.sql", "CREATE TABLE c (x int);\n");
    CHECK(setup.migrate(session, nullptr, options).applied == 1);
    CHECK(asked == std::vector<std::string>{"V3__c.sql"});
  }

  TEST_CASE("a lock that times out runs nothing and says so") {
    Setup setup;
    setup.write("V1__a.sql", "CREATE TABLE a (x int);\n");
    FakeTargetSession session(true);
    session.fail("lock", 1, "svc@db: timed out after 1 s waiting for the migration lock");
    REQUIRE_THROWS_WITH_AS(setup.migrate(session), "svc@db: timed out after 1 s waiting for the migration lock",
                           DbError);
    CHECK(session.executed.empty());
    CHECK(session.rows.empty());
  }

  TEST_CASE("a transactional script's failure names the file and the server's line - nothing remains") {
    Setup setup;
    setup.write("V1__a.sql", "CREATE TABLE a (x int);\n");
    setup.write("V2__b.sql", "-- two\n\nSELECT * FROM missing;\n");
    FakeTargetSession session(true);
    session.fail("run_in_transaction", 2, "relation \"missing\" does not exist (42P01)", "42P01", 3);
    REQUIRE_THROWS_WITH_AS(setup.migrate(session), "svc@db: V2__b.sql:3: relation \"missing\" does not exist (42P01)",
                           DbError);
    REQUIRE(session.rows.size() == 1);
    CHECK(session.rows[0].script == "V1__a.sql");
    CHECK(session.calls.back() == "unlock");
  }

  TEST_CASE("statement by statement: a failure is recorded with its progress - a fixed file resumes after it") {
    Setup setup;
    setup.write("V1__a.sql", "CREATE TABLE a (x int);\nINSERT INTO a VALUES (1);\nINSERT INTO b VALUES (2);\n");
    FakeTargetSession session(false);
    session.fail("run_alone", 3, "Table 'svc.b' doesn't exist (1146, 42S02)");
    REQUIRE_THROWS_WITH_AS(setup.migrate(session),
                           "svc@db: V1__a.sql:3: statement 3 of 3: Table 'svc.b' doesn't exist (1146, 42S02); "
                           "fix the file and run dbctl migrate (it resumes at statement 3); dbctl repair if you "
                           "changed statements before it",
                           DbError);
    REQUIRE(session.rows.size() == 1);
    CHECK_FALSE(session.rows[0].success);
    CHECK(session.rows[0].statements_done == 2);
    // Fixed: the two statements that ran are not run again.
    setup.write("V1__a.sql", "CREATE TABLE a (x int);\nINSERT INTO a VALUES (1);\nINSERT INTO a VALUES (2);\n");
    session.executed.clear();
    CHECK(setup.migrate(session).applied == 1);
    CHECK(session.executed == std::vector<std::string>{"INSERT INTO a VALUES (2)"});
    REQUIRE(session.rows.size() == 1);
    CHECK(session.rows[0].success);
    CHECK(session.rows[0].statements_done == 3);
    CHECK(session.rows[0].checksum == setup.files.versioned[0].checksum);
  }

  TEST_CASE("statement by statement: a statement before the failure that changed stops the resume") {
    Setup setup;
    setup.write("V1__a.sql", "CREATE TABLE a (x int);\nINSERT INTO b VALUES (2);\n");
    FakeTargetSession session(false);
    session.fail("run_alone", 2, "no table b");
    CHECK_THROWS_AS(setup.migrate(session), DbError);
    setup.write("V1__a.sql", "CREATE TABLE a (x bigint);\nINSERT INTO a VALUES (2);\n");
    session.executed.clear();
    REQUIRE_THROWS_WITH_AS(setup.migrate(session),
                           "svc@db: V1__a.sql failed at statement 2, and the statements before it have changed "
                           "since; run dbctl repair, then migrate runs the whole file again",
                           DbError);
    CHECK(session.executed.empty());
  }

  TEST_CASE("an interruption between statements records where it stopped - the next run goes on there") {
    Setup setup;
    setup.write("V1__a.sql", "CREATE TABLE a (x int);\nINSERT INTO a VALUES (1);\nINSERT INTO a VALUES (2);\n");
    FakeTargetSession session(false);
    dbctl::util::Interrupt interrupt;
    session.on_call = [&](const std::string& call) {
      if (call == "run_alone") {
        interrupt.request(2); // SIGINT while the first statement runs
      }
    };
    CHECK_THROWS_AS(setup.migrate(session, &interrupt), InterruptedError);
    CHECK(session.executed == std::vector<std::string>{"CREATE TABLE a (x int)"});
    REQUIRE(session.rows.size() == 1);
    CHECK(session.rows[0].statements_done == 1);
    CHECK(session.calls.back() == "unlock");
    session.on_call = nullptr;
    session.executed.clear();
    CHECK(setup.migrate(session).applied == 1);
    CHECK(session.executed == std::vector<std::string>{"INSERT INTO a VALUES (1)", "INSERT INTO a VALUES (2)"});
  }

  TEST_CASE("a file's notices are counted once each") {
    Setup setup;
    setup.write("V1__a.sql", "DROP TABLE IF EXISTS a;\nDROP TABLE IF EXISTS a;\n");
    FakeTargetSession session(false);
    session.on_call = [&](const std::string& call) {
      if (call == "run_alone") {
        session.notices.push_back("Unknown table 'svc.a' (1051)");
      }
    };
    CHECK(setup.migrate(session).notices == 1);
    CHECK(count(session.calls, "run_alone") == 2);
  }

  TEST_CASE("status advice: a resumable failed row says to fix and migrate - elsewhere repair first") {
    Setup setup;
    setup.write("V1__a.sql", "CREATE TABLE a (x int);\nINSERT INTO b VALUES (2);\n");
    FakeTargetSession mysql(false);
    mysql.fail("run_alone", 2, "no table b");
    CHECK_THROWS_AS(setup.migrate(mysql), DbError);
    auto files = [&]() -> const migration::MigrationSet& { return setup.files; };
    migration::MigrationPlan plan = migration::inspect(mysql, setup.target, files);
    CHECK(plan.state == migration::State::failed);
    REQUIRE(plan.issues.size() == 1);
    CHECK(plan.issues[0] == "V1__a.sql failed at 2026-12-06 10:00:00 at statement 2; fix the file and run dbctl "
                            "migrate (it resumes at statement 2); dbctl repair if you changed statements before it");
    FakeTargetSession postgres(true);
    postgres.rows = mysql.rows;
    plan = migration::inspect(postgres, setup.target, files);
    REQUIRE(plan.issues.size() == 1);
    CHECK(plan.issues[0] == "V1__a.sql failed at 2026-12-06 10:00:00; fix it, then run dbctl repair and dbctl migrate");
  }
}

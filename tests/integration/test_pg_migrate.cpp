// Migrations on a real PostgreSQL 15: every mode, failures, drift, ordering, repeatables,
// repair, baseline, concurrency and kill -9.
#include "support.hpp"

#include <chrono>
#include <csignal>
#include <future>
#include <thread>

#include <doctest/doctest.h>

using namespace dbctl::test;

namespace {

const std::string k_secret = "passwords: {derive_from: \"${DBCTL_SECRET}\"}\n";

// Two migrations and a repeatable for a service folder.
void write_basic(const TestProject& project, const std::string& folder) {
  project.write(folder + "/V1__create_items.sql",
                "CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL);\n");
  project.write(folder + "/V2__seed.sql", "INSERT INTO items (name) VALUES ('first');\n");
  project.write(folder + "/R__items_view.sql", "CREATE OR REPLACE VIEW item_names AS SELECT name FROM items;\n");
}

std::string history(const std::string& database, const std::string& schema = "public") {
  return pg_query("SELECT string_agg(coalesce(version, 'R') || ':' || CASE WHEN success THEN 't' ELSE 'f' END, ',' ORDER BY installed_rank) "
                  "FROM " + schema + ".dbctl_history", database);
}

void check_up_then_noop(const TestProject& project) {
  Result up = project.dbctl({"up"});
  INFO(up.err);
  REQUIRE(up.exit_code == 0);
  Result again = project.dbctl({"migrate"});
  INFO(again.err);
  REQUIRE(again.exit_code == 0);
  CHECK(again.out.find("applied") == std::string::npos);
  CHECK(again.err.find("applying") == std::string::npos);
  Result status = project.dbctl({"status", "--check"});
  INFO(status.out);
  CHECK(status.exit_code == 0);
}

} // namespace

TEST_SUITE("postgres: migrate") {
  TEST_CASE("every mode applies from empty - objects belong to the owner - and a re-run is a no-op") {
    struct Mode {
      std::string name;
      std::string topology;
      std::string database;
      std::string schema;
      std::string owner;
    };
    for (const Mode& mode : std::vector<Mode>{
             {"db-per-service", "topology: {mode: db-per-service}\n", "svc", "public", "svc"},
             {"shared", "topology: {mode: shared}\n", "shop", "svc", "svc"},
             {"tenancy database", "topology: {mode: multi-tenant, tenants: [acme]}\n", "svc_acme", "public", "svc_acme"},
             {"tenancy schema", "topology: {mode: multi-tenant, tenancy: schema, tenants: [acme]}\n", "svc", "acme", "svc_acme"}}) {
      CAPTURE(mode.name);
      TestProject project("mig", mode.topology + k_secret + "services:\n  @P@svc: {app: true}\n");
      write_basic(project, "migrations/@P@svc");
      std::string p = project.prefix;
      CHECK(project.dbctl({"plan", "--check"}).exit_code == 3);
      check_up_then_noop(project);
      std::string db = p + mode.database;
      std::string schema = mode.schema == "public" ? "public" : (mode.schema == "svc" ? p + "svc" : mode.schema);
      CHECK(history(db, schema) == "1:t,2:t,R:t");
      CHECK(pg_query("SELECT pg_get_userbyid(relowner) FROM pg_class c JOIN pg_namespace n ON n.oid = "
                     "c.relnamespace WHERE relname = 'items' AND nspname = '" + schema + "'", db) == p + mode.owner);
      CHECK(project.dbctl({"plan", "--check"}).exit_code == 0);
      REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
    }
  }

  TEST_CASE("a migration failing halfway leaves nothing of itself - and the error names file and line") {
    TestProject project("half", "topology: {mode: db-per-service}\n" + k_secret + "services:\n  @P@svc: {}\n");
    write_basic(project, "migrations/@P@svc");
    project.write("migrations/@P@svc/V3__broken.sql",
                  "CREATE TABLE half_done (x int);\n"
                  "INSERT INTO half_done VALUES (1);\n"
                  "SELECT * FROM no_such_table;\n");
    Result up = project.dbctl({"up"});
    CHECK(up.exit_code == 1);
    CHECK(up.err.find("@pg: V3__broken.sql:3: relation \"no_such_table\" does not exist (42P01)") != std::string::npos);
    std::string db = project.prefix + "svc";
    CHECK(pg_query("SELECT to_regclass('half_done') IS NULL", db) == "t");
    CHECK(history(db) == "1:t,2:t"); // no row for V3, and the repeatable was not reached
    // Fixed, it applies.
    project.write("migrations/@P@svc/V3__broken.sql", "CREATE TABLE half_done (x int);\n");
    check_up_then_noop(project);
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("an edited applied file is drift: migrate applies nothing - repair accepts the change") {
    TestProject project("drift", "topology: {mode: db-per-service}\n" + k_secret + "services:\n  @P@svc: {}\n");
    write_basic(project, "migrations/@P@svc");
    check_up_then_noop(project);
    project.write("migrations/@P@svc/V1__create_items.sql",
                  "CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL); -- edited\n");
    project.write("migrations/@P@svc/V3__more.sql", "CREATE TABLE more_items (x int);\n");
    Result refused = project.dbctl({"migrate"});
    CHECK(refused.exit_code == 1);
    CHECK(refused.err.find("V1__create_items.sql was changed after it was applied") != std::string::npos);
    std::string db = project.prefix + "svc";
    CHECK(pg_query("SELECT to_regclass('more_items') IS NULL", db) == "t");
    Result status = project.dbctl({"status", "--check", "-o", "json"});
    CHECK(status.exit_code == 3);
    CHECK(status.out.find("\"state\": \"drift\"") != std::string::npos);
    Result repaired = project.dbctl({"repair"});
    CHECK(repaired.out.find("accepted the checksum of V1__create_items.sql") != std::string::npos);
    check_up_then_noop(project);
    CHECK(pg_query("SELECT to_regclass('more_items') IS NOT NULL", db) == "t");
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("a pending version below the newest applied is refused - then allowed with --out-of-order") {
    TestProject project("ooo", "topology: {mode: db-per-service}\n" + k_secret + "services:\n  @P@svc: {}\n");
    write_basic(project, "migrations/@P@svc");
    check_up_then_noop(project);
    project.write("migrations/@P@svc/V1.5__late.sql", "CREATE TABLE late (x int);\n");
    Result refused = project.dbctl({"migrate"});
    CHECK(refused.exit_code == 1);
    CHECK(refused.err.find("V1.5__late.sql is older than the newest applied version 2; apply it "
                           "with --out-of-order") != std::string::npos);
    Result allowed = project.dbctl({"migrate", "--out-of-order"});
    INFO(allowed.err);
    CHECK(allowed.exit_code == 0);
    CHECK(history(project.prefix + "svc") == "1:t,2:t,R:t,1.5:t");
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("a repeatable runs again only when it changes - --target and --dry-run") {
    TestProject project("rep", "topology: {mode: db-per-service}\n" + k_secret + "services:\n  @P@svc: {}\n");
    write_basic(project, "migrations/@P@svc");
    REQUIRE(project.dbctl({"init"}).exit_code == 0);
    Result dry = project.dbctl({"migrate", "--dry-run"});
    CHECK(dry.out.find("would apply V1__create_items.sql, V2__seed.sql, R__items_view.sql") != std::string::npos);
    std::string db = project.prefix + "svc";
    CHECK(pg_query("SELECT to_regclass('dbctl_history') IS NULL", db) == "t");
    REQUIRE(project.dbctl({"migrate", "--target", "1"}).exit_code == 0);
    CHECK(history(db) == "1:t,R:t");
    REQUIRE(project.dbctl({"migrate"}).exit_code == 0);
    CHECK(history(db) == "1:t,R:t,2:t");
    project.write("migrations/@P@svc/R__items_view.sql",
                  "CREATE OR REPLACE VIEW item_names AS SELECT name, id FROM items;\n");
    REQUIRE(project.dbctl({"migrate"}).exit_code == 0);
    CHECK(history(db) == "1:t,R:t,2:t,R:t");
    check_up_then_noop(project);
    CHECK(history(db) == "1:t,R:t,2:t,R:t");
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("a no-transaction file runs alone - its failure is recorded - repair clears it") {
    TestProject project("notx", "topology: {mode: db-per-service}\n" + k_secret + "services:\n  @P@svc: {}\n");
    write_basic(project, "migrations/@P@svc");
    project.write("migrations/@P@svc/V3__index.sql",
                  "-- dbctl:no-transaction\n"
                  "CREATE INDEX CONCURRENTLY items_name_idx ON items (name);\n"
                  "CREATE INDEX CONCURRENTLY broken_idx ON no_such_table (x);\n");
    Result failed = project.dbctl({"up"});
    CHECK(failed.exit_code == 1);
    CHECK(failed.err.find("V3__index.sql:3: statement 2 of 2: relation \"no_such_table\" does not exist") !=
          std::string::npos);
    CHECK(failed.err.find("; statement 1 stays applied; fix the file, then run dbctl repair and dbctl migrate") !=
          std::string::npos);
    std::string db = project.prefix + "svc";
    CHECK(history(db) == "1:t,2:t,3:f");
    Result status = project.dbctl({"status"});
    CHECK(status.out.find("failed") != std::string::npos);
    CHECK(project.dbctl({"migrate"}).exit_code == 1); // refuses while a failed row stands
    project.write("migrations/@P@svc/V3__index.sql",
                  "-- dbctl:no-transaction\n"
                  "CREATE INDEX CONCURRENTLY IF NOT EXISTS items_name_idx ON items (name);\n");
    Result repaired = project.dbctl({"repair"});
    CHECK(repaired.out.find("removed 1 failed row") != std::string::npos);
    check_up_then_noop(project);
    CHECK(history(db) == "1:t,2:t,3:t,R:t");
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("baseline marks an existing database without running anything") {
    TestProject project("base", "topology: {mode: db-per-service}\n" + k_secret + "services:\n  @P@svc: {}\n");
    write_basic(project, "migrations/@P@svc");
    project.write("migrations/@P@svc/V3__after.sql", "CREATE TABLE after_baseline (x int);\n");
    REQUIRE(project.dbctl({"init"}).exit_code == 0);
    std::string db = project.prefix + "svc";
    pg_query("SET ROLE " + project.prefix + "svc; CREATE TABLE items (id serial PRIMARY KEY, name text)", db);
    Result baselined = project.dbctl({"baseline", "--version", "2"});
    INFO(baselined.err);
    REQUIRE(baselined.exit_code == 0);
    CHECK(baselined.out.find("baselined at version 2") != std::string::npos);
    CHECK(project.dbctl({"baseline", "--version", "2"}).exit_code == 2); // history exists now
    check_up_then_noop(project);
    CHECK(history(db) == "2:t,3:t,R:t");
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("four concurrent migrate processes apply each migration exactly once") {
    TestProject project("conc", "topology: {mode: multi-tenant, tenants: [a, b]}\n" + k_secret +
                                    "services:\n  @P@svc: {}\n");
    project.write("migrations/@P@svc/V1__counter.sql", "CREATE TABLE runs (n int);\n");
    for (int i = 2; i <= 6; ++i) {
      project.write("migrations/@P@svc/V" + std::to_string(i) + "__run.sql",
                    "INSERT INTO runs VALUES (" + std::to_string(i) + "); SELECT pg_sleep(0.05);\n");
    }
    REQUIRE(project.dbctl({"init"}).exit_code == 0);
    std::vector<std::future<Result>> runs;
    for (int i = 0; i < 4; ++i) {
      runs.push_back(std::async(std::launch::async, [&project] { return project.dbctl({"migrate"}); }));
    }
    for (auto& run : runs) {
      Result result = run.get();
      INFO(result.err);
      CHECK(result.exit_code == 0);
    }
    for (const char* tenant : {"a", "b"}) {
      std::string db = project.prefix + "svc_" + tenant;
      CHECK(pg_query("SELECT count(*) || ':' || count(DISTINCT n) FROM runs", db) == "5:5");
      CHECK(pg_query("SELECT count(*) FROM dbctl_history", db) == "6");
    }
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("kill -9 in the middle of a migration - then a re-run converges") {
    TestProject project("kill", "topology: {mode: db-per-service}\n" + k_secret + "services:\n  @P@svc: {}\n");
    project.write("migrations/@P@svc/V1__slow.sql",
                  "CREATE TABLE slow (x int);\nSELECT pg_sleep(2);\nINSERT INTO slow VALUES (1);\n");
    project.write("migrations/@P@svc/V2__after.sql", "INSERT INTO slow VALUES (2);\n");
    REQUIRE(project.dbctl({"init"}).exit_code == 0);
    std::string db = project.prefix + "svc";
    // Start migrate in the background, wait until the server runs the sleep, kill it hard.
    std::string command = std::string(DBCTL_BINARY) + " -f " + project.file.string() +
                          " migrate >/dev/null 2>&1 & echo $!";
    Result started = run({"sh", "-c", command}, {{}, {{"DBCTL_SECRET", "test-secret-" + project.prefix}}, {}});
    int pid = std::stoi(started.out);
    bool sleeping = false;
    for (int i = 0; i < 100 && !sleeping; ++i) {
      sleeping = pg_query("SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(2)%' "
                          "AND datname = '" + db + "'") != "0";
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    REQUIRE(sleeping);
    REQUIRE(kill(pid, SIGKILL) == 0);
    Result rerun = project.dbctl({"migrate", "--lock-timeout", "30"});
    INFO(rerun.err);
    CHECK(rerun.exit_code == 0);
    CHECK(pg_query("SELECT string_agg(x::text, ',' ORDER BY x) FROM slow", db) == "1,2");
    CHECK(history(db) == "1:t,2:t");
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("a second migrate waits for the lock and says who holds it when it gives up") {
    TestProject project("lock", "topology: {mode: db-per-service}\n" + k_secret + "services:\n  @P@svc: {}\n");
    project.write("migrations/@P@svc/V1__slow.sql", "SELECT pg_sleep(3);\n");
    REQUIRE(project.dbctl({"init"}).exit_code == 0);
    auto first = std::async(std::launch::async, [&project] { return project.dbctl({"migrate"}); });
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    Result second = project.dbctl({"migrate", "--lock-timeout", "1"});
    CHECK(second.exit_code == 1);
    CHECK(second.err.find("timed out after 1 s waiting for the migration lock, held by pid ") != std::string::npos);
    CHECK(second.err.find("(dbctl:" + project.prefix + "shop, user postgres") != std::string::npos);
    CHECK(first.get().exit_code == 0);
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("migrate before init says so - --keep-going goes on past a failing target") {
    TestProject project("kg", "topology: {mode: multi-tenant, tenants: [a, b, c]}\n" + k_secret +
                                  "services:\n  @P@svc: {}\n");
    project.write("migrations/@P@svc/V1__t.sql", "CREATE TABLE t (x int);\n");
    // One at a time (-j 1), a failure stops the targets after it from starting.
    Result early = project.dbctl({"migrate", "-j", "1"});
    CHECK(early.exit_code == 1);
    CHECK(early.err.find("does not exist; run dbctl init first (or dbctl up)") != std::string::npos);
    // One summary line per state; the failed targets are named.
    CHECK(early.out.find("migrate: 1 failed: " + project.prefix + "svc[a]@") != std::string::npos);
    CHECK(early.out.find("migrate: 2 not started\n") != std::string::npos);
    REQUIRE(project.dbctl({"init"}).exit_code == 0);
    pg_query("SET ROLE " + project.prefix + "svc_b; CREATE TABLE t (x int)", project.prefix + "svc_b");
    Result going = project.dbctl({"migrate", "--keep-going"});
    CHECK(going.exit_code == 1);
    CHECK(going.out.find("migrate: 1 failed: " + project.prefix + "svc[b]@") != std::string::npos);
    CHECK(going.out.find("migrate: 2 migrated\n") != std::string::npos);
    Result status = project.dbctl({"status"});
    CHECK(status.out.find("svc[b]") != std::string::npos);
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("with only DATABASE_URL and a folder - migrate and status work as dbmate users expect") {
    std::string p = unique_prefix("url");
    pg_query("CREATE ROLE " + p + "own LOGIN PASSWORD 'own-pw'");
    pg_query("CREATE DATABASE " + p + "db OWNER " + p + "own");
    TempDir dir;
    dir.write("db/migrations/V1__notes.sql", "CREATE TABLE notes (id serial PRIMARY KEY);\n");
    std::string admin = pg_admin_url();
    std::string url = "postgres://" + p + "own:own-pw@" + admin.substr(admin.find('@') + 1, admin.rfind('/') - admin.find('@')) + p + "db";
    RunOptions options{dir.path(), {{"DATABASE_URL", url}}, {}};
    Result migrate = run_dbctl({"--dir", "db/migrations", "migrate"}, options);
    INFO(migrate.err);
    CHECK(migrate.exit_code == 0);
    CHECK(migrate.out == p + "db@db: applied 1 migration (at version 1)\n");
    Result status = run_dbctl({"--dir", "db/migrations", "status", "--check"}, options);
    CHECK(status.exit_code == 0);
    CHECK(status.err.find("own-pw") == std::string::npos);
    CHECK(pg_query("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'notes'", p + "db") == p + "own");
    pg_query("DROP DATABASE " + p + "db");
    pg_query("DROP ROLE " + p + "own");
  }
}

TEST_SUITE("postgres: a real-world schema") {
  TEST_CASE("a Pagila-style schema (domains - types - dollar-quoted functions - triggers - views) "
            "applies as migrations as the owner and the app role can use it") {
    TestProject project("rental", "topology: {mode: shared}\n" + k_secret +
                                      "services:\n  @P@rental: {app: true}\n");
    for (const auto& entry : std::filesystem::directory_iterator(source_dir() / "tests/integration/data/rental")) {
      project.write("migrations/@P@rental/" + entry.path().filename().string(), read(entry.path()));
    }
    check_up_then_noop(project);
    std::string db = project.prefix + "shop";
    std::string schema = project.prefix + "rental";
    CHECK(history(db, schema) == "1:t,2:t,3:t,4:t,R:t");
    // Everything landed in the service's schema, owned by its owner.
    CHECK(pg_query("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                   "WHERE nspname = '" + schema + "' AND pg_get_userbyid(relowner) <> '" + schema + "'", db) == "0");
    CHECK(pg_query("SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
                   "WHERE nspname = '" + schema + "' AND typname IN ('year', 'email_address', 'mpaa_rating', "
                   "'money_amount')", db) == "4");
    // The trigger and the functions work for the app role, through its search_path.
    std::string app = project.url("rental");
    CHECK(psql(app, "UPDATE film SET description = 'changed' WHERE film_id = 2; "
                    "SELECT fulltext IS NOT NULL FROM film WHERE film_id = 2").out == "t\n");
    CHECK(psql(app, "SELECT get_customer_balance(1, now())").exit_code == 0);
    CHECK(psql(app, "SELECT count(*) FROM actor_info").out == "2\n");
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }
}

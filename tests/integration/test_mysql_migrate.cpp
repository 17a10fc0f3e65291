// Migrations on a real MariaDB 10.11: statement by statement, failure recorded with its
// progress, resume after a fix, concurrency, and a mixed-engine topology.
#include "support.hpp"

#include <chrono>
#include <future>
#include <thread>

#include <doctest/doctest.h>

using namespace dbctl::test;

namespace {

const std::string k_server = "  my: {url: \"${DBCTL_TEST_MYSQL_URL}\"}\n";
const std::string k_passwords = "passwords: {derive_from: \"${DBCTL_SECRET}\"}\n";

std::string history(const std::string& database) {
  return mysql_query("SELECT GROUP_CONCAT(CONCAT(COALESCE(version, 'R'), ':', IF(success, 't', 'f'), ':', "
                     "COALESCE(statements_done, '-')) ORDER BY installed_rank) FROM dbctl_history",
                     database);
}

void write_examples(const TestProject& project, const std::string& service, const std::string& folder) {
  for (const auto& entry : std::filesystem::directory_iterator(source_dir() / "examples/mysql" / folder)) {
    project.write("migrations/" + service + "/" + entry.path().filename().string(), read(entry.path()));
  }
}

} // namespace

TEST_SUITE("mysql: migrate") {
  TEST_CASE("every mode applies the DELIMITER examples from empty - and a re-run is a no-op") {
    for (const std::string mode : {"db-per-service", "shared", "multi-tenant"}) {
      CAPTURE(mode);
      std::string topology = mode == "multi-tenant" ? "topology: {mode: multi-tenant, tenants: [acme]}\n"
                                                    : "topology: {mode: " + mode + "}\n";
      TestProject project("mym", topology + k_passwords +
                                     "services:\n  @P@users: {app: true}\n  @P@orders: {app: true}\n",
                          k_server);
      write_examples(project, "@P@users", "users");
      write_examples(project, "@P@orders", "orders");
      Result up = project.dbctl({"up"});
      INFO(up.err);
      REQUIRE(up.exit_code == 0);
      Result again = project.dbctl({"migrate"});
      CHECK(again.exit_code == 0);
      CHECK(again.err.find("applying") == std::string::npos);
      CHECK(project.dbctl({"status", "--check"}).exit_code == 0);
      const std::string& p = project.prefix;
      std::string orders = mode == "shared" ? p + "shop" : mode == "multi-tenant" ? p + "orders_acme" : p + "orders";
      // The trigger from the DELIMITER block works.
      mysql_query("INSERT INTO orders (user_id) VALUES (1); "
                  "INSERT INTO order_items VALUES (LAST_INSERT_ID(), 1, 7, 2, 5.00)", orders);
      CHECK(mysql_query("SELECT total FROM orders", orders) == "10.00");
      if (mode == "shared") {
        // One history table, rows keyed by service.
        CHECK(mysql_query("SELECT COUNT(DISTINCT service) FROM dbctl_history", orders) == "2");
      }
      REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
    }
  }

  TEST_CASE("a failing statement is recorded - once fixed - migrate resumes without re-running the rest") {
    TestProject project("myr", "topology: {mode: db-per-service}\n" + k_passwords + "services:\n  @P@svc: {}\n",
                        k_server);
    project.write("migrations/@P@svc/V1__log.sql", "CREATE TABLE runs (n INT);\n");
    project.write("migrations/@P@svc/V2__steps.sql",
                  "CREATE TABLE a (x INT);\n"
                  "INSERT INTO runs VALUES (1);\n"
                  "SELECT * FROM no_such_table;\n"
                  "CREATE TABLE b (x INT);\n");
    Result failed = project.dbctl({"up"});
    CHECK(failed.exit_code == 1);
    CHECK(failed.err.find("V2__steps.sql:3: statement 3 of 4: Table '" + project.prefix + "svc.no_such_table' doesn't exist") !=
          std::string::npos);
    std::string db = project.prefix + "svc";
    CHECK(history(db) == "1:t:1,2:f:2");
    Result status = project.dbctl({"status", "-o", "json"});
    CHECK(status.out.find("\"state\": \"failed\"") != std::string::npos);
    // Fix the failing statement only: the first two are unchanged, so they are not run again.
    project.write("migrations/@P@svc/V2__steps.sql",
                  "CREATE TABLE a (x INT);\n"
                  "INSERT INTO runs VALUES (1);\n"
                  "SELECT 1;\n"
                  "CREATE TABLE b (x INT);\n");
    Result resumed = project.dbctl({"migrate"});
    INFO(resumed.err);
    CHECK(resumed.exit_code == 0);
    CHECK(resumed.err.find("resuming V2__steps.sql at statement 3 of 4") != std::string::npos);
    CHECK(mysql_query("SELECT COUNT(*) FROM runs", db) == "1");
    CHECK(history(db) == "1:t:1,2:t:4");
    CHECK(project.dbctl({"status", "--check"}).exit_code == 0);
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("statements travel in batches - procedure bodies and CALLs alone - notes keep their lines") {
    // A file's statements go to the server many per round trip, each followed by its SHOW
    // WARNINGS and its progress update; a DELIMITER body (it holds `;`) and a CALL (it may
    // return several results) go alone, between batches. Rows returned mid-batch, a statement
    // ending in a comment, and the notes of two statements must each land where they belong.
    TestProject project("myb", "topology: {mode: db-per-service}\n" + k_passwords + "services:\n  @P@svc: {}\n",
                        k_server);
    project.write("migrations/@P@svc/V1__mixed.sql",
                  "CREATE TABLE runs (n INT, note VARCHAR(8));\n"              // 1
                  "DROP TABLE IF EXISTS nothing_here;\n"                       // 2: a note
                  "SELECT n FROM runs -- rows mid-batch, and a comment\n"       // 3
                  ";\n"                                                        // 4
                  "DELIMITER //\n"                                             // 5
                  "CREATE PROCEDURE add_run(IN k INT)\n"                       // 6
                  "BEGIN INSERT INTO runs VALUES (k, 'proc'); SELECT k; END//\n" // 7
                  "DELIMITER ;\n"                                              // 8
                  "CALL add_run(2);\n"                                         // 9
                  "INSERT INTO runs VALUES (3, 'a;b');\n"                      // 10: a `;` in a literal
                  "DROP TABLE IF EXISTS nothing_else; # a note of its own\n"   // 11
                  "INSERT INTO runs VALUES (4, 'last');\n");                   // 12
    Result up = project.dbctl({"up"});
    INFO(up.err);
    REQUIRE(up.exit_code == 0);
    std::string db = project.prefix + "svc";
    CHECK(mysql_query("SELECT GROUP_CONCAT(CONCAT(n, ':', note) ORDER BY n) FROM runs", db) ==
          "2:proc,3:a;b,4:last");
    CHECK(up.err.find("V1__mixed.sql:2: Unknown table '" + db + ".nothing_here' (1051)") != std::string::npos);
    CHECK(up.err.find("V1__mixed.sql:11: Unknown table '" + db + ".nothing_else' (1051)") != std::string::npos);
    // Eight statements, each counted and hashed once.
    CHECK(history(db) == "1:t:8");
    CHECK(mysql_query("SELECT LENGTH(statement_hashes) - LENGTH(REPLACE(statement_hashes, ',', '')) + 1 "
                      "FROM dbctl_history",
                      db) == "8");
    CHECK(project.dbctl({"status", "--check"}).exit_code == 0);
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("a file of 1200 statements fails in its third batch - resumes there - each row inserted once") {
    // Batches hold at most 500 statements: the failure at statement 1100 is in the third, and
    // the row's hashes, built by the server batch after batch, must match the file's.
    TestProject project("myk", "topology: {mode: db-per-service}\n" + k_passwords + "services:\n  @P@svc: {}\n",
                        k_server);
    project.write("migrations/@P@svc/V1__log.sql", "CREATE TABLE runs (n INT PRIMARY KEY);\n");
    auto file = [](bool broken) {
      std::string sql;
      for (int i = 1; i <= 1200; ++i) {
        sql += i == 1100 && broken ? "INSERT INTO no_such_table VALUES (1);\n"
                                   : "INSERT INTO runs VALUES (" + std::to_string(i) + ");\n";
      }
      return sql;
    };
    project.write("migrations/@P@svc/V2__many.sql", file(true));
    Result failed = project.dbctl({"up"});
    CHECK(failed.exit_code == 1);
    CHECK(failed.err.find("V2__many.sql:1100: statement 1100 of 1200:") != std::string::npos);
    std::string db = project.prefix + "svc";
    CHECK(history(db) == "1:t:1,2:f:1099");
    CHECK(mysql_query("SELECT COUNT(*) FROM runs", db) == "1099");
    project.write("migrations/@P@svc/V2__many.sql", file(false));
    Result resumed = project.dbctl({"migrate"});
    INFO(resumed.err);
    CHECK(resumed.exit_code == 0);
    CHECK(resumed.err.find("resuming V2__many.sql at statement 1100 of 1200") != std::string::npos);
    CHECK(mysql_query("SELECT COUNT(*) FROM runs", db) == "1200");
    CHECK(history(db) == "1:t:1,2:t:1200");
    // The first hashes were written by dbctl with the failure, the last by the server after
    // each statement: both are the statement's SHA-256, cut to 16 digits.
    CHECK(mysql_query("SELECT CONCAT(SUBSTRING_INDEX(statement_hashes, ',', 1) = "
                      "LEFT(SHA2('INSERT INTO runs VALUES (1)', 256), 16), SUBSTRING_INDEX(statement_hashes, ',', -1) = "
                      "LEFT(SHA2('INSERT INTO runs VALUES (1200)', 256), 16)) FROM dbctl_history WHERE version = '2'",
                      db) == "11");
    CHECK(project.dbctl({"status", "--check"}).exit_code == 0);
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("when a statement before the failure changed - migrate refuses until repair") {
    TestProject project("myc", "topology: {mode: db-per-service}\n" + k_passwords + "services:\n  @P@svc: {}\n",
                        k_server);
    project.write("migrations/@P@svc/V1__steps.sql",
                  "CREATE TABLE IF NOT EXISTS a (x INT);\nSELECT * FROM no_such_table;\n");
    CHECK(project.dbctl({"up"}).exit_code == 1);
    project.write("migrations/@P@svc/V1__steps.sql",
                  "CREATE TABLE IF NOT EXISTS a (x INT, y INT);\nSELECT 1;\n");
    Result refused = project.dbctl({"migrate"});
    CHECK(refused.exit_code == 1);
    CHECK(refused.err.find("the statements before it have changed since; run dbctl repair") != std::string::npos);
    CHECK(project.dbctl({"repair"}).out.find("removed 1 failed row") != std::string::npos);
    Result rerun = project.dbctl({"migrate"});
    INFO(rerun.err);
    CHECK(rerun.exit_code == 0);
    CHECK(history(project.prefix + "svc") == "1:t:2");
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("four concurrent migrate processes apply each migration exactly once") {
    TestProject project("myq", "topology: {mode: db-per-service}\n" + k_passwords + "services:\n  @P@svc: {}\n",
                        k_server);
    project.write("migrations/@P@svc/V1__runs.sql", "CREATE TABLE runs (n INT);\n");
    for (int i = 2; i <= 6; ++i) {
      project.write("migrations/@P@svc/V" + std::to_string(i) + "__run.sql",
                    "INSERT INTO runs VALUES (" + std::to_string(i) + ");\nDO SLEEP(0.05);\n");
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
    std::string db = project.prefix + "svc";
    CHECK(mysql_query("SELECT CONCAT(COUNT(*), ':', COUNT(DISTINCT n)) FROM runs", db) == "5:5");
    CHECK(mysql_query("SELECT COUNT(*) FROM dbctl_history", db) == "6");
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("lock: table on MariaDB: a lease row excludes a second run - names its holder - and is taken over once expired") {
    TestProject project("myl", "topology: {mode: db-per-service}\n" + k_passwords + "services:\n  @P@svc: {}\n",
                        "  my: {url: \"${DBCTL_TEST_MYSQL_URL}\", lock: table}\n");
    project.write("migrations/@P@svc/V1__runs.sql", "CREATE TABLE runs (n INT);\n");
    for (int i = 2; i <= 6; ++i) {
      project.write("migrations/@P@svc/V" + std::to_string(i) + "__run.sql",
                    "INSERT INTO runs VALUES (" + std::to_string(i) + ");\nDO SLEEP(0.05);\n");
    }
    project.write("migrations/@P@svc/V7__slow.sql", "DO SLEEP(3);\n");
    Result init = project.dbctl({"init"});
    INFO(init.err);
    REQUIRE(init.exit_code == 0);
    CHECK(init.err.find("lock: table") == std::string::npos); // no warning any more
    std::string db = project.prefix + "svc";
    // Four at once: each migration once.
    std::vector<std::future<Result>> runs;
    for (int i = 0; i < 4; ++i) {
      runs.push_back(std::async(std::launch::async, [&project] { return project.dbctl({"migrate", "--target", "6"}); }));
    }
    for (auto& run : runs) {
      Result result = run.get();
      INFO(result.err);
      CHECK(result.exit_code == 0);
    }
    CHECK(mysql_query("SELECT CONCAT(COUNT(*), ':', COUNT(DISTINCT n)) FROM runs", db) == "5:5");
    CHECK(mysql_query("SELECT COUNT(*) FROM dbctl_history", db) == "6");
    CHECK(mysql_query("SELECT COUNT(*) FROM dbctl_lock", db) == "0"); // each released its lease

    // While one run holds the lease, another waits for it and, at its deadline, names the holder.
    auto slow = project.start({"migrate"});
    for (int i = 0; i < 100 && mysql_query("SELECT COUNT(*) FROM dbctl_lock", db) != "1"; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK(mysql_query("SELECT LEFT(holder, 10) FROM dbctl_lock", db) == "dbctl pid ");
    Result blocked = project.dbctl({"migrate", "--lock-timeout", "1"});
    CHECK(blocked.exit_code == 1);
    CHECK(blocked.err.find("waiting for the migration lock (lock: table), held by dbctl pid " +
                           std::to_string(slow->pid())) != std::string::npos);
    Result done = slow->wait();
    INFO(done.err);
    CHECK(done.exit_code == 0);

    // A lease whose holder died is taken over once it expired, with a warning naming it.
    project.write("migrations/@P@svc/V8__more.sql", "INSERT INTO runs VALUES (8);\n");
    mysql("INSERT INTO dbctl_lock VALUES ('migrate:" + db + ":" + db + "', 'ghost run', NOW(6) - INTERVAL 1 MINUTE, "
          "NOW(6) - INTERVAL 1 SECOND)", db);
    Result taken = project.dbctl({"migrate", "--lock-timeout", "5"});
    INFO(taken.err);
    CHECK(taken.exit_code == 0);
    CHECK(taken.err.find("took over the migration lock from ghost run, whose lease had expired") != std::string::npos);
    CHECK(mysql_query("SELECT COUNT(*) FROM dbctl_history WHERE version = '8'", db) == "1");
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("a Galera node refuses GET_LOCK before anything is created and migrates under lock: table") {
    required_env("DBCTL_TEST_GALERA_URL");
    const std::string body = "topology: {mode: db-per-service}\n" + k_passwords + "services:\n  @P@svc: {}\n";
    TestProject advisory("myg", body, "  my: {url: \"${DBCTL_TEST_GALERA_URL}\"}\n");
    advisory.write("migrations/@P@svc/V1__runs.sql", "CREATE TABLE runs (n INT PRIMARY KEY);\n");
    Result up = advisory.dbctl({"up"});
    CHECK(up.exit_code == 2);
    CHECK(up.err.find("topology.yaml:4:3: servers.my is a Galera node (wsrep_on=ON), where GET_LOCK excludes runs "
                      "on this node only; set lock: table") != std::string::npos);
    CHECK(advisory.dbctl({"status"}).out.find("missing") != std::string::npos); // init created nothing

    TestProject leased("mygl", body, "  my: {url: \"${DBCTL_TEST_GALERA_URL}\", lock: table}\n");
    leased.write("migrations/@P@svc/V1__runs.sql", "CREATE TABLE runs (n INT PRIMARY KEY);\n");
    for (int i = 2; i <= 6; ++i) {
      leased.write("migrations/@P@svc/V" + std::to_string(i) + "__run.sql",
                   "INSERT INTO runs VALUES (" + std::to_string(i) + ");\nDO SLEEP(0.05);\n");
    }
    Result init = leased.dbctl({"init"});
    INFO(init.err);
    REQUIRE(init.exit_code == 0);
    std::vector<std::future<Result>> runs;
    for (int i = 0; i < 4; ++i) {
      runs.push_back(std::async(std::launch::async, [&leased] { return leased.dbctl({"migrate"}); }));
    }
    for (auto& run : runs) {
      Result result = run.get();
      INFO(result.err);
      CHECK(result.exit_code == 0); // a primary key violation would say a migration ran twice
    }
    Result status = leased.dbctl({"status", "--check", "-o", "json"});
    INFO(status.out);
    CHECK(status.exit_code == 0);
    CHECK(status.out.find("\"applied\": 6") != std::string::npos);
    REQUIRE(leased.dbctl({"destroy", "--yes"}).exit_code == 0);
  }
}

TEST_SUITE("mixed engines") {
  TEST_CASE("one service on each engine goes up in one run and status reports both") {
    TestProject project("mix", "topology: {mode: db-per-service}\n" + k_passwords +
                                   "services:\n  @P@users: {server: pg}\n  @P@orders: {server: my}\n",
                        "  pg: {url: \"${DBCTL_TEST_PG_URL}\"}\n" + k_server);
    project.write("migrations/@P@users/V1__users.sql", "CREATE TABLE users (id serial PRIMARY KEY);\n");
    write_examples(project, "@P@orders", "orders");
    Result up = project.dbctl({"up"});
    INFO(up.err);
    REQUIRE(up.exit_code == 0);
    Result status = project.dbctl({"status", "-o", "json", "--check"});
    CHECK(status.exit_code == 0);
    CHECK(status.out.find("\"engine\": \"postgres\"") != std::string::npos);
    CHECK(status.out.find("\"engine\": \"mysql\"") != std::string::npos);
    CHECK(status.out.find("\"schema\": null") != std::string::npos);
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }
}

TEST_SUITE("mysql: a real-world schema") {
  TEST_CASE("a condensed Sakila (DELIMITER-delimited triggers - version comments - procedures - "
            "functions) applies as migrations and works") {
    TestProject project("saki", "topology: {mode: db-per-service}\n" + k_passwords +
                                    "services:\n  @P@sakila: {app: true}\n",
                        k_server);
    for (const auto& entry : std::filesystem::directory_iterator(source_dir() / "tests/integration/data/sakila")) {
      project.write("migrations/@P@sakila/" + entry.path().filename().string(), read(entry.path()));
    }
    Result up = project.dbctl({"up"});
    INFO(up.err);
    REQUIRE(up.exit_code == 0);
    CHECK(project.dbctl({"status", "--check"}).exit_code == 0);
    std::string db = project.prefix + "sakila";
    CHECK(history(db) == "1:t:20,2:t:5,3:t:17");
    CHECK(mysql_query("SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = '" + db + "'") == "5");
    CHECK(mysql_query("SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = '" + db + "'") == "3");
    // The triggers and routines run: film_text follows film, and one copy of the film is out.
    CHECK(mysql_query("SELECT title FROM film_text WHERE film_id = 1", db) == "ACADEMY DINOSAUR");
    CHECK(mysql_query("CALL film_in_stock(1, 1, @n); SELECT @n", db).find("1") != std::string::npos);
    CHECK(mysql_query("SELECT inventory_in_stock(1), inventory_in_stock(2)", db) == "0\t1");
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }
}

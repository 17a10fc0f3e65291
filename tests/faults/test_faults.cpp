// Fault injection on both engines, against servers of the suite's own (restarted here):
// kill -9 at many points of init and migrate, a server restart and a cut connection in the
// middle of a migration, SIGINT/SIGTERM, and eight processes at once. After each fault a re-run
// must converge with every migration applied exactly once.
#include "support.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <fstream>
#include <random>
#include <thread>

#include <doctest/doctest.h>

using namespace dbctl::test;

namespace {

using Clock = std::chrono::steady_clock;

// What differs between the engines: the server line, SQL dialect and how to look inside.
struct Engine {
  std::string name;
  std::string server;       ///< the topology's servers entry
  std::string restart_env;  ///< variable naming the script that restarts the suite's server
  std::string (*query)(const std::string& sql, const std::string& database);
  std::string create_runs;  ///< V1: the table every later migration inserts into
  std::string (*insert)(int n, const std::string& sleep); ///< a migration body
  std::string history_sql;  ///< "1:t,2:t,...,R:t"
  std::string has_history_sql; ///< "1" when the database has dbctl_history, else "0"
  std::string sleep_sql;    ///< %s: seconds
  std::string sleep_a_sql;  ///< %s: seconds, in tenant a's database only (0 elsewhere)
  std::string backends_sql; ///< dbctl's sessions running a statement that contains "sleep"
  std::string cut_sql;      ///< %s: a session id, ended server-side
  std::string long_statement;  ///< a 30 s statement that fails when a statement timeout ends it
  std::string timeout_message; ///< what the server says then
};

std::string pg(const std::string& sql, const std::string& database) { return pg_query(sql, database); }
std::string my(const std::string& sql, const std::string& database) { return mysql_query(sql, database); }

std::string format(std::string pattern, const std::string& value) {
  return pattern.replace(pattern.find("%s"), 2, value);
}

const Engine k_postgres{
    "postgres",
    "  pg: {url: \"${DBCTL_TEST_PG_URL}\"}\n",
    "DBCTL_FAULT_PG_RESTART",
    &pg,
    "CREATE TABLE runs (n int PRIMARY KEY);\n",
    [](int n, const std::string& sleep) {
      return "INSERT INTO runs VALUES (" + std::to_string(n) + ");\n" + sleep + "\nINSERT INTO runs VALUES (" +
             std::to_string(n + 100) + ");\n";
    },
    "SELECT string_agg(coalesce(version, 'R') || ':' || CASE WHEN success THEN 't' ELSE 'f' END, ',' "
    "ORDER BY installed_rank) FROM dbctl_history",
    "SELECT count(*) FROM pg_tables WHERE tablename = 'dbctl_history'",
    "SELECT pg_sleep(%s);",
    "SELECT pg_sleep(CASE WHEN current_database() LIKE '%\\_a' THEN %s ELSE 0 END);",
    "SELECT string_agg(pid::text, ',') FROM pg_stat_activity WHERE application_name LIKE 'dbctl%' AND "
    "query LIKE '%sleep%' AND pid <> pg_backend_pid()",
    "SELECT pg_terminate_backend(%s)",
    "SELECT pg_sleep(30);",
    "canceling statement due to statement timeout (57014)",
};

// MySQL commits DDL and each statement by itself: a statement cut by a kill may have run, and
// the resumed script runs it again, so these statements are written to bear that.
const Engine k_mysql{
    "mysql",
    "  my: {url: \"${DBCTL_TEST_MYSQL_URL}\"}\n",
    "DBCTL_FAULT_MYSQL_RESTART",
    &my,
    "CREATE TABLE IF NOT EXISTS runs (n int PRIMARY KEY);\n",
    [](int n, const std::string& sleep) {
      return "INSERT IGNORE INTO runs VALUES (" + std::to_string(n) + ");\n" + sleep +
             "\nINSERT IGNORE INTO runs VALUES (" + std::to_string(n + 100) + ");\n";
    },
    "SELECT GROUP_CONCAT(CONCAT(COALESCE(version, 'R'), ':', IF(success, 't', 'f')) ORDER BY installed_rank) "
    "FROM dbctl_history",
    "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'dbctl_history'",
    "DO SLEEP(%s);",
    "DO SLEEP(IF(DATABASE() LIKE '%\\_a', %s, 0));",
    "SELECT GROUP_CONCAT(ID) FROM information_schema.PROCESSLIST WHERE INFO LIKE '%SLEEP(%' AND ID <> "
    "CONNECTION_ID()",
    "KILL CONNECTION %s",
    "SELECT SLEEP(30);", // DO SLEEP and BENCHMARK end early without an error
    "max_statement_time exceeded",
};

const std::string k_passwords = "passwords: {derive_from: \"${DBCTL_SECRET}\"}\n";

// A project of `tenants` tenant databases and one service with an app role, whose migrations
// V2..V<count> each insert two rows with a sleep between them.
struct Fleet {
  Engine engine; // a copy: callers may pass a temporary
  TestProject project;
  std::vector<std::string> databases;
  int count;

  Fleet(const Engine& e, const std::string& tag, const std::vector<std::string>& tenants, int migrations,
        const std::string& sleep_seconds)
      : engine(e), project(tag, topology(tenants) + k_passwords + "services:\n  @P@svc: {app: true}\n", e.server),
        count(migrations) {
    project.write("migrations/@P@svc/V1__runs.sql", e.create_runs);
    for (int i = 2; i <= migrations; ++i) {
      write(i, format(e.sleep_sql, sleep_seconds));
    }
    project.write("migrations/@P@svc/R__runs_view.sql", "CREATE OR REPLACE VIEW runs_view AS SELECT n FROM runs;\n");
    for (const auto& tenant : tenants) {
      databases.push_back(project.prefix + "svc_" + tenant);
    }
  }

  static std::string topology(const std::vector<std::string>& tenants) {
    std::string list;
    for (const auto& tenant : tenants) {
      list += (list.empty() ? "" : ", ") + tenant;
    }
    return "topology: {mode: multi-tenant, tenants: [" + list + "]}\n";
  }

  void write(int version, const std::string& sleep) const {
    project.write("migrations/@P@svc/V" + std::to_string(version) + "__run.sql", engine.insert(version, sleep));
  }

  std::string expected_history() const {
    std::string out;
    for (int i = 1; i <= count; ++i) {
      out += std::to_string(i) + ":t,";
    }
    return out + "R:t";
  }

  // `args` exit 0, and the targets converge.
  void rerun_converges(const std::vector<std::string>& args) const {
    Result rerun = project.dbctl(args);
    INFO(rerun.err);
    CHECK(rerun.exit_code == 0);
    check_converged();
  }

  // Every migration exactly once, each row inserted once, status clean.
  void check_converged() const {
    for (const auto& database : databases) {
      CAPTURE(database);
      CHECK(engine.query(engine.history_sql, database) == expected_history());
      CHECK(engine.query("SELECT count(*) FROM runs", database) == std::to_string(2 * (count - 1)));
    }
    Result status = project.dbctl({"status", "--check"});
    INFO(status.out << status.err);
    CHECK(status.exit_code == 0);
  }

  void destroy() const { REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0); }

  // Wait until a dbctl session on the server runs a sleep; return its session ids.
  std::string sleeping_backends() const {
    for (int i = 0; i < 200; ++i) {
      std::string ids = engine.query(engine.backends_sql, "");
      if (!ids.empty() && ids != "NULL") {
        return ids;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    FAIL("no dbctl session ever ran the sleep");
    return "";
  }
};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Append a line to the summary scripts/test prints after the run.
void record(const std::string& line) {
  std::ofstream(required_env("DBCTL_TEST_TMP") + "/faults-summary.txt", std::ios::app) << line << "\n";
}

struct KillStats {
  int hits = 0;   ///< kills that landed while dbctl ran
  int misses = 0; ///< dbctl had already finished
};

// Start `args`, kill -9 it after `delay` s; count whether the kill landed.
void kill_after(const Fleet& fleet, const std::vector<std::string>& args, double delay, KillStats& stats) {
  auto process = fleet.project.start(args);
  std::this_thread::sleep_for(std::chrono::duration<double>(delay));
  bool landed = process->signal(SIGKILL);
  Result ended = process->wait();
  if (landed && ended.signal == SIGKILL) {
    ++stats.hits;
  } else {
    ++stats.misses;
  }
}

// Kill init (then migrate) at `points` moments spread over a measured clean run with a seeded
// jitter; after each, `up` must converge.
void kill_points(const Engine& engine, int points) {
  Fleet fleet(engine, engine.name.substr(0, 2) + "k", {"a", "b", "c", "d", "e", "f"}, 6, "0.03");
  // The shortest of three clean runs: a trial may run faster than a measurement taken while
  // the machine was busy, and a kill after the end is no kill point.
  double init_time = 1e9;
  double migrate_time = 1e9;
  for (int round = 0; round < 3; ++round) {
    fleet.destroy();
    auto start = Clock::now();
    REQUIRE(fleet.project.dbctl({"init"}).exit_code == 0);
    init_time = std::min(init_time, seconds_since(start));
    start = Clock::now();
    REQUIRE(fleet.project.dbctl({"migrate", "-j", "3"}).exit_code == 0);
    migrate_time = std::min(migrate_time, seconds_since(start));
    fleet.check_converged();
  }
  std::mt19937 random(20261122);
  KillStats init_stats;
  KillStats migrate_stats;
  int trials = 0;
  // Half the points in init, half in migrate; a kill that came after dbctl had ended is no
  // point, so a phase runs until it has its half (at most three times as many trials).
  for (bool in_init : {true, false}) {
    KillStats& stats = in_init ? init_stats : migrate_stats;
    double span = in_init ? init_time : migrate_time;
    for (int attempt = 0; stats.hits < points / 2 && attempt < 3 * points / 2; ++attempt) {
      // Spread over the first 85% of the measured run (shrunk after each miss), with a seeded
      // jitter.
      double delay =
          0.85 * span * (stats.hits + std::uniform_real_distribution<double>(0.1, 0.9)(random)) / (points / 2);
      CAPTURE(in_init);
      CAPTURE(delay);
      fleet.destroy();
      int missed = stats.misses;
      if (in_init) {
        kill_after(fleet, {"init"}, delay, stats);
      } else {
        REQUIRE(fleet.project.dbctl({"init"}).exit_code == 0);
        kill_after(fleet, {"migrate", "-j", "3"}, delay, stats);
      }
      if (stats.misses > missed) {
        span *= 0.8; // this run was quicker than the measured one: aim earlier from now on
      }
      ++trials;
      Result rerun = fleet.project.dbctl({"up", "--lock-timeout", "60"});
      INFO(rerun.err);
      REQUIRE(rerun.exit_code == 0);
      fleet.check_converged();
    }
  }
  fleet.destroy();
  int hits = init_stats.hits + migrate_stats.hits;
  record(engine.name + ": kill -9 at " + std::to_string(hits) + " points while dbctl ran (" +
         std::to_string(init_stats.hits) + " in init over " + std::to_string(init_time).substr(0, 4) + " s, " +
         std::to_string(migrate_stats.hits) + " in migrate over " + std::to_string(migrate_time).substr(0, 4) +
         " s; " + std::to_string(trials) + " trials); every re-run converged with every migration applied once");
  CHECK(hits == points);
}

// While a migration sleeps, `fault` (given the sleeping sessions' ids) breaks the run: dbctl
// exits 1 with a message holding `named`, and a re-run converges.
template <typename Fault>
void fault_mid_run(const Engine& engine, const std::string& tag, Fault fault, const std::string& named) {
  Fleet fleet(engine, engine.name.substr(0, 2) + tag, {"a"}, 3, "0.01");
  fleet.write(2, format(engine.sleep_sql, "3"));
  REQUIRE(fleet.project.dbctl({"init"}).exit_code == 0);
  auto process = fleet.project.start({"migrate"});
  fault(fleet.sleeping_backends());
  Result ended = process->wait();
  CHECK(ended.exit_code == 1);
  CHECK(ended.err.find(named) != std::string::npos);
  fleet.rerun_converges({"migrate"});
  fleet.destroy();
}

// Restart the suite's server: the message names the target.
void restart_mid_run(const Engine& engine) {
  auto restart = [&engine](const std::string&) {
    Result restarted = run({required_env(engine.restart_env)});
    INFO(restarted.err);
    REQUIRE(restarted.exit_code == 0);
  };
  fault_mid_run(engine, "r", restart, unique_prefix(engine.name.substr(0, 2) + "r") + "svc[a]@");
}

// End dbctl's session server-side: the message names the file.
void cut_mid_run(const Engine& engine) {
  auto cut = [&engine](const std::string& ids) {
    engine.query(format(engine.cut_sql, ids.substr(0, ids.find(','))), "");
  };
  fault_mid_run(engine, "c", cut, "V2__run.sql");
}

// SIGINT or SIGTERM while a migration sleeps: the statement is cancelled, the process says
// so and exits 128 + the signal; the lock is free at once; after the slow statement is fixed a
// re-run converges.
void interrupt_mid_run(const Engine& engine, int signal_number) {
  std::string name = signal_number == SIGINT ? "SIGINT" : "SIGTERM";
  Fleet fleet(engine, engine.name.substr(0, 2) + (signal_number == SIGINT ? "i" : "t"), {"a", "b"}, 3, "0.01");
  fleet.write(2, format(engine.sleep_a_sql, "60"));
  REQUIRE(fleet.project.dbctl({"init"}).exit_code == 0);
  auto process = fleet.project.start({"migrate", "-j", "1"});
  fleet.sleeping_backends();
  auto sent = Clock::now();
  REQUIRE(process->signal(signal_number));
  Result ended = process->wait(30);
  INFO(ended.err);
  CHECK(ended.exit_code == 128 + signal_number);
  CHECK(seconds_since(sent) < 20); // not the 60 s the statement would have slept
  CHECK(ended.err.find(name + " received: stopping") != std::string::npos);
  CHECK(ended.err.find("stopped by " + name) != std::string::npos);
  // Nothing of the cancelled V2 remains on PostgreSQL; MySQL records where it stopped.
  std::string first = fleet.databases[0];
  std::string history = engine.query(engine.history_sql, first);
  CHECK(history.rfind("1:t", 0) == 0);
  CHECK(history.find("2:t") == std::string::npos);
  // The second tenant was never started (-j 1 and the run stopped).
  CHECK(engine.query(engine.has_history_sql, fleet.databases[1]) == "0");
  if (engine.name == "postgres") {
    fleet.write(2, format(engine.sleep_sql, "0")); // rolled back: it would run (and sleep) again
  } // MariaDB's SLEEP ends without an error when killed: the script resumes after it

  fleet.rerun_converges({"migrate", "--lock-timeout", "0"}); // the lock is free now
  fleet.destroy();
}

// --statement-timeout (or DBCTL_STATEMENT_TIMEOUT) ends a statement that runs too long: exit 1
// naming the file, nothing of it left on PostgreSQL, its progress recorded on MySQL.
void statement_timeout(const Engine& engine) {
  Fleet fleet(engine, engine.name.substr(0, 2) + "s", {"a"}, 3, "0.01");
  fleet.write(2, engine.long_statement);
  REQUIRE(fleet.project.dbctl({"init"}).exit_code == 0);
  auto start = Clock::now();
  Result limited = fleet.project.dbctl({"migrate"}, {{"DBCTL_STATEMENT_TIMEOUT", "1"}});
  INFO(limited.err);
  CHECK(limited.exit_code == 1);
  CHECK(seconds_since(start) < 20);
  CHECK(limited.err.find("V2__run.sql") != std::string::npos);
  CHECK(limited.err.find(engine.timeout_message) != std::string::npos);
  CHECK(engine.query(engine.history_sql, fleet.databases[0]) == (engine.name == "postgres" ? "1:t" : "1:t,2:f"));
  fleet.destroy();
}

// Eight processes, half `up` and half `migrate`, on the same targets at once.
void eight_at_once(const Engine& engine) {
  Fleet fleet(engine, engine.name.substr(0, 2) + "8", {"a", "b", "c"}, 6, "0.02");
  REQUIRE(fleet.project.dbctl({"init"}).exit_code == 0);
  std::vector<std::unique_ptr<Background>> runs;
  for (int i = 0; i < 8; ++i) {
    runs.push_back(fleet.project.start({i % 2 == 0 ? "up" : "migrate", "-j", "3", "--lock-timeout", "120"}));
  }
  for (auto& process : runs) {
    Result ended = process->wait();
    INFO(ended.err);
    CHECK(ended.exit_code == 0);
  }
  fleet.check_converged();
  record(engine.name + ": 8 concurrent processes (4 up, 4 migrate) on 3 targets: every migration applied once");
  fleet.destroy();
}

// The PostgreSQL of the suite seen through PgBouncer (transaction pooling, one server connection
// per database and user), with `lock` as the server's strategy.
Engine through_pgbouncer(const std::string& lock) {
  Engine pooled = k_postgres;
  pooled.server = "  pg: {url: \"${DBCTL_FAULT_PGBOUNCER_URL}\", lock: " + lock + "}\n";
  return pooled;
}

// psql through PgBouncer: each -c is a transaction of its own.
Result psql_pooled(const std::vector<std::string>& statements) {
  std::vector<std::string> argv{"psql", required_env("DBCTL_FAULT_PGBOUNCER_URL"), "-XAtq"};
  for (const auto& statement : statements) {
    argv.insert(argv.end(), {"-c", statement});
  }
  return run(argv);
}

// Behind a transaction pooler a session advisory lock belongs to whichever server connection
// the statement landed on: a second client that lands on the same one "takes" it too.
void advisory_unsafe_behind_pgbouncer() {
  std::vector<std::string> argv{"psql", required_env("DBCTL_FAULT_PGBOUNCER_URL"), "-XAtq", "-c",
                                "SELECT pg_try_advisory_lock(4242)", "-c", "SELECT pg_sleep(2)"};
  Background first(argv);
  std::this_thread::sleep_for(std::chrono::milliseconds(700)); // it holds the lock and sleeps
  Result second = psql_pooled({"SELECT pg_try_advisory_lock(4242)"});
  INFO(second.err);
  Result first_done = first.wait();
  CHECK(first_done.out.rfind("t\n", 0) == 0);
  CHECK(second.out == "t\n"); // both "hold" it: no mutual exclusion
  psql_pooled({"SELECT pg_advisory_unlock_all()"});
  record("postgres through PgBouncer (transaction pooling): two clients both took one session advisory lock");
}

// With lock: table, eight processes migrating the same targets through PgBouncer apply every
// migration once; with the advisory strategy dbctl warns that it sees a pooler.
void table_lock_behind_pgbouncer() {
  Fleet direct(k_postgres, "pgb", {"a", "b"}, 5, "0.02");
  Fleet pooled(through_pgbouncer("table"), "pgb", {"a", "b"}, 5, "0.02");
  REQUIRE(direct.project.prefix == pooled.project.prefix); // the same databases and roles
  REQUIRE(direct.project.dbctl({"init"}).exit_code == 0);  // provisioning goes to the server itself
  std::vector<std::unique_ptr<Background>> runs;
  for (int i = 0; i < 8; ++i) {
    runs.push_back(pooled.project.start({"migrate", "-j", "2", "--lock-timeout", "120"}));
  }
  for (auto& process : runs) {
    Result ended = process->wait();
    INFO(ended.err);
    CHECK(ended.exit_code == 0);
    CHECK(ended.err.find("session advisory locks do not hold") == std::string::npos);
  }
  pooled.check_converged();
  // The lease rows are gone once the runs ended; the lock table belongs to the owner.
  for (const auto& database : pooled.databases) {
    CHECK(pg_query("SELECT count(*) FROM dbctl_lock", database) == "0");
    CHECK(pg_query("SELECT tableowner FROM pg_tables WHERE tablename = 'dbctl_lock'", database) ==
          pooled.project.prefix + "svc_" + database.substr(database.size() - 1));
  }
  record("postgres through PgBouncer with lock: table: 8 concurrent processes applied every migration once");

  Fleet advisory(through_pgbouncer("advisory"), "pgw", {"a"}, 2, "0");
  REQUIRE(advisory.project.dbctl({"init"}, {{"DBCTL_FAULT_PGBOUNCER_URL", required_env("DBCTL_TEST_PG_URL")}})
              .exit_code == 0);
  Result warned = advisory.project.dbctl({"migrate"});
  INFO(warned.err);
  CHECK(warned.exit_code == 0);
  CHECK(warned.err.find("session advisory locks do not hold there: set lock: table") != std::string::npos);
  direct.destroy();
  advisory.project.dbctl({"destroy", "--yes"}, {{"DBCTL_FAULT_PGBOUNCER_URL", required_env("DBCTL_TEST_PG_URL")}});
}

// A lease whose holder died is taken over once expired, with a warning naming the holder.
void expired_lease_taken_over() {
  Fleet fleet(k_postgres, "pgl", {"a"}, 2, "0");
  std::string table_lock = "  pg: {url: \"${DBCTL_TEST_PG_URL}\", lock: table}\n";
  Engine leased = k_postgres;
  leased.server = table_lock;
  Fleet pooled(leased, "pgl", {"a"}, 2, "0");
  REQUIRE(fleet.project.dbctl({"init"}).exit_code == 0);
  std::string database = fleet.databases[0];
  pg_query("CREATE TABLE dbctl_lock (lock_key text PRIMARY KEY, holder text NOT NULL, "
           "acquired_at timestamptz NOT NULL, expires_at timestamptz NOT NULL)", database);
  pg_query("INSERT INTO dbctl_lock SELECT 'migrate:' || current_database() || ':public:' || '" +
               fleet.project.prefix + "svc', 'dbctl pid 1 on gone (x)', now() - interval '1 hour', "
               "now() + interval '3 seconds'", database);
  Result waited = pooled.project.dbctl({"migrate", "--lock-timeout", "1"});
  CHECK(waited.exit_code == 1);
  CHECK(waited.err.find("waiting for the migration lock (lock: table), held by dbctl pid 1 on gone (x) since ") !=
        std::string::npos);
  std::this_thread::sleep_for(std::chrono::seconds(3));
  Result took = pooled.project.dbctl({"migrate"});
  INFO(took.err);
  CHECK(took.exit_code == 0);
  CHECK(took.err.find("took over the migration lock from dbctl pid 1 on gone (x)") != std::string::npos);
  CHECK(pg_query("SELECT count(*) FROM dbctl_lock", database) == "0");
  fleet.destroy();
}

} // namespace

TEST_SUITE("faults") {
  TEST_CASE("postgres: kill -9 at 24 points of init and migrate - each re-run converges") { kill_points(k_postgres, 24); }
  TEST_CASE("mysql: kill -9 at 24 points of init and migrate - each re-run converges") { kill_points(k_mysql, 24); }
  TEST_CASE("postgres: the server restarted mid-migration - exit 1 - a re-run converges") { restart_mid_run(k_postgres); }
  TEST_CASE("mysql: the server restarted mid-migration - exit 1 - a re-run converges") { restart_mid_run(k_mysql); }
  TEST_CASE("postgres: the connection cut mid-migration - exit 1 - a re-run converges") { cut_mid_run(k_postgres); }
  TEST_CASE("mysql: the connection cut mid-migration - exit 1 - a re-run converges") { cut_mid_run(k_mysql); }
  TEST_CASE("postgres: SIGINT cancels and rolls back - exit 130 - lock free") { interrupt_mid_run(k_postgres, SIGINT); }
  TEST_CASE("postgres: SIGTERM cancels and rolls back - exit 143 - lock free") { interrupt_mid_run(k_postgres, SIGTERM); }
  TEST_CASE("mysql: SIGINT kills the query and records where it stopped - exit 130") { interrupt_mid_run(k_mysql, SIGINT); }
  TEST_CASE("mysql: SIGTERM kills the query and records where it stopped - exit 143") { interrupt_mid_run(k_mysql, SIGTERM); }
  TEST_CASE("postgres: --statement-timeout ends a long statement - exit 1 - nothing of it left") { statement_timeout(k_postgres); }
  TEST_CASE("mysql: --statement-timeout ends a long statement - exit 1 - its progress recorded") { statement_timeout(k_mysql); }
  TEST_CASE("postgres: eight concurrent up and migrate processes apply each migration once") { eight_at_once(k_postgres); }
  TEST_CASE("postgres: behind PgBouncer two clients both take one session advisory lock") { advisory_unsafe_behind_pgbouncer(); }
  TEST_CASE("postgres: behind PgBouncer lock: table lets eight processes apply each migration once") { table_lock_behind_pgbouncer(); }
  TEST_CASE("postgres: an expired lease is taken over - naming its holder") { expired_lease_taken_over(); }
  TEST_CASE("mysql: eight concurrent up and migrate processes apply each migration once") { eight_at_once(k_mysql); }
}

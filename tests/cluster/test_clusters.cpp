// Faults on real clusters (issue 22): a Patroni switchover and a kill -9 of the primary's
// postmaster during a 200-migration migrate and during a 50-tenant `up -j 4`; a Galera node
// killed mid-run; two processes at two Galera nodes under lock: table. dbctl must ride each
// failover out (exit 0, the failover in its JSON), and afterwards every history is exact (each
// migration once, none lost), `status --check` is clean and the catalog matches a run without
// faults. DBCTL_CLUSTER_TRIALS (default 1) repeats each fault; docs/reliability.md has the
// counts of a longer run.
#include "support.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <thread>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace dbctl::test;

namespace {

using Clock = std::chrono::steady_clock;

const std::string k_passwords = "passwords: {derive_from: \"${DBCTL_SECRET}\"}\n";
const std::string k_one_service =
    "topology: {mode: db-per-service}\n" + k_passwords + "services:\n  @P@svc: {app: true}\n";
const std::string k_patroni_server = "  pg: {url: \"${DBCTL_CLUSTER_PATRONI_URL}\"}\n";
const std::string k_galera_server = "  my: {url: \"${DBCTL_CLUSTER_GALERA_URL}\", lock: table}\n";

int trials() {
  const char* value = std::getenv("DBCTL_CLUSTER_TRIALS");
  return value == nullptr ? 1 : std::max(1, std::atoi(value));
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.pop_back();
  }
  return text;
}

// Append a line to the summary scripts/test prints after the run.
void record(const std::string& line) {
  std::ofstream(required_env("DBCTL_TEST_TMP") + "/faults-summary.txt", std::ios::app) << "cluster: " << line << "\n";
}

// Run one of a cluster's scripts (scripts/lib/clusters.sh); return its stdout.
std::string script(const std::string& dir_variable, const std::string& name) {
  Result ran = run({required_env(dir_variable) + "/" + name});
  INFO(name << ": " << ran.err);
  REQUIRE(ran.exit_code == 0);
  return trimmed(ran.out);
}

// Wait (up to 60 s) until `ready` says so.
void wait_until(const std::function<bool()>& ready, const std::string& what) {
  auto deadline = Clock::now() + std::chrono::seconds(60);
  while (!ready()) {
    if (Clock::now() > deadline) {
      FAIL("waited 60 s for " << what);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

// "1:t,2:t,...,N:t": every version once, in order, each a success.
std::string expected_history(int count) {
  std::string out;
  for (int i = 1; i <= count; ++i) {
    out += (i > 1 ? "," : "") + std::to_string(i) + ":t";
  }
  return out;
}

// The failovers a `-o json` document reports, in the targets' (and init's servers') entries.
std::vector<nlohmann::json> failovers_in(const nlohmann::json& doc) {
  std::vector<nlohmann::json> out;
  std::function<void(const nlohmann::json&)> walk = [&](const nlohmann::json& node) {
    if (node.is_object()) {
      for (const auto& [key, value] : node.items()) {
        if (key == "failovers") {
          out.insert(out.end(), value.begin(), value.end());
        } else {
          walk(value);
        }
      }
    } else if (node.is_array()) {
      for (const auto& item : node) {
        walk(item);
      }
    }
  };
  walk(doc);
  return out;
}

long long longest_wait(const std::vector<nlohmann::json>& failovers) {
  long long out = 0;
  for (const auto& failover : failovers) {
    out = std::max(out, failover["waited_ms"].get<long long>());
  }
  return out;
}

std::string seconds(long long ms) { return std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + " s"; }

// The failovers a fault's trials rode out.
struct Ridden {
  int runs = 0;          ///< runs whose JSON reports a failover
  int in_init = 0;       ///< `up` runs whose init rode one out (the others' was in migrate)
  long long longest = 0; ///< the longest time without a primary, ms
};

// Start `args` (with -o json, a document of shape `schema`), wait for `landed`, run the
// cluster's `fault` script: the run must end with exit 0 and report the failover it rode out.
void ride_out(const TestProject& project, std::vector<std::string> args, const std::string& schema,
              const std::function<bool()>& landed, const std::string& what, const std::string& cluster,
              const std::string& fault, Ridden& ridden) {
  args.insert(args.end(), {"-o", "json"});
  auto process = project.start(args);
  wait_until(landed, what);
  std::string node = script(cluster, fault);
  Result ended = process->wait(180);
  INFO(fault << " (" << node << ")\n" << ended.err);
  REQUIRE(ended.exit_code == 0);
  auto doc = nlohmann::json::parse(ended.out);
  auto failovers = failovers_in(doc);
  CHECK(!failovers.empty());
  CHECK(json_violations(schema, ended.out) == "");
  ridden.runs += failovers.empty() ? 0 : 1;
  ridden.in_init += doc.is_object() && !failovers_in(doc["init"]).empty() ? 1 : 0;
  ridden.longest = std::max(ridden.longest, longest_wait(failovers));
}

void status_clean(const TestProject& project) {
  Result status = project.dbctl({"status", "--check"});
  INFO(status.out << status.err);
  CHECK(status.exit_code == 0);
}

// ---- Patroni ------------------------------------------------------------------------------

const std::string k_patroni = "DBCTL_CLUSTER_PATRONI_DIR";

// SQL on the cluster's primary (psql walks the hosts, read-write only); nullopt when it fails.
std::optional<std::string> on_primary(const std::string& sql, const std::string& database) {
  std::string url = required_env("DBCTL_CLUSTER_PATRONI_URL");
  Result result = psql(url.substr(0, url.rfind('/') + 1) + database + "?target_session_attrs=read-write", sql);
  return result.exit_code == 0 ? std::optional(trimmed(result.out)) : std::nullopt;
}

// The same, retried while a failover settles; the test fails after 60 s.
std::string primary_query(const std::string& sql, const std::string& database) {
  std::optional<std::string> out;
  wait_until([&] { return (out = on_primary(sql, database)).has_value(); }, "the primary to answer " + sql);
  return *out;
}

const std::string k_pg_history =
    "SELECT string_agg(version || ':' || CASE WHEN success THEN 't' ELSE 'f' END, ',' ORDER BY installed_rank) "
    "FROM dbctl_history";

// A database's history is exact and its table holds the rows of versions 2..count.
void check_pg_target(const std::string& database, int count) {
  CAPTURE(database);
  CHECK(primary_query(k_pg_history, database) == expected_history(count));
  CHECK(primary_query("SELECT count(*) || ':' || min(n) || ':' || max(n) FROM runs", database) ==
        std::to_string(count - 1) + ":2:" + std::to_string(count));
}

// The service's migrations: V1 creates `runs`, V2..V<count> each insert their version and then
// sleep `sleep` (SQL, empty: none), so that a fault lands mid-run.
void write_pg_migrations(const TestProject& project, int count, const std::string& sleep) {
  project.write("migrations/@P@svc/V1__runs.sql", "CREATE TABLE runs (n int PRIMARY KEY);\n");
  for (int i = 2; i <= count; ++i) {
    project.write("migrations/@P@svc/V" + std::to_string(i) + "__run.sql",
                  "INSERT INTO runs VALUES (" + std::to_string(i) + ");\n" + sleep);
  }
}

// `migrate` of 200 migrations; `fault` once 40 are applied: dbctl rides it out.
void patroni_migrate(const std::string& fault, const std::string& tag) {
  TestProject project(tag, k_one_service, k_patroni_server);
  const int count = 200;
  write_pg_migrations(project, count, "SELECT pg_sleep(0.02);\n");
  std::string database = project.prefix + "svc";
  Ridden ridden;
  for (int trial = 0; trial < trials(); ++trial) {
    CAPTURE(trial);
    script(k_patroni, "wait-healthy");
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
    REQUIRE(project.dbctl({"init"}).exit_code == 0);
    auto applied = [&] {
      auto rows = on_primary("SELECT count(*) FROM dbctl_history", database);
      return rows && std::stoi(*rows) >= 40;
    };
    ride_out(project, {"migrate"}, "migrate", applied, "40 migrations applied", k_patroni, fault, ridden);
    check_pg_target(database, count);
    status_clean(project);
  }
  REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  record("patroni " + fault + " during migrate of 200: " + std::to_string(trials()) + " trial(s), " +
         std::to_string(ridden.runs) + " ridden out (longest without a primary " + seconds(ridden.longest) +
         "); every history exact, status clean");
}

// The databases and roles of the project, their owners and privileges, and a tenant's schema.
std::string pg_catalog(const std::string& prefix) {
  std::string like = "'" + prefix + "%'";
  return primary_query("SELECT (SELECT string_agg(datname || ':' || pg_get_userbyid(datdba) || ':' || "
                       "coalesce(datacl::text, ''), ',' ORDER BY datname) FROM pg_database WHERE datname LIKE " +
                           like + ") || '|' || (SELECT string_agg(rolname || ':' || rolcanlogin, ',' ORDER BY "
                           "rolname) FROM pg_roles WHERE rolname LIKE " + like + ")",
                       "postgres") +
         "|" +
         primary_query("SELECT coalesce(nspacl::text, '') || ':' || (SELECT tableowner FROM pg_tables WHERE "
                       "tablename = 'runs') FROM pg_namespace WHERE nspname = 'public'",
                       prefix + "svc_t50");
}

// `up -j 4` of 50 tenant databases (init, then 20 migrations each); `fault` once init has
// created 5 databases (a switchover takes patronictl about a second, so it may land in migrate:
// the record says where): dbctl rides it out, and the catalog is a clean run's.
void patroni_up(const std::string& fault, const std::string& tag) {
  std::string tenants;
  for (int i = 1; i <= 50; ++i) {
    tenants += std::string(i > 1 ? ", " : "") + "t" + (i < 10 ? "0" : "") + std::to_string(i);
  }
  TestProject project(tag,
                      "topology: {mode: multi-tenant, tenants: [" + tenants + "]}\n" + k_passwords +
                          "services:\n  @P@svc: {app: true}\n",
                      k_patroni_server);
  const int count = 20;
  // Each migration waits a little, so that the run is still going when the fault has landed:
  // init provisions the 50 databases side by side (init -j) in a few seconds, and a switchover
  // takes about as long to act.
  write_pg_migrations(project, count, "SELECT pg_sleep(0.05);\n");
  std::string like = "'" + project.prefix + "%'";
  Ridden ridden;
  for (int trial = 0; trial < trials(); ++trial) {
    CAPTURE(trial);
    script(k_patroni, "wait-healthy");
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
    auto created = [&] {
      auto databases = on_primary("SELECT count(*) FROM pg_database WHERE datname LIKE " + like, "postgres");
      return databases && std::stoi(*databases) >= 5;
    };
    ride_out(project, {"up", "-j", "4"}, "up", created, "5 tenant databases", k_patroni, fault, ridden);
    for (int i = 1; i <= 50; ++i) {
      check_pg_target(project.prefix + "svc_t" + (i < 10 ? "0" : "") + std::to_string(i), count);
    }
    status_clean(project);
    std::string faulted = pg_catalog(project.prefix);
    // The same project again without a fault: the catalogs must match.
    script(k_patroni, "wait-healthy");
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
    Result clean = project.dbctl({"up", "-j", "4"});
    INFO(clean.err);
    REQUIRE(clean.exit_code == 0);
    CHECK(pg_catalog(project.prefix) == faulted);
  }
  REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  record("patroni " + fault + " during up -j 4 of 50 tenants: " + std::to_string(trials()) + " trial(s), " +
         std::to_string(ridden.runs) + " ridden out, " + std::to_string(ridden.in_init) +
         " of them in init (longest without a primary " + seconds(ridden.longest) +
         "); every history exact, status clean, catalog as a clean run's");
}

// ---- Galera -------------------------------------------------------------------------------

const std::string k_galera = "DBCTL_CLUSTER_GALERA_DIR";

// SQL as root on one node (its socket); the test fails unless it succeeds.
std::string node_query(int node, const std::string& sql, const std::string& database = "") {
  std::vector<std::string> argv{"mariadb", "--no-defaults",
                                "--socket=" + required_env(k_galera) + "/node" + std::to_string(node) + "/mysqld.sock",
                                "-u", "root", "-N", "-B", "-e", sql};
  if (!database.empty()) {
    argv.push_back(database);
  }
  Result result = run(argv);
  INFO(sql << "\n" << result.err);
  REQUIRE(result.exit_code == 0);
  return trimmed(result.out);
}

// A read on one node that sees every transaction the cluster committed before it (a causal read:
// the node applies what it has received first). A plain read on a node other than the one dbctl
// wrote to may still miss the last commits, since Galera applies them on each node a little later.
std::string synced_query(int node, const std::string& sql, const std::string& database = "") {
  return node_query(node, "SET SESSION wsrep_sync_wait = 1; " + sql, database);
}

// The cluster has its three nodes (after a restart, the node is back in it).
void galera_whole() {
  wait_until([] { return node_query(2, "SHOW STATUS LIKE 'wsrep_cluster_size'") == "wsrep_cluster_size\t3"; },
             "three Galera nodes");
}

const std::string k_my_history =
    "SELECT GROUP_CONCAT(CONCAT(version, ':', IF(success, 't', 'f')) ORDER BY installed_rank) FROM dbctl_history";

// A project of one service whose V2..V<count> insert two rows each around a short sleep
// (statements that bear running twice: a resumed statement may have run).
void write_galera_migrations(const TestProject& project, int count) {
  project.write("migrations/@P@svc/V1__runs.sql", "CREATE TABLE IF NOT EXISTS runs (n int PRIMARY KEY);\n");
  for (int i = 2; i <= count; ++i) {
    project.write("migrations/@P@svc/V" + std::to_string(i) + "__run.sql",
                  "INSERT IGNORE INTO runs VALUES (" + std::to_string(i) + ");\nDO SLEEP(0.01);\n" +
                      "INSERT IGNORE INTO runs VALUES (" + std::to_string(i + 1000) + ");\n");
  }
}

void check_my_target(const std::string& database, int count, int node) {
  CAPTURE(database);
  CHECK(synced_query(node, k_my_history, database) == expected_history(count));
  CHECK(synced_query(node, "SELECT COUNT(*) FROM runs", database) == std::to_string(2 * (count - 1)));
}

} // namespace

TEST_CASE("patroni: a switchover during a 200-migration migrate is ridden out") {
  patroni_migrate("switchover", "ps");
}

TEST_CASE("patroni: kill -9 of the primary's postmaster during a 200-migration migrate is ridden out") {
  patroni_migrate("kill-primary", "pk");
}

TEST_CASE("patroni: a switchover during up -j 4 of 50 tenants is ridden out") { patroni_up("switchover", "us"); }

TEST_CASE("patroni: kill -9 of the primary's postmaster during up -j 4 of 50 tenants is ridden out") {
  patroni_up("kill-primary", "uk");
}

TEST_CASE("patroni: without a primary the run fails after --failover-timeout and a re-run converges") {
  // Patroni paused (no automatic failover) and the primary stopped: nothing takes its place.
  TestProject project("pn", k_one_service, k_patroni_server);
  write_pg_migrations(project, 60, "SELECT pg_sleep(0.1);\n");
  std::string database = project.prefix + "svc";
  script(k_patroni, "wait-healthy");
  REQUIRE(project.dbctl({"init"}).exit_code == 0);
  auto process = project.start({"migrate", "--failover-timeout", "3"});
  wait_until(
      [&] {
        auto applied = on_primary("SELECT count(*) FROM dbctl_history", database);
        return applied && std::stoi(*applied) >= 10;
      },
      "10 migrations applied");
  script(k_patroni, "stop-primary");
  Result ended = process->wait(60);
  script(k_patroni, "resume");
  INFO(ended.err);
  CHECK(ended.exit_code == 1);
  CHECK(ended.err.find("within --failover-timeout 3 s") != std::string::npos);
  script(k_patroni, "wait-healthy");
  Result rerun = project.dbctl({"migrate"});
  INFO(rerun.err);
  CHECK(rerun.exit_code == 0);
  check_pg_target(database, 60);
  REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
}

TEST_CASE("galera: the node dbctl uses killed during a 200-migration migrate is ridden out") {
  TestProject project("gk", k_one_service, k_galera_server);
  const int count = 200;
  write_galera_migrations(project, count);
  std::string database = project.prefix + "svc";
  Ridden ridden;
  for (int trial = 0; trial < trials(); ++trial) {
    CAPTURE(trial);
    galera_whole();
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
    REQUIRE(project.dbctl({"init"}).exit_code == 0);
    auto applied = [&] {
      std::string table = node_query(2, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '" +
                                            database + "' AND TABLE_NAME = 'dbctl_history'");
      return table == "1" && std::stoi(node_query(2, "SELECT COUNT(*) FROM dbctl_history", database)) >= 40;
    };
    // The URL lists node1 first: the node dbctl is on.
    ride_out(project, {"migrate"}, "migrate", applied, "40 migrations applied", k_galera, "node1/kill", ridden);
    check_my_target(database, count, 2);
    status_clean(project);
    script(k_galera, "node1/restart");
    galera_whole();
    check_my_target(database, count, 1); // the node that was killed has every row too
  }
  REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  record("galera: the node in use killed (-9) during migrate of 200: " + std::to_string(trials()) + " trial(s), " +
         std::to_string(ridden.runs) + " ridden out on another node (longest wait " + seconds(ridden.longest) +
         "); every history exact on every node after the restart, status clean");
}

TEST_CASE("galera: two processes at two nodes with lock table apply each migration once") {
  // The same project twice: one topology file names node1, the other node2.
  std::string url = required_env("DBCTL_CLUSTER_GALERA_URL");
  std::string ports = required_env("DBCTL_CLUSTER_GALERA_PORTS");
  std::string root = url.substr(0, url.find('@') + 1);
  auto node_server = [&](int node) {
    std::string port = ports;
    for (int i = 1; i < node; ++i) {
      port = port.substr(port.find(' ') + 1);
    }
    port = port.substr(0, port.find(' '));
    return "  my: {url: \"" + root + "127.0.0.1:" + port + "/\", lock: table}\n";
  };
  TestProject first("g2", k_one_service, node_server(1));
  TestProject second("g2", k_one_service, node_server(2));
  const int count = 40;
  write_galera_migrations(first, count);
  write_galera_migrations(second, count);
  std::string database = first.prefix + "svc";
  const int rounds = 3 * trials();
  galera_whole();
  for (int round = 0; round < rounds; ++round) {
    CAPTURE(round);
    REQUIRE(first.dbctl({"destroy", "--yes"}).exit_code == 0);
    REQUIRE(first.dbctl({"init"}).exit_code == 0);
    auto a = first.start({"migrate"});
    auto b = second.start({"migrate"});
    Result ended_a = a->wait(120);
    Result ended_b = b->wait(120);
    INFO(ended_a.err << "\n" << ended_b.err);
    CHECK(ended_a.exit_code == 0);
    CHECK(ended_b.exit_code == 0);
    check_my_target(database, count, 1);
    check_my_target(database, count, 2);
    CHECK(synced_query(3, "SELECT COUNT(*) FROM dbctl_lock", database) == "0");
  }
  REQUIRE(first.dbctl({"destroy", "--yes"}).exit_code == 0);
  record("galera: two processes at two nodes under lock: table, " + std::to_string(rounds) +
         " rounds: every migration applied once, no lease left");
}

TEST_CASE("galera: a statement the cluster rejects fails with the node's message at its file and line") {
  // STRICT_REPLICATION and REQUIRED_PRIMARY_KEY: what a strict cluster refuses (a table without
  // a primary key, a MyISAM table) it refuses at the statement; the modes are set back after.
  struct Modes {
    Modes() {
      for (int node = 1; node <= 3; ++node) {
        node_query(node, "SET GLOBAL wsrep_mode = 'REQUIRED_PRIMARY_KEY,STRICT_REPLICATION'");
      }
    }
    ~Modes() {
      for (int node = 1; node <= 3; ++node) {
        run({"mariadb", "--no-defaults",
             "--socket=" + required_env(k_galera) + "/node" + std::to_string(node) + "/mysqld.sock", "-u", "root",
             "-e", "SET GLOBAL wsrep_mode = ''"});
      }
    }
  } modes;
  galera_whole();
  TestProject project("gr", k_one_service, k_galera_server);
  project.write("migrations/@P@svc/V1__keyed.sql", "CREATE TABLE keyed (n int PRIMARY KEY);\n");
  project.write("migrations/@P@svc/V2__unkeyed.sql", "-- no primary key\n\nCREATE TABLE unkeyed (n int);\n");
  Result up = project.dbctl({"up"});
  INFO(up.err);
  CHECK(up.exit_code == 1);
  CHECK(up.err.find("V2__unkeyed.sql:3: statement 1 of 1: ") != std::string::npos);
  CHECK(up.err.find("Galera replication not supported (4165") != std::string::npos);
  CHECK(synced_query(2, k_my_history, project.prefix + "svc") == "1:t,2:f");
  REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
}

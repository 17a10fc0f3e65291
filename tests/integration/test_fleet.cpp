// Fan-out at fleet scale: 200 tenants on two PostgreSQL servers, in parallel, within each
// server's max_connections.
#include "support.hpp"

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>

#include <doctest/doctest.h>

using namespace dbctl::test;

namespace {

// The most connections this test's dbctl holds at once on a server, sampled from
// pg_stat_activity until `done` (the topology gives its connections their own
// application_name: other tests connect to the same servers at the same time).
int sample_connections(const std::string& admin_url, const std::string& application,
                       const std::atomic<bool>& done) {
  int most = 0;
  std::string sql = "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + application + "'";
  while (!done) {
    Result count = psql(admin_url, sql);
    if (count.exit_code == 0) {
      most = std::max(most, std::stoi(count.out));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return most;
}

} // namespace

TEST_SUITE("fleet") {
  TEST_CASE("200 tenants on two servers go up with -j 8 within max_connections - keep-going and resume") {
    std::string second = required_env("DBCTL_TEST_PG2_URL");
    TestProject project("fleet",
                        "  pg2: {url: \"${DBCTL_TEST_PG2_URL}\", max_connections: 4,"
                        " options: {application_name: @P@fleet}}\n"
                        "topology: {mode: multi-tenant, tenants_file: tenants.txt}\n"
                        "passwords: {derive_from: \"${DBCTL_SECRET}\"}\n"
                        "services:\n  @P@app: {server: pg}\n",
                        "  pg: {url: \"${DBCTL_TEST_PG_URL}\", max_connections: 4,"
                        " options: {application_name: @P@fleet}}\n");
    std::string tenants;
    for (int i = 0; i < 200; ++i) {
      tenants += "t" + std::to_string(i) + (i % 2 == 0 ? " pg" : " pg2") + "\n";
    }
    project.write("tenants.txt", tenants);
    project.write("migrations/@P@app/V1__accounts.sql", "CREATE TABLE accounts (id int PRIMARY KEY);\n");
    project.write("migrations/@P@app/V2__orders.sql", "CREATE TABLE orders (id int PRIMARY KEY);\n");
    project.write("migrations/@P@app/V3__seed.sql", "INSERT INTO accounts VALUES (1);\n");
    std::string first = pg_admin_url("postgres");
    std::string second_admin = second.substr(0, second.rfind('/') + 1) + "postgres";

    std::atomic<bool> done{false};
    auto on_first = std::async(std::launch::async, sample_connections, first, project.prefix + "fleet", std::cref(done));
    auto on_second = std::async(std::launch::async, sample_connections, second_admin, project.prefix + "fleet", std::cref(done));
    Result up = project.dbctl({"up", "-j", "8"});
    done = true;
    INFO(up.err);
    REQUIRE(up.exit_code == 0);
    int most_first = on_first.get();
    int most_second = on_second.get();
    MESSAGE("most connections from dbctl: " << most_first << " on pg, " << most_second << " on pg2");
    CHECK(most_first <= 4);
    CHECK(most_second <= 4);
    // The sampling saw the run at all (on one server at least: a sample takes a psql start-up,
    // and on a loaded machine one server's share of the run can fall between two samples).
    CHECK(most_first + most_second >= 1);
    CHECK(up.out.find("migrate: 200 migrated") != std::string::npos);
    // Tenants landed on their servers.
    CHECK(pg_query("SELECT count(*) FROM pg_database WHERE datname LIKE '" + project.prefix + "app_t%'") == "100");
    CHECK(psql(second_admin, "SELECT count(*) FROM pg_database WHERE datname LIKE '" + project.prefix + "app_t%'").out == "100\n");

    // One tenant's migration fails: --keep-going finishes the other 199 and names the failed one.
    project.write("migrations/@P@app/V4__audit.sql", "CREATE TABLE audit (id int);\n");
    pg_query("SET ROLE " + project.prefix + "app_t42; CREATE TABLE audit (x int)", project.prefix + "app_t42");
    Result going = project.dbctl({"migrate", "--keep-going", "-j", "8"});
    CHECK(going.exit_code == 1);
    CHECK(going.out.find("migrate: 199 migrated") != std::string::npos);
    CHECK(going.out.find("migrate: 1 failed: " + project.prefix + "app[t42]@pg") != std::string::npos);
    Result status = project.dbctl({"status", "--check", "-o", "json"});
    CHECK(status.exit_code == 3);

    // After the fix, a re-run finishes exactly the failed one.
    pg_query("DROP TABLE audit", project.prefix + "app_t42");
    Result again = project.dbctl({"migrate", "-o", "json"});
    INFO(again.err);
    CHECK(again.exit_code == 0);
    CHECK(again.out.find("\"result\": \"migrated\"") != std::string::npos);
    std::size_t migrated = 0;
    for (std::size_t at = 0; (at = again.out.find("\"result\": \"migrated\"", at)) != std::string::npos; ++at) {
      ++migrated;
    }
    CHECK(migrated == 1);
    CHECK(project.dbctl({"status", "--check"}).exit_code == 0);
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("schema tenants share a worker's connection while only reads ran on it") {
    TestProject project("reuse",
                        "topology: {mode: multi-tenant, tenancy: schema, tenants: [t1, t2, t3, t4, t5, t6]}\n"
                        "passwords: {derive_from: \"${DBCTL_SECRET}\"}\n"
                        "services:\n  @P@app: {}\n");
    project.write("migrations/@P@app/V1__accounts.sql", "CREATE TABLE accounts (id int PRIMARY KEY);\n");
    REQUIRE(project.dbctl({"up", "-j", "1"}).exit_code == 0);
    std::string database = project.prefix + "app";
    // Logins to the tenants' database, as PostgreSQL counts them (flushed when a backend ends).
    auto sessions = [&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(300)); // earlier backends exit
      return std::stol(pg_query("SELECT sessions FROM pg_stat_database WHERE datname = '" + database + "'"));
    };
    long before = sessions();
    Result status = project.dbctl({"status", "-j", "1"});
    REQUIRE(status.exit_code == 0);
    CHECK(sessions() - before == 1); // six targets, one login

    // t1 and t2 have nothing to do and hand their connection on; t3 to t6 get V2 on it, each
    // as its own owner in its own schema; after user SQL ran, a connection is not handed on.
    project.write("migrations/@P@app/V2__orders.sql", "CREATE TABLE orders (id int PRIMARY KEY);\n");
    REQUIRE(project.dbctl({"migrate", "--tenant", "t1", "--tenant", "t2"}).exit_code == 0);
    before = sessions();
    Result migrate = project.dbctl({"migrate", "-j", "1"});
    INFO(migrate.err);
    REQUIRE(migrate.exit_code == 0);
    CHECK(migrate.out.find("migrate: 4 migrated") != std::string::npos);
    // t1's login serves t1, t2 and t3; then t4, t5, t6 each log in: 4. The run locks live on the
    // worker's one connection to the admin database, never in the tenants' database.
    CHECK(sessions() - before == 4);
    CHECK(pg_query("SELECT string_agg(n.nspname || ':' || pg_get_userbyid(c.relowner), ',' ORDER BY n.nspname) "
                   "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = 'orders'",
                   database) ==
          "t1:" + project.prefix + "app_t1,t2:" + project.prefix + "app_t2,t3:" + project.prefix +
              "app_t3,t4:" + project.prefix + "app_t4,t5:" + project.prefix + "app_t5,t6:" +
              project.prefix + "app_t6");
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }
}

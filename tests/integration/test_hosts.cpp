// Servers with several hosts (issue 22, part 1) against a real PostgreSQL 15 primary and its
// streaming standby, which scripts/test starts: dbctl writes to whichever host is the primary,
// says so when none is, and prints URLs that libpq takes as they are.
#include "support.hpp"

#include "dbctl/util/url.hpp"

#include <chrono>
#include <thread>

#include <doctest/doctest.h>

using namespace dbctl::test;

namespace {

// The primary's admin password (the standby has the same users: it is a copy).
std::string admin_password() {
  dbctl::util::ParsedUrl parsed = dbctl::util::parse_url(required_env("DBCTL_TEST_PGP_URL"));
  REQUIRE(parsed.url);
  return parsed.url->password.value_or("");
}

std::string servers(const std::string& hosts) {
  return "  pg:\n    engine: postgres\n    user: postgres\n    password: \"" + admin_password() +
         "\"\n    hosts: " + hosts + "\n";
}

std::string address(const char* port_variable) { return "\"127.0.0.1:" + required_env(port_variable) + "\""; }

} // namespace

TEST_SUITE("hosts") {
  TEST_CASE("the standby is read-only and a copy of the primary") {
    Result standby = run({"psql", "postgres://postgres:" + admin_password() + "@127.0.0.1:" +
                                      required_env("DBCTL_TEST_PGP_STANDBY_PORT") + "/postgres",
                          "-XAtc", "SELECT pg_is_in_recovery()"});
    INFO(standby.err);
    CHECK(standby.out == "t\n");
  }

  TEST_CASE("with several hosts dbctl writes to the primary whichever comes first") {
    const std::string body = "topology: {mode: db-per-service}\npasswords: {derive_from: \"${DBCTL_SECRET}\"}\n"
                             "services:\n  @P@svc: {}\n";
    // A host that is down, the standby, then the primary.
    TestProject project("hst", body, servers("[\"127.0.0.1:1\", " + address("DBCTL_TEST_PGP_STANDBY_PORT") + ", " +
                                             address("DBCTL_TEST_PGP_PORT") + "]"));
    project.write("migrations/@P@svc/V1__t.sql", "CREATE TABLE t (id int PRIMARY KEY);\nINSERT INTO t VALUES (1);\n");
    Result up = project.dbctl({"up"});
    INFO(up.err);
    REQUIRE(up.exit_code == 0);
    CHECK(up.err.find("pg: ready") != std::string::npos);
    CHECK(project.dbctl({"status", "--check"}).exit_code == 0);
    // The URL env prints: every host, libpq picks the primary; the app connects as it is.
    Result env = project.dbctl({"env"});
    std::string url = env.out.substr(env.out.find('=') + 1);
    url.pop_back();
    CHECK(url.find("@/" + project.prefix + "svc?host=127.0.0.1%2C127.0.0.1%2C127.0.0.1&port=1%2C") != std::string::npos);
    CHECK(url.find("target_session_attrs=read-write") != std::string::npos);
    // libpq stops at a host that answers and refuses, such as a standby that has not replayed the
    // new database yet: wait until it has (dbctl itself walks the hosts and needs no such wait).
    std::string standby = "postgres://postgres:" + admin_password() + "@127.0.0.1:" +
                          required_env("DBCTL_TEST_PGP_STANDBY_PORT") + "/postgres";
    for (int i = 0; i < 200; ++i) {
      if (run({"psql", standby, "-XAtc", "SELECT count(*) FROM pg_database WHERE datname = '" + project.prefix + "svc'"})
              .out == "1\n") {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    Result app = run({"psql", url, "-XAtc", "SELECT pg_is_in_recovery(), count(*) FROM t"});
    INFO(app.err);
    CHECK(app.out == "f|1\n");
    // The same hosts as a libpq multi-host URL.
    TestProject by_url("hsu", body, "  pg: {url: \"postgres://postgres:" + admin_password() + "@127.0.0.1:" +
                                        required_env("DBCTL_TEST_PGP_STANDBY_PORT") + ",127.0.0.1:" +
                                        required_env("DBCTL_TEST_PGP_PORT") + "/postgres\"}\n");
    by_url.write("migrations/@P@svc/V1__t.sql", "CREATE TABLE t (id int);\n");
    Result via_url = by_url.dbctl({"up"});
    INFO(via_url.err);
    CHECK(via_url.exit_code == 0);
    CHECK(by_url.dbctl({"destroy", "--yes"}).exit_code == 0);
    CHECK(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("when every host that answers is a standby dbctl says so and writes nothing") {
    TestProject project("hsr", "topology: {mode: db-per-service}\npasswords: {derive_from: x}\nservices:\n  @P@svc: {migrations: none}\n",
                        servers("[" + address("DBCTL_TEST_PGP_STANDBY_PORT") + "]"));
    Result init = project.dbctl({"init"});
    CHECK(init.exit_code == 1);
    CHECK(init.err.find("pg: every host of 127.0.0.1:" + required_env("DBCTL_TEST_PGP_STANDBY_PORT") +
                        " that answered is read-only (a standby), so none is the primary") != std::string::npos);
    CHECK(init.err.find("cannot execute") == std::string::npos); // not a SQL error from the replica
    Result wait = project.dbctl({"wait", "--timeout", "1"});
    CHECK(wait.exit_code == 1);
    CHECK(wait.err.find("read-only") != std::string::npos);
  }

  TEST_CASE("bad hosts are exit 2 naming the line") {
    for (const auto& [hosts, message] : std::vector<std::pair<std::string, std::string>>{
             {"    hosts: [\"a:1\", \"b:99999\"]\n", "servers.pg.hosts: 'b:99999' is not host or host:port"},
             {"    hosts: []\n", "servers.pg.hosts is empty"},
             {"    host: a\n    hosts: [\"b\"]\n", "servers.pg: hosts and host are alternatives"},
         }) {
      TempDir dir;
      auto file = dir.write("topology.yaml", "version: 1\nname: h\nservers:\n  pg:\n    engine: postgres\n" + hosts +
                                                 "topology: {mode: db-per-service}\nservices:\n  s: {migrations: none}\n");
      Result result = run_dbctl({"-f", file.string(), "validate"});
      INFO(result.err);
      CHECK(result.exit_code == 2);
      CHECK(result.err.find(message) != std::string::npos);
    }
    TempDir dir;
    auto file = dir.write("topology.yaml", "version: 1\nname: h\nservers:\n  pg: {url: \"postgres://u@a:1,b:x/db\"}\n"
                                           "  cache: {engine: redis, hosts: [\"a\", \"b\"]}\n"
                                           "topology: {mode: db-per-service}\nservices:\n  s: {migrations: none}\n");
    Result result = run_dbctl({"-f", file.string(), "validate"});
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("topology.yaml:4:13: servers.pg.url lists several hosts, and one of them is not host or host:port") !=
          std::string::npos);
    CHECK(result.err.find("servers.cache: several hosts apply to PostgreSQL and MySQL servers, not Redis") != std::string::npos);
  }
}

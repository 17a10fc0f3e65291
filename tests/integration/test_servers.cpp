// The servers scripts/test starts are reachable with the URLs it exports. Later suites rely
// on this; a missing server fails here instead of silently passing elsewhere.
#include "support.hpp"

#include <doctest/doctest.h>

using namespace dbctl::test;

TEST_SUITE("servers") {
  TEST_CASE("the PostgreSQL test server answers with the exported URL") {
    std::string url = required_env("DBCTL_TEST_PG_URL");
    Result result = run({"psql", url, "-XAtc", "SHOW server_version_num"});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    CHECK(result.out.rfind("15", 0) == 0);
  }

  TEST_CASE("the MariaDB test server answers with the exported URL") {
    std::string url = required_env("DBCTL_TEST_MYSQL_URL");
    // mysql://root:PASSWORD@127.0.0.1:PORT/ -> the client's own flags.
    std::string rest = url.substr(std::string("mysql://").size());
    std::string user = rest.substr(0, rest.find(':'));
    std::string password = rest.substr(rest.find(':') + 1, rest.find('@') - rest.find(':') - 1);
    std::string hostport = rest.substr(rest.find('@') + 1);
    hostport = hostport.substr(0, hostport.find('/'));
    std::string port = hostport.substr(hostport.find(':') + 1);
    Result result = run({"mariadb", "--no-defaults", "-h", "127.0.0.1", "-P", port, "-u", user,
                         "-N", "-e", "SELECT VERSION()"},
                        RunOptions{{}, {{"MYSQL_PWD", password}}, {}});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    CHECK(result.out.find("10.11") != std::string::npos);
  }
}

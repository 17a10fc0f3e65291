// Provisioning on a real MariaDB 10.11: init, plan, destroy, and the grants afterwards.
#include "support.hpp"

#include <doctest/doctest.h>

using namespace dbctl::test;

namespace {

const std::string k_server = "  my: {url: \"${DBCTL_TEST_MYSQL_URL}\"}\n";
const std::string k_passwords = "passwords: {derive_from: \"${DBCTL_SECRET}\"}\n";

// The password dbctl derives for a role in a project (read from `env --role owner`).
std::string password_in(const std::string& url) {
  std::size_t colon = url.find(':', std::string("mysql://").size());
  return url.substr(colon + 1, url.find('@') - colon - 1);
}

void check_converged(const TestProject& project) {
  Result again = project.dbctl({"init"});
  INFO(again.err);
  REQUIRE(again.exit_code == 0);
  CHECK(again.out == "my: nothing to do\n");
  CHECK(project.dbctl({"plan", "--check"}).exit_code == 0);
}

} // namespace

TEST_SUITE("mysql: provisioning") {
  TEST_CASE("db-per-service: users - utf8mb4 databases - exact grant sets - converges - destroy") {
    TestProject project("myd", "topology: {mode: db-per-service}\n" + k_passwords +
                                   "services:\n  @P@users: {migrations: none, app: true}\n"
                                   "  @P@orders: {migrations: none}\n"
                                   "roles:\n  @P@bi:\n    password: bi-pass-1\n"
                                   "    grants: [{services: \"*\", privileges: read}]\n",
                        k_server);
    const std::string& p = project.prefix;
    mysql_query("CREATE USER '" + p + "bystander'@'%'");
    CHECK(project.dbctl({"plan", "--check"}).exit_code == 3);
    Result init = project.dbctl({"init"});
    INFO(init.err);
    REQUIRE(init.exit_code == 0);
    CHECK(mysql_query("SELECT DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA "
                      "WHERE SCHEMA_NAME = '" + p + "users'") == "utf8mb4");
    std::string grants = mysql_query("SHOW GRANTS FOR '" + p + "users_app'@'%'");
    CHECK(grants.find("GRANT SELECT, INSERT, UPDATE, DELETE, EXECUTE ON `" + p.substr(0, p.size() - 1) +
                      "\\\\_users`.*") != std::string::npos);
    CHECK(mysql_query("SHOW GRANTS FOR '" + p + "bi'@'%'").find("GRANT SELECT ON") != std::string::npos);

    std::string owner_pw = password_in(project.url("users", "owner"));
    std::string app_pw = password_in(project.url("users"));
    REQUIRE(mysql("CREATE TABLE items (id int PRIMARY KEY, name text)", p + "users", p + "users", owner_pw)
                .exit_code == 0);
    CHECK(mysql("INSERT INTO items VALUES (1, 'x'); UPDATE items SET name = 'y'; DELETE FROM items",
                p + "users", p + "users_app", app_pw).exit_code == 0);
    Result ddl = mysql("CREATE TABLE app_made (x int)", p + "users", p + "users_app", app_pw);
    CHECK(ddl.exit_code != 0);
    CHECK(ddl.err.find("denied") != std::string::npos);
    CHECK(mysql("SELECT count(*) FROM items", p + "users", p + "bi", "bi-pass-1").exit_code == 0);
    CHECK(mysql("INSERT INTO items VALUES (2, 'z')", p + "users", p + "bi", "bi-pass-1").exit_code != 0);
    // Another service's owner cannot reach this database.
    std::string orders_pw = password_in(project.url("orders", "owner"));
    CHECK(mysql("SELECT 1", p + "users", p + "orders", orders_pw).exit_code != 0);

    check_converged(project);
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
    CHECK(mysql_query("SELECT count(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE '" + p + "%'") == "0");
    CHECK(mysql_query("SELECT group_concat(User) FROM mysql.user WHERE User LIKE '" + p + "%'") == p + "bystander");
    mysql_query("DROP USER '" + p + "bystander'@'%'");
  }

  TEST_CASE("shared: one database - every service's owner gets ALL on it") {
    TestProject project("mys", "topology: {mode: shared}\n" + k_passwords +
                                   "services:\n  @P@users: {migrations: none}\n  @P@orders: {migrations: none}\n",
                        k_server);
    const std::string& p = project.prefix;
    REQUIRE(project.dbctl({"init"}).exit_code == 0);
    for (const char* service : {"users", "orders"}) {
      CHECK(mysql_query("SHOW GRANTS FOR '" + p + service + "'@'%'").find("GRANT ALL PRIVILEGES ON `" +
                                                                        p.substr(0, p.size() - 1) + "\\\\_shop`.*") !=
            std::string::npos);
    }
    check_converged(project);
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
    CHECK(mysql_query("SELECT count(*) FROM mysql.user WHERE User LIKE '" + p + "%'") == "0");
  }

  TEST_CASE("multi-tenant: a database and users per tenant - a changed password is applied") {
    TestProject project("myt", "topology: {mode: multi-tenant, tenants: [acme, globex]}\n"
                               "services:\n  @P@crm:\n    migrations: none\n"
                               "    owner: {password: \"${OWNER_PW}\"}\n",
                        k_server);
    const std::string& p = project.prefix;
    REQUIRE(project.dbctl({"init"}, {{"OWNER_PW", "first-pw-1"}}).exit_code == 0);
    CHECK(mysql("SELECT 1", p + "crm_acme", p + "crm_acme", "first-pw-1").exit_code == 0);
    CHECK(mysql("SELECT 1", p + "crm_globex", p + "crm_acme", "first-pw-1").exit_code != 0);
    Result changed = project.dbctl({"init", "-vv"}, {{"OWNER_PW", "second-pw-2"}});
    CHECK(changed.out == "my: 2 changes applied\n");
    CHECK(changed.err.find("second-pw-2") == std::string::npos);
    CHECK(mysql("SELECT 1", p + "crm_acme", p + "crm_acme", "second-pw-2").exit_code == 0);
    CHECK(project.dbctl({"init"}, {{"OWNER_PW", "second-pw-2"}}).out == "my: nothing to do\n");
    std::string log = read(required_env("DBCTL_TEST_MYSQL_LOG"));
    REQUIRE(log.find(p + "crm_acme") != std::string::npos);
    CHECK(log.find("first-pw-1") == std::string::npos);
    CHECK(log.find("second-pw-2") == std::string::npos);
    REQUIRE(project.dbctl({"destroy", "--yes"}, {{"OWNER_PW", "x"}}).exit_code == 0);
  }

  TEST_CASE("user_host gives managed users another host part - and init still converges") {
    TestProject project("myh", "topology: {mode: db-per-service}\n" + k_passwords +
                                   "services:\n  @P@users: {migrations: none, app: true}\n",
                        "  my: {url: \"${DBCTL_TEST_MYSQL_URL}\", user_host: 127.0.0.1}\n");
    const std::string& p = project.prefix;
    REQUIRE(project.dbctl({"init"}).exit_code == 0);
    CHECK(mysql_query("SELECT GROUP_CONCAT(Host) FROM mysql.user WHERE User = '" + p + "users_app'") == "127.0.0.1");
    CHECK(mysql_query("SHOW GRANTS FOR '" + p + "users_app'@'127.0.0.1'").find("GRANT SELECT, INSERT") !=
          std::string::npos);
    check_converged(project);
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
    CHECK(mysql_query("SELECT COUNT(*) FROM mysql.user WHERE User LIKE '" + p + "%'") == "0");
  }

  TEST_CASE("TLS: an admin that must use SSL connects with ssl-mode REQUIRED or VERIFY_CA") {
    std::string ca = required_env("DBCTL_TEST_MYSQL_CA");
    std::string p = unique_prefix("tls");
    mysql_query("CREATE USER '" + p + "admin'@'%' IDENTIFIED BY 'tls-pw-1' REQUIRE SSL; "
                "GRANT ALL PRIVILEGES ON *.* TO '" + p + "admin'@'%' WITH GRANT OPTION");
    std::string url = required_env("DBCTL_TEST_MYSQL_URL");
    std::string hostport = url.substr(url.rfind('@') + 1);
    hostport = hostport.substr(0, hostport.find('/'));
    auto server = [&](const std::string& options) {
      return "  my: {url: \"mysql://" + p + "admin:tls-pw-1@" + hostport + "/\", options: {" + options + "}}\n";
    };
    const std::string body = "topology: {mode: db-per-service}\nservices:\n  @P@users: {migrations: none}\n";
    TestProject plain("tlp", body, server("connect_timeout: 5"));
    CHECK(plain.dbctl({"plan"}).exit_code == 1); // REQUIRE SSL refuses a plain connection
    TestProject required("tlr", body, server("ssl-mode: REQUIRED"));
    Result ok = required.dbctl({"plan"});
    INFO(ok.err);
    CHECK(ok.exit_code == 0);
    TestProject verified("tlv", body, server("ssl-mode: VERIFY_CA, ssl-ca: \"" + ca + "\""));
    Result verify = verified.dbctl({"plan"});
    INFO(verify.err);
    CHECK(verify.exit_code == 0);
    mysql_query("DROP USER '" + p + "admin'@'%'");
  }

  TEST_CASE("a wrong admin password is exit 1 naming the setting") {
    std::string url = required_env("DBCTL_TEST_MYSQL_URL");
    std::string hostport = url.substr(url.rfind('@') + 1);
    TestProject project("myw", "topology: {mode: db-per-service}\nservices:\n  @P@users: {migrations: none}\n",
                        "  my: {url: \"mysql://root:wrong-pw@" + hostport + "\"}\n");
    Result plan = project.dbctl({"plan"});
    CHECK(plan.exit_code == 1);
    CHECK(plan.err.find("my: access denied for user root at 127.0.0.1:") != std::string::npos);
    CHECK(plan.err.find("wrong-pw") == std::string::npos);
  }
}

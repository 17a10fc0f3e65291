// A stock Debian MariaDB (root@localhost by unix_socket) refuses an unknown user with error 1698
// for some names and 1045 for others: it authenticates a name it does not know against the
// plugin of an account picked by the name's hash. This runs on the fault suite's MariaDB, which
// no other test uses at the same time (RESOURCE_LOCK), so the set of accounts, and so which
// names get which error, holds still while the test picks its names.
#include "support.hpp"

#include <nlohmann/json.hpp>

#include <doctest/doctest.h>

using namespace dbctl::test;

namespace {

const std::string k_server = "  my: {url: \"${DBCTL_TEST_MYSQL_URL}\"}\n";

// Tenants whose owner `<prefix>svc_<tenant>` (not created yet) MariaDB refuses with `code`.
std::vector<std::string> tenants_refused_with(const std::string& prefix, const std::string& code, std::size_t count) {
  std::vector<std::string> out;
  for (int i = 0; i < 2000 && out.size() < count; ++i) {
    std::string tenant = "t" + std::to_string(i);
    Result login = mysql("SELECT 1", "", prefix + "svc_" + tenant, "not-the-password");
    if (login.err.find("ERROR " + code + " ") != std::string::npos) {
      out.push_back(tenant);
    }
  }
  return out;
}

} // namespace

TEST_SUITE("mysql: a stock MariaDB (root@localhost by unix_socket)") {
  TEST_CASE("owners not created yet are missing in plan and status - whether refused with 1045 or 1698") {
    const std::string prefix = unique_prefix("stk");
    std::vector<std::string> tenants = tenants_refused_with(prefix, "1698", 6);
    REQUIRE_MESSAGE(tenants.size() == 6, "no name got error 1698: is root@localhost on unix_socket?");
    std::vector<std::string> with_1045 = tenants_refused_with(prefix, "1045", 6);
    REQUIRE(with_1045.size() == 6);
    tenants.insert(tenants.end(), with_1045.begin(), with_1045.end());
    std::string list;
    for (const auto& tenant : tenants) {
      list += (list.empty() ? "" : ", ") + tenant;
    }
    TestProject project("stk",
                        "topology: {mode: multi-tenant, tenants: [" + list + "]}\n"
                        "passwords: {derive_from: \"${DBCTL_SECRET}\"}\n"
                        "services:\n  @P@svc: {app: true}\n",
                        k_server);
    REQUIRE(project.prefix == prefix);
    project.write("migrations/@P@svc/V1__t.sql", "CREATE TABLE t (id INT);\n");

    Result plan = project.dbctl({"plan"});
    INFO(plan.err);
    CHECK(plan.exit_code == 0);
    CHECK(plan.err.find("Access denied") == std::string::npos);
    Result status = project.dbctl({"-o", "json", "status"});
    INFO(status.err);
    CHECK(status.exit_code == 0);
    auto rows = nlohmann::json::parse(status.out);
    REQUIRE(rows.size() == tenants.size());
    for (const auto& row : rows) {
      CHECK(row["state"] == "missing");
    }
    Result migrate = project.dbctl({"migrate", "--tenant", tenants[0]});
    CHECK(migrate.exit_code == 1);
    CHECK(migrate.err.find("does not exist; run dbctl init first (or dbctl up)") != std::string::npos);

    REQUIRE(project.dbctl({"up"}).exit_code == 0);
    CHECK(project.dbctl({"status", "--check"}).exit_code == 0);
    // A password changed behind dbctl's back is not "missing": status says what to run.
    mysql_query("ALTER USER '" + prefix + "svc_" + tenants[0] + "'@'%' IDENTIFIED BY 'changed-by-hand'");
    Result drifted = project.dbctl({"-o", "json", "status", "--tenant", tenants[0]});
    CHECK(drifted.exit_code == 1);
    auto drifted_rows = nlohmann::json::parse(drifted.out);
    REQUIRE(drifted_rows.size() == 1);
    CHECK(drifted_rows[0]["state"] == "error");
    CHECK(drifted_rows[0]["issues"][0].get<std::string>().find(
              "the user does not exist yet or has another password; run `dbctl init`") != std::string::npos);
    CHECK(project.dbctl({"init"}).exit_code == 0);
    CHECK(project.dbctl({"status", "--check"}).exit_code == 0);
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }

  TEST_CASE("shared mode: a service destroyed on its own is missing - its users refused with 1045 or 1698") {
    const std::string prefix = unique_prefix("sks");
    // Service names whose owners MariaDB refuses with 1698 once dropped, and one with 1045.
    std::vector<std::string> services;
    for (const std::string code : {"1698", "1045"}) {
      for (int i = 0; i < 2000 && services.size() < (code == "1698" ? 2U : 4U); ++i) {
        std::string name = "s" + std::to_string(i);
        Result login = mysql("SELECT 1", "", prefix + name, "not-the-password");
        if (login.err.find("ERROR " + code + " ") != std::string::npos) {
          services.push_back(name);
        }
      }
    }
    REQUIRE(services.size() == 4);
    std::string body = "topology: {mode: shared}\npasswords: {derive_from: \"${DBCTL_SECRET}\"}\nservices:\n";
    for (const auto& service : services) {
      body += "  @P@" + service + ": {migrations: none}\n";
    }
    TestProject project("sks", body, k_server);
    REQUIRE(project.prefix == prefix);
    REQUIRE(project.dbctl({"up"}).exit_code == 0);
    for (const auto& service : {services[0], services[2]}) {
      Result destroy = project.dbctl({"--service", prefix + service, "destroy", "--yes"});
      INFO(destroy.err);
      REQUIRE(destroy.exit_code == 0);
    }
    Result status = project.dbctl({"-o", "json", "status"});
    INFO(status.err);
    CHECK(status.exit_code == 0);
    auto rows = nlohmann::json::parse(status.out);
    REQUIRE(rows.size() == 4);
    CHECK(rows[0]["state"] == "missing");
    CHECK(rows[1]["state"] == "up-to-date");
    CHECK(rows[2]["state"] == "missing");
    CHECK(rows[3]["state"] == "up-to-date");
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }
}

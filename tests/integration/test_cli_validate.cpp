// `dbctl validate` and the general CLI contract, run as a user would run them.
#include "support.hpp"

#include <nlohmann/json.hpp>

#include <doctest/doctest.h>

using namespace dbctl::test;

namespace {

const auto& k_example_env = shipped_topology_env();

const std::string k_five_mistakes = R"(version: 1
name: shop
servers:
  pg:
    engine: postgres
    host: 127.0.0.1
    port: 1
    pasword: x
  my:
    engine: mysql
    port: 1
topology:
  mode: multi-tenant
  tenancy: schema
  tenants: [acme]
services:
  users:
    server: my
    owner: { password: "${UNSET_FOR_DBCTL_TEST}" }
  orders:
    server: pgg
    database: "{service}-{tenant}"
)";

} // namespace

TEST_SUITE("cli: validate") {
  TEST_CASE("every shipped topology validates") {
    std::vector<std::filesystem::path> files = shipped_topologies();
    REQUIRE(files.size() >= 7);
    for (const auto& file : files) {
      CAPTURE(file);
      Result result = run_dbctl({"validate", "-f", file.string()}, {{}, k_example_env, {}});
      INFO(result.err);
      CHECK(result.exit_code == 0);
      CHECK(result.out.find(": valid (") != std::string::npos);
    }
  }

  TEST_CASE("five mistakes are all reported with their lines - exit 2 - though servers are closed") {
    TempDir dir;
    dir.write("migrations/users/V1__a.sql", "select 1;");
    dir.write("migrations/orders/V1__a.sql", "select 1;");
    auto file = dir.write("topology.yaml", k_five_mistakes);
    Result result = run_dbctl({"validate", "-f", file.string()}, {{}, {{"UNSET_FOR_DBCTL_TEST", std::nullopt}}, {}});
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    std::string f = file.string();
    for (const std::string& expected :
         {f + ":8:5: unknown key 'pasword' in servers.pg (did you mean 'password'?)",
          f + ":14:12: tenancy: schema is PostgreSQL only; service 'users' is on MySQL server 'my'",
          f + ":19:24: services.users.owner.password: environment variable UNSET_FOR_DBCTL_TEST "
              "is not set",
          f + ":21:13: services.orders.server names unknown server 'pgg' (did you mean 'pg'?)",
          f + ":22:15: services.orders.database gives 'orders-acme' for orders[acme], which is "
              "not a valid name",
          std::string("dbctl: error: 5 problems found; nothing was changed")}) {
      CAPTURE(expected);
      CHECK(result.err.find(expected) != std::string::npos);
    }
    INFO(result.err);
  }

  TEST_CASE("-o json prints every problem as data on stdout") {
    TempDir dir;
    auto file = dir.write("topology.yaml", k_five_mistakes);
    Result result = run_dbctl({"validate", "-f", file.string(), "-o", "json"},
                          {{}, {{"UNSET_FOR_DBCTL_TEST", std::nullopt}}, {}});
    CHECK(result.exit_code == 2);
    auto doc = nlohmann::json::parse(result.out);
    CHECK(doc["valid"] == false);
    CHECK(doc["mode"] == "multi-tenant");
    REQUIRE(doc["errors"].size() >= 5);
    CHECK(doc["errors"][0]["line"] == 8);
    CHECK(doc["errors"][0]["column"] == 5);
    CHECK(doc["errors"][0]["file"] == file.string());
  }

  TEST_CASE("a valid topology in json reports its counts") {
    Result result = run_dbctl({"-o", "json", "validate", "-f", (source_dir() / "topology.yaml").string()},
                          {{}, k_example_env, {}});
    REQUIRE(result.exit_code == 0);
    auto doc = nlohmann::json::parse(result.out);
    CHECK(doc["valid"] == true);
    CHECK(doc["services"] == 3);
    CHECK(doc["targets"] == 3);
    CHECK(doc["migrations"] == 10);
    CHECK(doc["errors"].empty());
  }

  TEST_CASE("a missing migrations folder and duplicate versions are reported") {
    TempDir dir;
    dir.write("migrations/users/V1__a.sql", "");
    dir.write("migrations/users/V01__b.sql", "");
    auto file = dir.write("topology.yaml", "version: 1\nname: shop\nservers:\n  pg: {engine: postgres}\n"
                                           "topology: {mode: db-per-service}\n"
                                           "services:\n  users: {}\n  orders: {migrations: db/orders}\n");
    Result result = run_dbctl({"validate", "-f", file.string()});
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("V1__a.sql: has the same version 1 as V01__b.sql") != std::string::npos);
    CHECK(result.err.find(":8:24: migrations folder " + (dir.path() / "db/orders").string() +
                          " does not exist") != std::string::npos);
  }

  TEST_CASE("bad files never crash dbctl: each gets a clear error and exit 2") {
    TempDir dir;
    std::string junk;
    for (int i = 0; i < 4096; ++i) {
      junk += static_cast<char>((i * 7919 + 13) % 256);
    }
    std::string big = "version: 1\nname: x\nservices:\n";
    while (big.size() < 10U * 1024U * 1024U) {
      big += "  s" + std::to_string(big.size()) + ": {migrations: none}\n";
    }
    std::vector<std::pair<std::string, std::string>> cases{
        {"empty.yaml", ""},
        {"junk.yaml", junk},
        {"deep.yaml", "a: " + std::string(100000, '[') + std::string(100000, ']')},
        {"deep-map.yaml", [] {
           std::string text;
           for (int i = 0; i < 3000; ++i) {
             text += std::string(static_cast<std::size_t>(i), ' ') + "k:\n";
           }
           return text;
         }()},
        {"big.yaml", big},
        {"tabs.yaml", "version: 1\n\tname: x\n"},
        {"list.yaml", "- a\n- b\n"}};
    for (const auto& [name, text] : cases) {
      CAPTURE(name);
      auto file = dir.write(name, text);
      Result result = run_dbctl({"validate", "-f", file.string()});
      CHECK(result.signal == 0);
      CHECK(result.exit_code == 2);
      CHECK(result.err.find("dbctl: error: " + file.string()) != std::string::npos);
      CHECK(result.err.size() < 4096);
    }
    Result missing = run_dbctl({"validate", "-f", (dir.path() / "nope.yaml").string()});
    CHECK(missing.exit_code == 2);
    CHECK(missing.err.find("nope.yaml: no such file") != std::string::npos);
    Result folder = run_dbctl({"validate", "-f", dir.path().string()});
    CHECK(folder.exit_code == 2);
    CHECK(folder.err.find("is not a regular file") != std::string::npos);
  }

  TEST_CASE("the topology defaults to ./topology.yaml and DBCTL_FILE") {
    TempDir dir;
    dir.write("migrations/users/V1__a.sql", "");
    dir.write("topology.yaml", "version: 1\nname: shop\nservers:\n  pg: {engine: postgres}\n"
                               "topology: {mode: db-per-service}\nservices:\n  users: {}\n");
    CHECK(run_dbctl({"validate"}, {dir.path(), {}, {}}).exit_code == 0);
    Result via_env = run_dbctl({"validate"}, {{}, {{"DBCTL_FILE", (dir.path() / "topology.yaml").string()}}, {}});
    INFO(via_env.err);
    // DBCTL_FILE is cleared by the harness unless given, so this run sees it.
    CHECK(via_env.exit_code == 0);
  }
}

TEST_SUITE("cli: contract") {
  TEST_CASE("--help works for dbctl and every command - --version prints the version") {
    Result top = run_dbctl({"--help"});
    CHECK(top.exit_code == 0);
    for (const char* command : {"validate", "env", "new"}) {
      CAPTURE(command);
      CHECK(top.out.find(command) != std::string::npos);
      Result help = run_dbctl({command, "--help"});
      CHECK(help.exit_code == 0);
      CHECK(help.out.find(std::string("Usage: dbctl ") + command) != std::string::npos);
    }
    Result version = run_dbctl({"--version"});
    CHECK(version.exit_code == 0);
    CHECK(version.out.rfind("dbctl ", 0) == 0);
  }

  TEST_CASE("usage errors exit 2: no command - unknown command - unknown option - bad value") {
    CHECK(run_dbctl({}).exit_code == 2);
    CHECK(run_dbctl({"frobnicate"}).exit_code == 2);
    CHECK(run_dbctl({"validate", "--frobnicate"}).exit_code == 2);
    CHECK(run_dbctl({"-o", "yaml", "validate"}).exit_code == 2);
    CHECK(run_dbctl({"-j", "0", "validate"}).exit_code == 2);
  }

  TEST_CASE("global options are accepted before and after the command") {
    std::string file = (source_dir() / "topology.yaml").string();
    CHECK(run_dbctl({"-f", file, "validate"}, {{}, k_example_env, {}}).exit_code == 0);
    CHECK(run_dbctl({"validate", "-f", file}, {{}, k_example_env, {}}).exit_code == 0);
    CHECK(run_dbctl({"validate", "-f", file, "--service", "users", "-q"}, {{}, k_example_env, {}})
              .exit_code == 0);
  }

  TEST_CASE("selecting an unknown service or a tenant outside multi-tenant is exit 2") {
    std::string file = (source_dir() / "topology.yaml").string();
    Result service = run_dbctl({"validate", "-f", file, "--service", "user"}, {{}, k_example_env, {}});
    CHECK(service.exit_code == 2);
    CHECK(service.err.find("--service user: the topology has no service of that name (did you "
                           "mean 'users'?)") != std::string::npos);
    Result tenant = run_dbctl({"validate", "-f", file, "--tenant", "acme"}, {{}, k_example_env, {}});
    CHECK(tenant.exit_code == 2);
  }

  TEST_CASE("--url is refused by commands that need a topology") {
    Result result = run_dbctl({"validate", "--url", "postgres://u:pw@h/db"});
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("validate needs a topology file") != std::string::npos);
  }
}

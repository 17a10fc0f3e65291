// `dbctl env` and `dbctl new` as a user runs them, and the rule that secrets stay out of logs.
#include "support.hpp"

#include <nlohmann/json.hpp>

#include <doctest/doctest.h>

using namespace dbctl::test;

namespace {

const std::string k_topology = R"(version: 1
name: shop
servers:
  pg:
    engine: postgres
    host: db.internal
    port: 6432
    user: admin
    password: ${ADMIN_PW}
    options: { sslmode: require }
topology:
  mode: multi-tenant
  tenancy: schema
  tenants: [acme, globex]
services:
  users:
    migrations: none
    owner: { name: "users_{tenant}", password: "${USERS_PW}" }
    app: { name: "users_{tenant}_rw", password: "${USERS_APP_PW}" }
  catalog:
    migrations: none
    tenanted: false
passwords:
  derive_from: ${DBCTL_SECRET}
)";

const std::string k_users_pw = "p@ss w/rd:%&'\"$x";
const std::string k_app_pw = "app-secret-123";

RunOptions env_options(const TempDir& dir) {
  return {dir.path(),
          {{"ADMIN_PW", "admin-secret-456"},
           {"USERS_PW", k_users_pw},
           {"USERS_APP_PW", k_app_pw},
           {"DBCTL_SECRET", "derive-key-789"}},
          {}};
}

} // namespace

TEST_SUITE("cli: env") {
  TEST_CASE("dotenv output names each target and encodes credentials and search_path") {
    TempDir dir;
    dir.write("topology.yaml", k_topology);
    Result result = run_dbctl({"env"}, env_options(dir));
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    CHECK(result.out ==
          "USERS_ACME_DATABASE_URL=postgres://users_acme_rw:app-secret-123@db.internal:6432/"
          "users?sslmode=require&options=-csearch_path%3Dacme\n"
          "USERS_GLOBEX_DATABASE_URL=postgres://users_globex_rw:app-secret-123@db.internal:6432/"
          "users?sslmode=require&options=-csearch_path%3Dglobex\n"
          "CATALOG_DATABASE_URL=postgres://catalog:" +
              std::string() + result.out.substr(result.out.find("catalog:") + 8, 43) +
              "@db.internal:6432/catalog?sslmode=require\n");
  }

  TEST_CASE("--role owner gives the owner's URL with its password percent-encoded") {
    TempDir dir;
    dir.write("topology.yaml", k_topology);
    Result result = run_dbctl({"env", "--role", "owner", "--tenant", "acme"}, env_options(dir));
    REQUIRE(result.exit_code == 0);
    CHECK(result.out == "USERS_ACME_DATABASE_URL=postgres://users_acme:"
                        "p%40ss%20w%2Frd%3A%25%26%27%22%24x@db.internal:6432/users?sslmode=require"
                        "&options=-csearch_path%3Dacme\n");
  }

  TEST_CASE("shell and json formats - -o json picks json") {
    TempDir dir;
    dir.write("topology.yaml", k_topology);
    Result shell = run_dbctl({"env", "--format", "shell", "--service", "catalog"}, env_options(dir));
    REQUIRE(shell.exit_code == 0);
    CHECK(shell.out.rfind("export CATALOG_DATABASE_URL='postgres://catalog:", 0) == 0);
    Result json = run_dbctl({"-o", "json", "env"}, env_options(dir));
    REQUIRE(json.exit_code == 0);
    auto doc = nlohmann::json::parse(json.out);
    CHECK(doc.size() == 3);
    CHECK(doc.contains("USERS_GLOBEX_DATABASE_URL"));
  }

  TEST_CASE("--role app for a target without an app role is exit 2") {
    TempDir dir;
    dir.write("topology.yaml", k_topology);
    Result result = run_dbctl({"env", "--role", "app", "--service", "catalog"}, env_options(dir));
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("catalog@pg has no app role") != std::string::npos);
  }

  TEST_CASE("a role without any password gets a warning and a URL without one") {
    TempDir dir;
    dir.write("topology.yaml", "version: 1\nname: shop\nservers:\n  pg: {engine: postgres}\n"
                               "topology: {mode: db-per-service}\nservices:\n  users: {migrations: none}\n");
    Result result = run_dbctl({"env"}, {dir.path(), {}, {}});
    REQUIRE(result.exit_code == 0);
    CHECK(result.out == "USERS_DATABASE_URL=postgres://users@127.0.0.1:5432/users\n");
    CHECK(result.err.find("warning: users@pg: role users has no password") != std::string::npos);
  }

  TEST_CASE("passwords never reach stderr - even at -vv - and appear on stdout only in env") {
    TempDir dir;
    dir.write("topology.yaml", k_topology);
    std::vector<std::string> secrets{k_users_pw, k_app_pw, "admin-secret-456", "derive-key-789"};
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"env", "-vv", "--role", "owner"}, {"validate", "-vv"}, {"-vv", "-o", "json", "validate"}}) {
      Result result = run_dbctl(args, env_options(dir));
      CAPTURE(args[0]);
      REQUIRE(result.exit_code == 0);
      for (const auto& secret : secrets) {
        CHECK(result.err.find(secret) == std::string::npos);
        if (args[0] != "env") {
          CHECK(result.out.find(secret) == std::string::npos);
        }
      }
    }
  }

  TEST_CASE("an error message never shows a password given in a url") {
    TempDir dir;
    dir.write("topology.yaml", "version: 1\nname: shop\nservers:\n"
                               "  pg: {url: 'postgres://admin:Sup3rS3cret@h:99999/x'}\n"
                               "topology: {mode: db-per-service}\nservices:\n  users: {migrations: none}\n");
    Result result = run_dbctl({"validate", "-vv"}, {dir.path(), {}, {}});
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("Sup3rS3cret") == std::string::npos);
  }
}

TEST_SUITE("cli: new") {
  TEST_CASE("new writes the next version with a slugged description and prints its path") {
    TempDir dir;
    dir.write("topology.yaml", "version: 1\nname: shop\nservers:\n  pg: {engine: postgres}\n"
                               "topology: {mode: db-per-service}\nservices:\n  users: {}\n");
    dir.write("migrations/users/V1__init.sql", "select 1;");
    dir.write("migrations/users/V1.9__nine.sql", "select 1;");
    Result result = run_dbctl({"new", "users", "Add", "email index"}, {dir.path(), {}, {}});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    auto created = dir.path() / "migrations/users/V1.10__add_email_index.sql";
    CHECK(result.out == "migrations/users/V1.10__add_email_index.sql\n");
    CHECK(std::filesystem::exists(created));
    CHECK(read(created).rfind("-- V1.10: Add email index\n", 0) == 0);
  }

  TEST_CASE("new creates a missing migrations folder") {
    TempDir dir;
    dir.write("topology.yaml", "version: 1\nname: shop\nservers:\n  pg: {engine: postgres}\n"
                               "topology: {mode: db-per-service}\nservices:\n  users: {}\n");
    Result result = run_dbctl({"new", "users", "init"}, {dir.path(), {}, {}});
    REQUIRE(result.exit_code == 0);
    CHECK(std::filesystem::exists(dir.path() / "migrations/users/V1__init.sql"));
  }

  TEST_CASE("new refuses an unknown service - a service without migrations and no description") {
    TempDir dir;
    dir.write("topology.yaml", "version: 1\nname: shop\nservers:\n  pg: {engine: postgres}\n"
                               "topology: {mode: db-per-service}\n"
                               "services:\n  users: {}\n  cache: {migrations: none}\n");
    Result unknown = run_dbctl({"new", "usres", "x"}, {dir.path(), {}, {}});
    CHECK(unknown.exit_code == 2);
    CHECK(unknown.err.find("the topology has no service 'usres' (did you mean 'users'?)") !=
          std::string::npos);
    Result none = run_dbctl({"new", "cache", "x"}, {dir.path(), {}, {}});
    CHECK(none.exit_code == 2);
    CHECK(none.err.find("service 'cache' has migrations: none") != std::string::npos);
    CHECK(run_dbctl({"new", "users"}, {dir.path(), {}, {}}).exit_code == 2);
    CHECK_FALSE(std::filesystem::exists(dir.path() / "migrations"));
  }

  TEST_CASE("with --dir and no topology - new writes into that folder") {
    TempDir dir;
    Result result = run_dbctl({"--dir", "db/migrations", "new", "create", "users"}, {dir.path(), {}, {}});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    CHECK(std::filesystem::exists(dir.path() / "db/migrations/V1__create_users.sql"));
  }
}

TEST_SUITE("integration: configuration from the environment") {
  TEST_CASE("--env-file loads variables before anything reads them - the environment wins") {
    TempDir dir;
    std::filesystem::path topology = dir.write("conf/topology.yaml", k_topology);
    // DBCTL_FILE, DBCTL_OUTPUT and DBCTL_SERVICE from the file choose the topology, the format and
    // the targets; the passwords the topology interpolates come from it too.
    dir.write("ci.env", "# CI settings\nexport DBCTL_FILE=" + topology.string() +
                            "\nDBCTL_OUTPUT=json\nDBCTL_SERVICE=catalog\nADMIN_PW='from file'\n"
                            "USERS_PW=\"u-pw\"\nUSERS_APP_PW=a-pw\nDBCTL_SECRET=s\n");
    RunOptions options{dir.path(), {{"DBCTL_OUTPUT", std::nullopt}}, {}};
    Result env = run_dbctl({"--env-file", "ci.env", "env", "--role", "owner"}, options);
    INFO(env.err);
    REQUIRE(env.exit_code == 0);
    auto json = nlohmann::json::parse(env.out);
    REQUIRE(json.size() == 1); // DBCTL_SERVICE=catalog
    CHECK(json.begin().key() == "CATALOG_DATABASE_URL");
    // A variable already set wins over the file (text output), and the command line over both.
    options.env["DBCTL_OUTPUT"] = "text";
    Result text = run_dbctl({"env", "--env-file=ci.env", "--service", "users"}, options);
    INFO(text.err);
    REQUIRE(text.exit_code == 0);
    CHECK(text.out.find("USERS_ACME_DATABASE_URL=") != std::string::npos);
    CHECK(text.out.find("CATALOG") == std::string::npos);
    // Of two files, the later one wins a key both set (as docker compose reads several).
    dir.write("later.env", "DBCTL_SERVICE=users\n");
    options.env["DBCTL_OUTPUT"] = std::nullopt;
    Result both = run_dbctl({"--env-file", "ci.env", "--env-file", "later.env", "env"}, options);
    INFO(both.err);
    REQUIRE(both.exit_code == 0);
    CHECK(nlohmann::json::parse(both.out).contains("USERS_ACME_DATABASE_URL"));
    CHECK_FALSE(nlohmann::json::parse(both.out).contains("CATALOG_DATABASE_URL"));
  }

  TEST_CASE("DBCTL_* variables set every global option") {
    TempDir dir;
    std::filesystem::path topology = dir.write("topology.yaml", k_topology);
    std::map<std::string, std::optional<std::string>> vars{
        {"DBCTL_FILE", topology.string()}, {"DBCTL_TENANT", "acme,globex"}, {"DBCTL_SERVER", "pg"},
        {"DBCTL_JOBS", "3"}, {"DBCTL_OUTPUT", "json"}, {"DBCTL_VERBOSE", "2"}, {"DBCTL_NO_COLOR", "1"},
        {"ADMIN_PW", "x"}, {"USERS_PW", "y"}, {"USERS_APP_PW", "z"}, {"DBCTL_SECRET", "s"}};
    Result validate = run_dbctl({"validate"}, {dir.path(), vars, {}});
    INFO(validate.err);
    REQUIRE(validate.exit_code == 0);
    CHECK(nlohmann::json::parse(validate.out)["valid"] == true);
    vars["DBCTL_JOBS"] = "0";
    CHECK(run_dbctl({"validate"}, {dir.path(), vars, {}}).exit_code == 2); // checked like -j 0
    vars["DBCTL_JOBS"] = std::nullopt;
    vars["DBCTL_QUIET"] = "true";
    vars["DBCTL_VERBOSE"] = std::nullopt;
    vars["DBCTL_TENANT"] = "nobody";
    Result selected = run_dbctl({"env"}, {dir.path(), vars, {}});
    CHECK(selected.exit_code == 2);
    CHECK(selected.err.find("nobody") != std::string::npos);
  }

  TEST_CASE("a malformed --env-file is exit 2 naming its line - and no value") {
    TempDir dir;
    dir.write("bad.env", "GOOD=1\nPASSWORD=\"hunter2-unclosed\n");
    Result bad = run_dbctl({"--env-file", "bad.env", "validate"}, {dir.path(), {}, {}});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("bad.env:2:10: PASSWORD: the quoted value is never closed") != std::string::npos);
    CHECK(bad.err.find("hunter2") == std::string::npos);
    Result missing = run_dbctl({"--env-file", "nope.env", "validate"}, {dir.path(), {}, {}});
    CHECK(missing.exit_code == 2);
    CHECK(missing.err.find("--env-file nope.env: no such file") != std::string::npos);
  }
}

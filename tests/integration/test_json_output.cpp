// `-o json` of every reporting command, on both engines, checked against the documented
// schema (docs/schemas/output.schema.json) by scripts/check-json (python3-jsonschema); and
// colour in tables only on a terminal, never with NO_COLOR or --no-color.
#include "support.hpp"

#include <nlohmann/json.hpp>

#include <doctest/doctest.h>

using namespace dbctl::test;

namespace {

// Run a command with -o json and check its stdout against the command's definition.
Result check_command(const TestProject& project, std::vector<std::string> args, const std::string& definition,
                     int expected_exit = 0) {
  args.insert(args.begin(), {"-o", "json"});
  Result result = project.dbctl(args);
  CAPTURE(definition);
  INFO(result.err);
  CHECK(result.exit_code == expected_exit);
  std::string problems = json_violations(definition, result.out);
  INFO(result.out);
  CHECK_MESSAGE(problems.empty(), problems);
  return result;
}

void every_command(const std::string& server, const std::string& engine) {
  TestProject project("js", "topology: {mode: multi-tenant, tenants: [acme, globex]}\n"
                            "passwords: {derive_from: \"${DBCTL_SECRET}\"}\n"
                            "services:\n  @P@users: {app: true}\n  @P@audit: {app: false}\n",
                      server);
  project.write("migrations/@P@users/V1__t.sql", "CREATE TABLE t (id int);\n");
  project.write("migrations/@P@users/V2__u.sql", "CREATE TABLE u (id int);\n");
  project.write("migrations/@P@audit/V1__log.sql", "CREATE TABLE log (id int);\n");
  const std::string& p = project.prefix;
  check_command(project, {"validate"}, "validate");
  Result plan = check_command(project, {"plan"}, "plan");
  CHECK(nlohmann::json::parse(plan.out)["changes"].get<int>() > 0);
  check_command(project, {"wait"}, "wait");
  Result up = check_command(project, {"up"}, "up");
  auto up_doc = nlohmann::json::parse(up.out);
  CHECK(up_doc["migrate"].size() == 4);
  CHECK(up_doc["init"]["servers"][0]["engine"] == engine);
  CHECK(up_doc["init"]["servers"][0].contains("duration_ms"));
  Result status = check_command(project, {"status"}, "status");
  CHECK(nlohmann::json::parse(status.out)[0]["state"] == "up-to-date");
  check_command(project, {"migrate"}, "migrate");
  check_command(project, {"migrate", "--dry-run"}, "migrate");
  check_command(project, {"init"}, "init");
  check_command(project, {"env"}, "env");
  // A failing migration: result failed with its error, the rest not started or done.
  project.write("migrations/" + p + "users/V3__bad.sql", "CREATE TABLE nope (id int REFERENCES missing(id));\n");
  Result failed = check_command(project, {"migrate", "-j", "1"}, "migrate", 1);
  CHECK(failed.out.find("\"failed\"") != std::string::npos);
  std::filesystem::remove(project.dir.path() / ("migrations/" + p + "users/V3__bad.sql"));
  check_command(project, {"repair"}, "repair");
  check_command(project, {"status"}, "status");
  check_command(project, {"destroy", "--yes"}, "init");
  // baseline needs a target without history.
  check_command(project, {"init"}, "init");
  Result baseline = check_command(project, {"baseline", "--version", "2", "--service", p + "users"}, "baseline");
  CHECK(nlohmann::json::parse(baseline.out).size() == 2);
  check_command(project, {"destroy", "--yes"}, "init");
}

} // namespace

TEST_SUITE("integration: -o json") {
  TEST_CASE("the schema checker rejects a document that breaks it") {
    CHECK(json_violations("status", "[]").empty());
    CHECK_FALSE(json_violations("status", R"([{"service": "a"}])").empty());
    CHECK_FALSE(json_violations("migrate", R"([{"result": "exploded"}])").empty());
    CHECK_FALSE(json_violations("validate", "not json").empty());
  }

  TEST_CASE("every reporting command on PostgreSQL matches the documented schema") {
    every_command("  pg: {url: \"${DBCTL_TEST_PG_URL}\"}\n", "postgres");
  }

  TEST_CASE("every reporting command on MariaDB matches the documented schema") {
    every_command("  my: {url: \"${DBCTL_TEST_MYSQL_URL}\"}\n", "mysql");
  }

  TEST_CASE("status with a target it cannot reach matches the schema - the target as error") {
    for (const std::string engine : {"postgres", "mysql"}) {
      CAPTURE(engine);
      std::string url = engine == "postgres" ? "${DBCTL_TEST_PG_URL}" : "${DBCTL_TEST_MYSQL_URL}";
      TestProject project("jse",
                          "topology: {mode: multi-tenant, tenants: [acme, {name: globex, server: dead}]}\n"
                          "passwords: {derive_from: \"${DBCTL_SECRET}\"}\n"
                          "services:\n  @P@users: {server: live, migrations: none}\n",
                          "  live: {url: \"" + url + "\"}\n  dead: {engine: " + engine +
                              ", host: 127.0.0.1, port: 1, user: root, password: x}\n");
      Result status = check_command(project, {"status"}, "status", 1);
      auto rows = nlohmann::json::parse(status.out);
      REQUIRE(rows.size() == 2);
      CHECK(rows[1]["state"] == "error");
      CHECK(rows[1]["issues"].size() == 1);
    }
  }

  TEST_CASE("validate -o json of a broken topology lists its errors by the schema") {
    TempDir dir;
    dir.write("topology.yaml", "version: 1\nname: x\nservers: {pg: {url: \"postgres://a@h/d\"}}\n"
                               "services: {users: {migratons: m}}\n");
    Result bad = run_dbctl({"-o", "json", "validate"}, {dir.path(), {}, {}});
    CHECK(bad.exit_code == 2);
    CHECK(json_violations("validate", bad.out).empty());
    CHECK_FALSE(nlohmann::json::parse(bad.out)["errors"].empty());
  }

  TEST_CASE("status colours its STATE column on a terminal only - never with NO_COLOR or --no-color") {
    TestProject project("col", "topology: {mode: db-per-service}\nservices:\n  @P@users: {}\n");
    project.write("migrations/@P@users/V1__t.sql", "CREATE TABLE t (id int);\n");
    REQUIRE(project.dbctl({"up"}).exit_code == 0);
    // script(1) gives dbctl a terminal for stdout and stderr.
    auto on_tty = [&](const std::string& extra, std::map<std::string, std::optional<std::string>> env) {
      std::string command = DBCTL_BINARY " -f " + project.file.string() + " status" + extra;
      env.emplace("DBCTL_SECRET", "test-secret-" + project.prefix);
      return run({"script", "-qec", command, "/dev/null"}, {{}, env, {}});
    };
    Result colour = on_tty("", {{"NO_COLOR", std::nullopt}});
    INFO(colour.out);
    CHECK(colour.out.find("\033[32mup-to-date\033[0m") != std::string::npos);
    CHECK(on_tty("", {{"NO_COLOR", "1"}}).out.find("\033[") == std::string::npos);
    CHECK(on_tty(" --no-color", {{"NO_COLOR", std::nullopt}}).out.find("\033[") == std::string::npos);
    // Piped (CI logs): plain text, aligned.
    Result piped = project.dbctl({"status"}, {{"NO_COLOR", std::nullopt}});
    CHECK(piped.out.find("\033[") == std::string::npos);
    CHECK(piped.out.find("up-to-date") != std::string::npos);
    REQUIRE(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }
}

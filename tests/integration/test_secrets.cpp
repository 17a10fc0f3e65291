// Every command at -vv on a topology spanning both engines: no password (given, derived, or
// the admins') appears on stdout (except `env`'s), stderr, either server's statement log, or
// the process's command line while it runs.
#include "support.hpp"

#include "dbctl/util/url.hpp"

#include <chrono>
#include <set>
#include <thread>

#include <doctest/doctest.h>

using namespace dbctl::test;

namespace {

const std::string k_servers = "  pg: {url: \"${DBCTL_TEST_PG_URL}\"}\n  my: {url: \"${DBCTL_TEST_MYSQL_URL}\"}\n";

// The passwords of every URL in `env` output (one NAME=url per line), percent-decoded.
std::set<std::string> passwords_in(const std::string& env_output) {
  std::set<std::string> out;
  std::size_t start = 0;
  while (start < env_output.size()) {
    std::size_t end = env_output.find('\n', start);
    std::string line = env_output.substr(start, end - start);
    start = end == std::string::npos ? env_output.size() : end + 1;
    std::size_t eq = line.find('=');
    if (eq == std::string::npos) {
      continue;
    }
    dbctl::util::ParsedUrl parsed = dbctl::util::parse_url(line.substr(eq + 1));
    if (parsed.url && parsed.url->password && !parsed.url->password->empty()) {
      out.insert(*parsed.url->password);
    }
  }
  return out;
}

// The admin password inside a server URL from the environment.
std::string admin_password(const std::string& variable) {
  dbctl::util::ParsedUrl parsed = dbctl::util::parse_url(required_env(variable));
  REQUIRE(parsed.url);
  REQUIRE(parsed.url->password);
  return *parsed.url->password;
}

// The command line of a running process, NUL separators shown as spaces.
std::string command_line(int pid) {
  std::string text = read("/proc/" + std::to_string(pid) + "/cmdline");
  for (char& c : text) {
    c = c == '\0' ? ' ' : c;
  }
  return text;
}

} // namespace

TEST_SUITE("secrets") {
  TEST_CASE("no password reaches stdout - stderr - either server's log or the command line - for any command at -vv") {
    TestProject project("allsec", "topology: {mode: db-per-service}\n"
                                  "passwords: {derive_from: \"${DBCTL_SECRET}\"}\n"
                                  "services:\n"
                                  "  @P@users: {server: pg, owner: {password: \"${USERS_PW}\"}, app: true}\n"
                                  "  @P@orders: {server: my, app: {password: \"${ORDERS_APP_PW}\"}}\n"
                                  "roles:\n"
                                  "  @P@reporting: {password: \"${REPORTING_PW}\", grants: [{services: \"*\", privileges: read}]}\n",
                        k_servers);
    project.write("migrations/@P@users/V1__users.sql", "CREATE TABLE accounts (id int);\n");
    project.write("migrations/@P@orders/V1__orders.sql", "CREATE TABLE orders (id int);\n");
    std::map<std::string, std::optional<std::string>> env{{"USERS_PW", "users-Pw'" + project.prefix},
                                                          {"ORDERS_APP_PW", "orders\\Pw$" + project.prefix},
                                                          {"REPORTING_PW", "report \"Pw\" " + project.prefix}};
    std::set<std::string> secrets{*env["USERS_PW"], *env["ORDERS_APP_PW"], *env["REPORTING_PW"],
                                  "test-secret-" + project.prefix, admin_password("DBCTL_TEST_PG_URL"),
                                  admin_password("DBCTL_TEST_MYSQL_URL")};
    // Derived passwords (the app roles without one of their own) come from env's output.
    for (const char* role : {"owner", "app"}) {
      Result urls = project.dbctl({"env", "--role", role}, env);
      REQUIRE(urls.exit_code == 0);
      for (const auto& password : passwords_in(urls.out)) {
        secrets.insert(password);
      }
    }
    REQUIRE(secrets.size() >= 8);

    // baseline below V1 first, so migrate still applies V1 after it.
    std::vector<std::vector<std::string>> commands{{"validate"},
                                                   {"plan"},
                                                   {"init"},
                                                   {"baseline", "--version", "0.1"},
                                                   {"migrate"},
                                                   {"status"},
                                                   {"up"},
                                                   {"wait"},
                                                   {"repair"},
                                                   {"new", project.prefix + "users", "second"},
                                                   {"env"},
                                                   {"-o", "json", "status"},
                                                   {"destroy", "--yes"}};
    for (const auto& command : commands) {
      CAPTURE(command[0]);
      std::vector<std::string> args{"-vv"};
      args.insert(args.end(), command.begin(), command.end());
      auto process = project.start(args, env);
      std::string cmdline;
      for (int i = 0; i < 4 && process->running(); ++i) {
        cmdline += command_line(process->pid());
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      Result result = process->wait();
      INFO(result.err);
      CHECK(result.exit_code == 0);
      for (const auto& secret : secrets) {
        CAPTURE(secret);
        CHECK(result.err.find(secret) == std::string::npos);
        CHECK(cmdline.find(secret) == std::string::npos);
        if (command[0] != "env") {
          CHECK(result.out.find(secret) == std::string::npos);
        }
      }
    }
    std::string pg_log = read(required_env("DBCTL_TEST_PG_LOG"));
    std::string mysql_log = read(required_env("DBCTL_TEST_MYSQL_LOG"));
    REQUIRE(pg_log.find(project.prefix + "users") != std::string::npos); // the logs do record us
    REQUIRE(mysql_log.find(project.prefix + "orders") != std::string::npos);
    for (const auto& secret : secrets) {
      CAPTURE(secret);
      CHECK(pg_log.find(secret) == std::string::npos);
      CHECK(mysql_log.find(secret) == std::string::npos);
    }
  }
}

TEST_SUITE("secrets") {
  TEST_CASE("password_command: a secrets CLI stand-in gives the admin's and the owner's passwords - never logged") {
    dbctl::util::ParsedUrl admin = dbctl::util::parse_url(required_env("DBCTL_TEST_PG_URL"));
    REQUIRE(admin.url);
    std::string prefix = unique_prefix("pwc");
    std::string owner_password = "from-the-vault-" + prefix + "Qx7";
    TestProject project("pwc", "topology: {mode: db-per-service}\n"
                               "services:\n"
                               "  @P@svc:\n"
                               "    migrations: none\n"
                               "    owner: {password_command: [\"./fake-vault\", \"kv\", \"get\", \"owner\"]}\n",
                        "  pg:\n    engine: postgres\n    host: 127.0.0.1\n    port: " +
                            std::to_string(*admin.url->port) +
                            "\n    user: postgres\n"
                            "    password_command: [\"./fake-vault\", \"kv\", \"get\", \"admin\"]\n");
    // Like `vault kv get -field=password secret/NAME`: the value from its store, a note on stderr.
    std::filesystem::path cli = project.write("fake-vault", "#!/bin/sh\n"
                                                             "echo \"reading $3\" >&2\n"
                                                             "cat \"$(dirname \"$0\")/store/$3\"\n");
    std::filesystem::permissions(cli, std::filesystem::perms::owner_exec, std::filesystem::perm_options::add);
    project.write("store/admin", *admin.url->password + "\n");
    project.write("store/owner", owner_password + "\n");
    Result up = project.dbctl({"up", "-vv"});
    INFO(up.err);
    REQUIRE(up.exit_code == 0);
    CHECK(up.err.find("reading admin") != std::string::npos); // its stderr is shown
    CHECK(up.err.find(owner_password) == std::string::npos);
    CHECK(up.err.find(*admin.url->password) == std::string::npos);
    Result env = project.dbctl({"env", "--role", "owner"});
    REQUIRE(env.exit_code == 0);
    CHECK(passwords_in(env.out) == std::set<std::string>{owner_password});
    std::string url = env.out.substr(env.out.find('=') + 1);
    Result login = psql(url.substr(0, url.find('\n')), "SELECT current_user");
    CHECK(login.out.find(prefix + "svc") != std::string::npos);

    // A CLI that fails stops everything before any server is touched.
    std::filesystem::remove(project.dir.path() / "store/owner");
    Result failed = project.dbctl({"destroy", "--yes"});
    CHECK(failed.exit_code == 2);
    CHECK(failed.err.find("services." + prefix + "svc.owner.password_command: `./fake-vault kv get owner` exited 1") !=
          std::string::npos);
    CHECK(pg_query("SELECT count(*) FROM pg_roles WHERE rolname = '" + prefix + "svc'") == "1");
    project.write("store/owner", owner_password + "\n");
    CHECK(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }
}

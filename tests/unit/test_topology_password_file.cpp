#include "helpers.hpp"
#include "temp_dir.hpp"

#include "dbctl/topology/load.hpp"

#include <fstream>
#include <iterator>

using dbctl::unit::TempDir;
using dbctl::unit::messages;

namespace {

const std::string k_rest = "topology: {mode: db-per-service}\nservices:\n  users:\n    migrations: none\n";

// Load a topology whose folder is `dir`, with servers.pg given by `server` and extra text.
dbctl::topology::LoadResult load_in(const TempDir& dir, const std::string& server, const std::string& more = "") {
  std::string text = "version: 1\nname: shop\nservers:\n  pg:\n    engine: postgres\n" + server + k_rest + more;
  return dbctl::topology::load_text(text, "t.yaml", dir.path(), [](const std::string&) {
    return std::optional<std::string>();
  });
}

} // namespace

TEST_SUITE("topology::load") {
  TEST_CASE("password_file reads a password relative to the topology - one trailing newline dropped") {
    TempDir dir;
    dir.write("secrets/pg", "it's $$ \"quoted\" \\ and ünïcode\n");
    dir.write("secrets/app", "app-pw\r\n");
    auto result = load_in(dir, "    password_file: secrets/pg\n",
                          "    app: {name: users_app, password_file: secrets/app}\n");
    REQUIRE(messages(result.diagnostics).empty());
    REQUIRE(result.topology);
    CHECK(result.topology->servers.at(0).password->reveal() == "it's $$ \"quoted\" \\ and ünïcode");
    CHECK(result.topology->services.at(0).app->password->value.reveal() == "app-pw");
    // Registered as secrets, so every log line masks them.
    CHECK(result.topology->secrets.size() == 2);
  }

  TEST_CASE("password_file: both keys - a missing - empty or binary file - each a located error") {
    TempDir dir;
    dir.write("empty", "\n");
    dir.write("binary", std::string("a\0b", 3));
    CHECK(messages(load_in(dir, "    password: x\n    password_file: empty\n").diagnostics) ==
          std::vector<std::string>{"7:20: servers.pg: password and password_file are alternatives; give one"});
    CHECK(messages(load_in(dir, "    password_file: nope\n").diagnostics) ==
          std::vector<std::string>{"6:20: servers.pg.password_file: " + (dir.path() / "nope").string() +
                                   ": no such file"});
    CHECK(messages(load_in(dir, "    password_file: empty\n").diagnostics) ==
          std::vector<std::string>{"6:20: servers.pg.password_file: " + (dir.path() / "empty").string() +
                                   ": is empty"});
    CHECK(messages(load_in(dir, "    password_file: binary\n").diagnostics) ==
          std::vector<std::string>{"6:20: servers.pg.password_file: " + (dir.path() / "binary").string() +
                                   ": holds a NUL byte; a password is text"});
  }
}

TEST_SUITE("topology::load") {
  TEST_CASE("password_command runs a program standing in for a secrets CLI - once per argv - stderr masked") {
    TempDir dir;
    // A stand-in for `vault kv get -field=password secret/...`: counts its runs, says something
    // on stderr (including the secret, which must be masked), prints the secret.
    std::filesystem::path cli = dir.write("bin/fake-vault", "#!/bin/sh\n"
                                                            "echo run >> \"$(dirname \"$0\")/runs\"\n"
                                                            "echo \"fetched $2 = s3cr3t-$2\" >&2\n"
                                                            "printf '  s3cr3t-%s\\n\\n' \"$2\"\n");
    std::filesystem::permissions(cli, std::filesystem::perms::owner_exec, std::filesystem::perm_options::add);
    auto result = load_in(dir, "    password_command: [\"bin/fake-vault\", \"kv\", \"pg\"]\n",
                          "    owner: {password_command: [\"bin/fake-vault\", \"kv\", \"users\"]}\n"
                          "    app: {password_command: [\"bin/fake-vault\", \"kv\", \"pg\"]}\n");
    REQUIRE(messages(result.diagnostics).empty());
    REQUIRE(result.topology);
    CHECK(result.topology->servers.at(0).password->reveal() == "s3cr3t-pg");
    CHECK(result.topology->services.at(0).owner.password->value.reveal() == "s3cr3t-users");
    CHECK(result.topology->services.at(0).app->password->value.reveal() == "s3cr3t-pg");
    std::ifstream runs(dir.path() / "bin/runs");
    std::string counted((std::istreambuf_iterator<char>(runs)), std::istreambuf_iterator<char>());
    CHECK(counted == "run\nrun\n"); // the pg argv ran once for two fields
    std::vector<std::string> warnings;
    for (const auto& warning : result.diagnostics.warnings()) {
      warnings.push_back(warning.message);
    }
    CHECK(warnings == std::vector<std::string>{"servers.pg.password_command: bin/fake-vault: fetched pg = ***",
                                               "services.users.owner.password_command: bin/fake-vault: fetched users = ***"});
  }

  TEST_CASE("password_command: a failing - silent - missing or shell-string command is a located error") {
    TempDir dir;
    std::filesystem::path fails = dir.write("fails", "#!/bin/sh\necho 'permission denied' >&2\nexit 3\n");
    std::filesystem::permissions(fails, std::filesystem::perms::owner_exec, std::filesystem::perm_options::add);
    CHECK(messages(load_in(dir, "    password_command: [\"./fails\", \"x\"]\n").diagnostics) ==
          std::vector<std::string>{"6:23: servers.pg.password_command: `./fails x` exited 3: permission denied"});
    CHECK(messages(load_in(dir, "    password_command: [\"true\"]\n").diagnostics) ==
          std::vector<std::string>{"6:23: servers.pg.password_command: `true` printed nothing"});
    CHECK(messages(load_in(dir, "    password_command: [dbctl-no-such-cli]\n").diagnostics) ==
          std::vector<std::string>{"6:23: servers.pg.password_command: dbctl-no-such-cli is not on PATH"});
    auto shell = messages(load_in(dir, "    password_command: \"vault kv get x\"\n").diagnostics);
    REQUIRE(shell.size() == 1);
    CHECK(shell[0].find("6:23: servers.pg.password_command must be a list of words (argv)") == 0);
    CHECK(messages(load_in(dir, "    password: x\n    password_command: [\"true\"]\n").diagnostics) ==
          std::vector<std::string>{"7:23: servers.pg: password and password_command are alternatives; give one"});
  }
}

#include "helpers.hpp"
#include "temp_dir.hpp"

#include "dbctl/topology/load.hpp"

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

// format: command keys in a service entry: what loads, where each mistake is reported, and what
// a target carries.
#include "helpers.hpp"

#include "dbctl/migration/command.hpp"

using dbctl::unit::k_pg_head;
using dbctl::unit::load;

namespace {
const std::string k_dps = "topology: {mode: db-per-service}\n";
} // namespace

TEST_SUITE("topology::command") {
  TEST_CASE("a command service loads its argv - cwd - current - url_scheme per engine") {
    auto loaded = load(k_pg_head + k_dps +
                       "services:\n"
                       "  billing:\n"
                       "    format: command\n"
                       "    run: [alembic, upgrade, head]\n"
                       "    cwd: services/billing\n"
                       "    current: alembic\n"
                       "    version_table: alembic_version_billing\n"
                       "    url_scheme: {postgres: postgresql+psycopg2, mysql: mysql+pymysql}\n"
                       "    owner: {password: pw}\n");
    REQUIRE(loaded->problems.empty());
    const auto& command = loaded->topology.services.at(0).command;
    REQUIRE(command.run);
    CHECK(command.run->value == std::vector<std::string>{"alembic", "upgrade", "head"});
    CHECK(command.alembic);
    CHECK(command.alembic_table() == "alembic_version_billing");
    REQUIRE(command.scheme_for(dbctl::topology::Engine::mysql) != nullptr);
    CHECK(command.scheme_for(dbctl::topology::Engine::mysql)->value == "mysql+pymysql");
    REQUIRE(loaded->targets.size() == 1);
    const auto& target = loaded->targets.front();
    CHECK(target.command == &command);
    CHECK(target.command_cwd == "/project/services/billing");
    auto env = dbctl::migration::command_environment(target);
    CHECK(env.at(0).first == "DATABASE_URL");
    CHECK(env.at(0).second.rfind("postgresql+psycopg2://billing:pw@127.0.0.1:5432/billing", 0) == 0);
    CHECK(std::find(env.begin(), env.end(), std::pair<std::string, std::string>{"ALEMBIC_VERSION_TABLE",
                                                                                 "alembic_version_billing"}) != env.end());
    CHECK(dbctl::migration::command_set(target).repeatable.at(0).script == "alembic upgrade head");
  }

  TEST_CASE("the program's folder defaults to the migrations folder") {
    auto loaded = load(k_pg_head + k_dps + "services:\n  users: {format: command, run: [\"./migrate.sh\"]}\n");
    REQUIRE(loaded->problems.empty());
    CHECK(loaded->targets.at(0).command_cwd == "/project/migrations/users");
  }

  TEST_CASE("command mistakes are located errors") {
    auto problems = [](const std::string& service) { return load(k_pg_head + k_dps + "services:\n" + service)->problems; };
    CHECK(problems("  a: {format: command}\n") ==
          std::vector<std::string>{"7:15: services.a.format: command needs run: [program, args...], e.g. run: "
                                   "[\"alembic\", \"upgrade\", \"head\"]"});
    auto shell = problems("  a: {format: command, run: \"alembic upgrade head\"}\n");
    REQUIRE(shell.size() == 1);
    CHECK(shell[0].find("7:29: services.a.run must be a list of words (argv)") == 0);
    CHECK(problems("  a: {format: command, run: []}\n") ==
          std::vector<std::string>{"7:29: services.a.run is empty; give the program and its arguments"});
    CHECK(problems("  a: {format: command, run: [x, \"\"]}\n") ==
          std::vector<std::string>{"7:33: services.a.run holds an empty word"});
    CHECK(problems("  a: {run: [x]}\n") ==
          std::vector<std::string>{"7:12: services.a.run: only a service with format: command runs a program (this "
                                   "one's format is flyway)"});
    CHECK(problems("  a: {format: command, run: [x], current: flyway}\n") ==
          std::vector<std::string>{"7:43: services.a.current must be alembic or a program's argv (a list), not 'flyway'"});
    CHECK(problems("  a: {format: command, run: [x], heads: [y]}\n") ==
          std::vector<std::string>{"7:41: services.a.heads: needs current: [program, ...] beside it"});
    CHECK(problems("  a: {format: command, run: [x], version_table: v}\n") ==
          std::vector<std::string>{"7:49: services.a.version_table: serves current: alembic"});
    CHECK(problems("  a: {format: command, run: [x], url_scheme: \"9bad\"}\n") ==
          std::vector<std::string>{"7:46: services.a.url_scheme: '9bad' is not a URL scheme (letters, digits, + - .), "
                                   "e.g. postgresql+psycopg2"});
  }
}

// plan --sql and --out: the same bytes for the same state, and every statement it shows is what
// init and migrate then send, in that order (the test server logs every statement).
#include "support.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>

using namespace dbctl::test;

namespace {

// The SQL lines a plan shows (comments and blank lines dropped), each split at '<redacted>'
// into the pieces the server sees around the verifier.
std::vector<std::string> sql_pieces(const std::string& plan) {
  std::vector<std::string> out;
  std::istringstream lines(plan);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line.rfind("--", 0) == 0) {
      continue;
    }
    if (line.back() == ';') {
      line.pop_back();
    }
    for (std::size_t at; (at = line.find("'<redacted>'")) != std::string::npos;) {
      out.push_back(line.substr(0, at));
      line = line.substr(at + 12);
    }
    if (!line.empty()) {
      out.push_back(line);
    }
  }
  return out;
}

} // namespace

TEST_SUITE("plan --sql") {
  TEST_CASE("plan --sql is byte-stable and init then migrate send each of its statements in its order") {
    TestProject project("pls", "topology: {mode: db-per-service}\npasswords: {derive_from: \"${DBCTL_SECRET}\"}\n"
                               "services:\n  @P@svc: {app: true}\n");
    project.write("migrations/@P@svc/V1__tables.sql",
                  "CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL);\n"
                  "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\n");
    project.write("migrations/@P@svc/V2__index.sql",
                  "-- dbctl:no-transaction\nCREATE INDEX CONCURRENTLY accounts_email ON accounts (email);\n");
    Result first = project.dbctl({"plan", "--sql"});
    INFO(first.err);
    REQUIRE(first.exit_code == 0);
    CHECK(project.dbctl({"plan", "--sql"}).out == first.out);
    CHECK(first.out.find("PASSWORD '<redacted>'") != std::string::npos);
    CHECK(first.out.find("-- V1__tables.sql (one transaction with its history row)\nCREATE TABLE accounts") !=
          std::string::npos);
    CHECK(first.out.find("-- V2__index.sql (outside a transaction)") != std::string::npos);

    std::filesystem::path log = required_env("DBCTL_TEST_PG_LOG");
    std::size_t before = std::filesystem::file_size(log);
    Result up = project.dbctl({"up"});
    INFO(up.err);
    REQUIRE(up.exit_code == 0);
    std::string sent = read(log).substr(before);
    std::size_t at = 0;
    for (const auto& piece : sql_pieces(first.out)) {
      CAPTURE(piece);
      std::size_t found = sent.find(piece, at);
      CHECK(found != std::string::npos);
      at = found == std::string::npos ? at : found + piece.size();
    }

    // Nothing extra: every statement the server logged that names the project's objects is one
    // of the plan's, or dbctl's own bookkeeping (its role switch, its history and schema record tables).
    std::vector<std::string> pieces = sql_pieces(first.out);
    std::istringstream logged(sent);
    std::string line;
    while (std::getline(logged, line)) {
      std::size_t statement = line.find("statement: ");
      if (statement == std::string::npos || line.find(project.prefix) == std::string::npos) {
        continue;
      }
      std::string text = line.substr(statement + 11);
      bool planned = std::any_of(pieces.begin(), pieces.end(), [&](const std::string& piece) {
        return piece.size() > 8 && text.find(piece) != std::string::npos;
      });
      bool own = text.rfind("SET ROLE", 0) == 0 || text.find("dbctl_history") != std::string::npos ||
                 text.find("dbctl_schema") != std::string::npos;
      CHECK_MESSAGE((planned || own), text);
    }

    // Nothing left to do: the plan says so, and --out writes no file.
    Result after = project.dbctl({"plan", "--out", (project.dir.path() / "plan").string()});
    CHECK(after.exit_code == 0);
    CHECK(after.out == "");
    project.write("migrations/@P@svc/V3__more.sql", "ALTER TABLE accounts ADD COLUMN name text;\n");
    Result out = project.dbctl({"plan", "--out", (project.dir.path() / "plan").string()});
    CHECK(out.out == (project.dir.path() / "plan" / (project.prefix + "svc@pg.sql")).string() + "\n");
    CHECK(read(project.dir.path() / "plan" / (project.prefix + "svc@pg.sql")) ==
          "-- dbctl migrate: " + project.prefix + "svc@pg, database " + project.prefix + "svc, schema public, as " +
              project.prefix + "svc\n\n-- V3__more.sql (one transaction with its history row)\n"
              "ALTER TABLE accounts ADD COLUMN name text;\n");
    Result json = project.dbctl({"plan", "--sql", "-o", "json"});
    auto doc = nlohmann::json::parse(json.out);
    CHECK(doc["migrations"][0]["sql"] ==
          nlohmann::json::parse(R"([{"script": "V3__more.sql", "sql": "ALTER TABLE accounts ADD COLUMN name text;\n"}])"));
    CHECK(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }
}

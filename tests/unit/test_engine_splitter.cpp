#include "dbctl/engine/splitter.hpp"

#include <random>

#include <doctest/doctest.h>

using dbctl::engine::split_postgres;

namespace {
std::vector<std::string> texts(const std::string& sql) {
  std::vector<std::string> out;
  for (const auto& s : split_postgres(sql)) {
    out.push_back(s.text);
  }
  return out;
}
} // namespace

TEST_SUITE("engine::splitter") {
  TEST_CASE("statements split at top-level semicolons - with their starting lines") {
    auto statements = split_postgres("CREATE TABLE a (x int);\n\n  CREATE INDEX i ON a (x);\n");
    REQUIRE(statements.size() == 2);
    CHECK(statements[0].text == "CREATE TABLE a (x int);");
    CHECK(statements[0].line == 1);
    CHECK(statements[1].text == "CREATE INDEX i ON a (x);");
    CHECK(statements[1].line == 3);
  }

  TEST_CASE("a statement's code line is after its leading comments") {
    auto statements = split_postgres("-- one\n\n/* two\n */ CREATE TABLE a (x int);\n# not a comment here;\n");
    REQUIRE(statements.size() == 2);
    CHECK(statements[0].line == 1);
    CHECK(statements[0].code_line == 4);
    CHECK(statements[1].code_line == 5);
  }

  TEST_CASE("semicolons inside strings - identifiers - comments and dollar quotes stay") {
    std::string sql = "SELECT 'a;b', \"c;d\", E'e\\';f';\n"
                      "-- a comment; still a comment\n"
                      "/* block; /* nested; */ still */ SELECT 1;\n"
                      "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $fn$ SELECT 1; $fn$;\n"
                      "DO $$ BEGIN PERFORM 1; END $$;";
    auto out = texts(sql);
    REQUIRE(out.size() == 4);
    CHECK(out[0] == "SELECT 'a;b', \"c;d\", E'e\\';f';");
    CHECK(out[2] == "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $fn$ SELECT 1; $fn$;");
    CHECK(out[3] == "DO $$ BEGIN PERFORM 1; END $$;");
  }

  TEST_CASE("a comment-only tail and empty statements are dropped - a last statement without  - stays") {
    CHECK(texts("SELECT 1;;\n-- the end\n") == std::vector<std::string>{"SELECT 1;"});
    CHECK(texts("SELECT 1") == std::vector<std::string>{"SELECT 1"});
    CHECK(texts("-- dbctl:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (x);")[0] ==
          "-- dbctl:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (x);");
  }

  TEST_CASE("$1 parameters and doubled quotes are not quote starts") {
    CHECK(texts("PREPARE p AS SELECT $1; SELECT 'it''s; fine';").size() == 2);
  }

  // Statements are slices of the input, in order and without overlap; with an alphabet that
  // cannot form comments, all that may be left between them is blanks and semicolons.
  TEST_CASE("random text never crashes and loses nothing but blanks and bare semicolons") {
    std::mt19937 random(20261121);
    for (const std::string& alphabet : {std::string("ab;'\"$\n E\\_1"), std::string("ab;'\"$-/*\n E\\_1")}) {
      bool comments_possible = alphabet.find('-') != std::string::npos;
      for (int round = 0; round < 3000; ++round) {
        std::string sql;
        std::size_t length = random() % 80;
        for (std::size_t i = 0; i < length; ++i) {
          sql += alphabet[random() % alphabet.size()];
        }
        CAPTURE(sql);
        std::size_t at = 0;
        std::string left;
        for (const auto& statement : split_postgres(sql)) {
          std::size_t found = sql.find(statement.text, at);
          REQUIRE(found != std::string::npos);
          left += sql.substr(at, found - at);
          at = found + statement.text.size();
        }
        left += sql.substr(at);
        if (!comments_possible) {
          CHECK(left.find_first_not_of(" \n;") == std::string::npos);
        }
      }
    }
  }
}

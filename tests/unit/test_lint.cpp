#include "dbctl/lint/lint.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <utility>

#include <doctest/doctest.h>

using namespace dbctl::lint;
using dbctl::topology::Engine;

namespace {

namespace fs = std::filesystem;

const fs::path k_corpus = fs::path(DBCTL_SOURCE_DIR) / "tests" / "lint";

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool starts_no_transaction(const std::string& sql) { return sql.rfind("-- dbctl:no-transaction", 0) == 0; }

FileLint lint_text(const std::string& sql, Engine engine = Engine::postgres, Settings settings = {}) {
  settings.engine = engine;
  FileLint out = lint_file("V1__x.sql", sql, starts_no_transaction(sql), settings);
  settle({&out});
  return out;
}

using Marks = std::set<std::pair<int, std::string>>;

// `-- expect: rule-a rule-b` at the end of a line: the findings that line must have.
Marks expected(const std::string& sql) {
  Marks marks;
  std::istringstream lines(sql);
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    std::size_t at = line.find("-- expect:");
    if (at == std::string::npos) {
      continue;
    }
    std::istringstream rules(line.substr(at + 10));
    std::string rule;
    while (rules >> rule) {
      marks.insert({number, rule});
    }
  }
  return marks;
}

Marks found(const FileLint& lint) {
  Marks marks;
  for (const auto& finding : lint.findings) {
    marks.insert({finding.where.line, finding.rule});
  }
  return marks;
}

std::vector<std::string> rules_of(const FileLint& lint) {
  std::vector<std::string> out;
  for (const auto& finding : lint.findings) {
    out.push_back(finding.rule);
  }
  return out;
}

} // namespace

TEST_SUITE("lint::corpus") {
  TEST_CASE("every rule has a positive and a negative case for each engine it applies to") {
    for (const Rule& rule : rules()) {
      for (auto [engine, applies] : {std::pair{std::string("postgres"), rule.postgres},
                                     std::pair{std::string("mysql"), rule.mysql}}) {
        if (!applies) {
          continue;
        }
        CAPTURE(rule.id);
        CAPTURE(engine);
        CHECK(fs::exists(k_corpus / engine / (std::string(rule.id) + ".bad.sql")));
        CHECK(fs::exists(k_corpus / engine / (std::string(rule.id) + ".good.sql")));
      }
    }
  }

  TEST_CASE("docs/commands/lint.md has a section and a table row for every rule") {
    std::string page = read(fs::path(DBCTL_SOURCE_DIR) / "docs" / "commands" / "lint.md");
    for (const Rule& rule : rules()) {
      CAPTURE(rule.id);
      CHECK(page.find("### `" + std::string(rule.id) + "`\n") != std::string::npos);
      std::string engines = rule.postgres && rule.mysql ? "PostgreSQL, MySQL" : rule.postgres ? "PostgreSQL" : "MySQL";
      std::string level(dbctl::topology::to_string(rule.level));
      CHECK(page.find("| `" + std::string(rule.id) + "` | " + engines + " | " + level + " |") != std::string::npos);
    }
  }

  TEST_CASE("each corpus file has exactly the findings its `-- expect:` marks name") {
    std::size_t files = 0;
    for (auto [folder, engine] : {std::pair{"postgres", Engine::postgres}, std::pair{"mysql", Engine::mysql}}) {
      for (const auto& entry : fs::directory_iterator(k_corpus / folder)) {
        std::string name = entry.path().filename().string();
        std::string sql = read(entry.path());
        CAPTURE(entry.path().string());
        FileLint lint = lint_text(sql, engine);
        REQUIRE(lint.problems.empty());
        CHECK(found(lint) == expected(sql));
        std::string rule = name.substr(0, name.find('.'));
        REQUIRE(find_rule(rule) != nullptr);
        bool bad = name.find(".bad") != std::string::npos;
        std::size_t own = std::count_if(lint.findings.begin(), lint.findings.end(),
                                        [&](const Finding& f) { return f.rule == rule; });
        CHECK((bad ? own > 0 : own == 0));
        ++files;
      }
    }
    CHECK(files >= 2 * (rules().size()));
  }
}

TEST_SUITE("lint::rules") {
  TEST_CASE("a finding says where and how severe it is and what is wrong and how to fix it") {
    FileLint lint = lint_text("SET lock_timeout = '1s';\n  DROP TABLE legacy;\n");
    REQUIRE(lint.findings.size() == 1);
    const Finding& finding = lint.findings[0];
    CHECK(format(finding) == "V1__x.sql:2:3: warning drop-table: DROP TABLE legacy drops a table the running "
                             "service may still use");
    CHECK(finding.fix == find_rule("drop-table")->fix);
    lint = lint_text("CREATE INDEX CONCURRENTLY i ON t (a);");
    REQUIRE(lint.findings.size() == 1);
    CHECK(format(lint.findings[0]).rfind("V1__x.sql:1:14: error concurrent-in-transaction: ", 0) == 0);
  }

  TEST_CASE("the topology's levels turn rules off or into errors and rules of the other engine never apply") {
    Settings settings;
    settings.levels["drop-table"] = Level::off;
    settings.levels["truncate"] = Level::error;
    FileLint lint = lint_text("SET lock_timeout = '1s'; DROP TABLE a; TRUNCATE b;", Engine::postgres, settings);
    REQUIRE(lint.findings.size() == 1);
    CHECK(lint.findings[0].rule == "truncate");
    CHECK(lint.findings[0].level == Level::error);
    CHECK(rules_of(lint_text("ALTER TABLE t ADD COLUMN c INT, ALGORITHM=COPY;", Engine::postgres)) ==
          std::vector<std::string>{"missing-lock-timeout"});
    CHECK(rules_of(lint_text("CREATE INDEX CONCURRENTLY i ON t (a);", Engine::mysql)).empty());
  }

  TEST_CASE("before PostgreSQL 11 any DEFAULT of a new column rewrites the table") {
    std::string sql = "SET lock_timeout = '1s'; ALTER TABLE t ADD COLUMN c int DEFAULT 0, ADD COLUMN d int DEFAULT NULL;";
    Settings old;
    old.postgres_major = 10;
    FileLint lint = lint_text(sql, Engine::postgres, old);
    REQUIRE(lint.findings.size() == 1);
    CHECK(lint.findings[0].rule == "volatile-default");
    CHECK(lint.findings[0].message.find("supports PostgreSQL 10") != std::string::npos);
    Settings current;
    current.postgres_major = 11;
    CHECK(lint_text(sql, Engine::postgres, current).findings.empty());
    CHECK(lint_text(sql).findings.empty());
  }

  TEST_CASE("a CHECK validated in an earlier file proves the column for SET NOT NULL in a later one") {
    Settings settings;
    auto lint = [&](const std::string& sql) {
      return lint_file("f.sql", "SET lock_timeout = '1s';\n" + sql, false, settings);
    };
    FileLint add = lint("ALTER TABLE u ADD CONSTRAINT e_nn CHECK (email IS NOT NULL) NOT VALID;");
    FileLint validate = lint("ALTER TABLE u VALIDATE CONSTRAINT e_nn;");
    FileLint set = lint("ALTER TABLE u ALTER COLUMN email SET NOT NULL;");
    FileLint set_again = set;
    settle({&add, &validate, &set});
    CHECK(set.findings.empty());
    settle({&add, &set_again});
    CHECK(rules_of(set_again) == std::vector<std::string>{"set-not-null"});
  }
}

TEST_SUITE("lint::directives") {
  TEST_CASE("a dbctl:lint-ignore line silences one finding of its rule on the next statement") {
    FileLint lint = lint_text("SET lock_timeout = '1s';\n"
                              "-- dbctl:lint-ignore drop-table replaced by orders_v2 in release 3.1\n"
                              "DROP TABLE orders;\n"
                              "DROP TABLE lines;\n");
    CHECK(lint.suppressed == 1);
    REQUIRE(lint.findings.size() == 1);
    CHECK(lint.findings[0].where.line == 4);
  }

  TEST_CASE("directives stack for the several findings of one statement and reach a finding inside it") {
    FileLint lint = lint_text("-- dbctl:lint-ignore missing-lock-timeout the table has 10 rows\n"
                              "-- dbctl:lint-ignore drop-column unused since 2.0\n"
                              "ALTER TABLE users\n"
                              "  DROP COLUMN a,\n"
                              "  -- dbctl:lint-ignore drop-column unused since 2.1\n"
                              "  DROP COLUMN b,\n"
                              "  DROP COLUMN c;\n");
    CHECK(lint.suppressed == 3);
    REQUIRE(lint.findings.size() == 1);
    CHECK(lint.findings[0].where.line == 7);
  }

  TEST_CASE("a directive without a reason or with an unknown rule makes the file unreadable to lint") {
    FileLint lint = lint_text("-- dbctl:lint-ignore drop-table\nDROP TABLE a;\n");
    REQUIRE(lint.problems.size() == 1);
    CHECK(dbctl::util::to_string(lint.problems[0]) ==
          "V1__x.sql:1:1: dbctl:lint-ignore drop-table needs a reason after the rule (why it is safe here)");
    lint = lint_text("SELECT 1;\n  # dbctl:lint-ignore drop-tabel old\nDROP TABLE a;\n", Engine::mysql);
    REQUIRE(lint.problems.size() == 1);
    CHECK(dbctl::util::to_string(lint.problems[0]) ==
          "V1__x.sql:2:3: dbctl:lint-ignore names no rule 'drop-tabel' (did you mean 'drop-table'?)");
    CHECK(lint_text("-- dbctl:lint-ignore\nSELECT 1;").problems.size() == 1);
  }
}

TEST_SUITE("lint::unparsable") {
  TEST_CASE("unterminated quotes and comments and unbalanced parentheses are problems at their place") {
    auto problem = [](const std::string& sql, Engine engine) {
      FileLint lint = lint_text(sql, engine);
      REQUIRE(lint.problems.size() == 1);
      CHECK(lint.findings.empty());
      return dbctl::util::to_string(lint.problems[0]);
    };
    CHECK(problem("SELECT 1;\nSELECT 'abc;\n", Engine::postgres) ==
          "V1__x.sql:2:8: the string starting here is never closed (')");
    CHECK(problem("CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1;", Engine::postgres) ==
          "V1__x.sql:1:36: the $body$ quote starting here is never closed");
    CHECK(problem("SELECT 1; /* note /* nested */ SELECT 2;", Engine::postgres) ==
          "V1__x.sql:1:11: the comment starting here is never closed ('*/')");
    CHECK(problem("CREATE TABLE t (a int;", Engine::postgres) == "V1__x.sql:1:16: '(' is never closed");
    CHECK(problem("SELECT 1);", Engine::mysql) == "V1__x.sql:1:9: ')' closes no '('");
    CHECK(problem("SELECT `a;", Engine::mysql) == "V1__x.sql:1:8: the quoted name starting here is never closed (`)");
    CHECK(problem("SELECT 'it\\'s;", Engine::mysql) == "V1__x.sql:1:8: the string starting here is never closed (')");
  }

  TEST_CASE("what each dialect quotes is read as it quotes it") {
    CHECK(lint_text("SELECT E'it\\'s', 'a\\', $$ ' $$, $x$ $$ $x$, \"a\"\"b\"; /* a /* b */ c */", Engine::postgres)
              .problems.empty());
    CHECK(lint_text("SELECT 'a''b', \"c\\\"d\", `e``f`, 1--1; # it's\n/*!50100 SELECT (1) */", Engine::mysql)
              .problems.empty());
  }
}

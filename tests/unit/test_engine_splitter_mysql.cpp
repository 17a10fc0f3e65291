#include "dbctl/migration/discovery.hpp"
#include "dbctl/engine/splitter.hpp"
#include "string_maker.hpp"

#include <random>

#include <doctest/doctest.h>

using dbctl::engine::split_mysql;

namespace {
std::vector<std::string> texts(const std::string& sql) {
  std::vector<std::string> out;
  for (const auto& s : split_mysql(sql)) {
    out.push_back(s.text);
  }
  return out;
}
} // namespace

TEST_SUITE("engine::splitter (mysql)") {
  TEST_CASE("statements split at  - without it - with their starting lines") {
    auto statements = split_mysql("CREATE TABLE a (x int);\n\n  INSERT INTO a VALUES (1);\n");
    REQUIRE(statements.size() == 2);
    CHECK(statements[0].text == "CREATE TABLE a (x int)");
    CHECK(statements[0].line == 1);
    CHECK(statements[1].text == "INSERT INTO a VALUES (1)");
    CHECK(statements[1].line == 3);
  }

  TEST_CASE("a statement's code line is after its leading comments - a version comment is code") {
    auto statements = split_mysql("-- no key\n# still a comment\n/* and\n this */\nCREATE TABLE a (x int);\n"
                                  "/*!40101 SET NAMES utf8mb4 */;\n");
    REQUIRE(statements.size() == 2);
    CHECK(statements[0].line == 1);      // the server's line counts from the text sent
    CHECK(statements[0].code_line == 5); // a failure without one is reported here
    CHECK(statements[1].code_line == 6);
  }

  TEST_CASE("quotes - backticks - escapes and comments keep their semicolons") {
    CHECK(texts("SELECT 'a;b\\';c', \"d;\"\"e\", `f;``g`;\n"
                "# hash; comment\n"
                "-- dash; comment\n"
                "/* block; comment */ SELECT 1--1;\n"
                "/*!40101 SET @old = @@sql_mode; */;") ==
          std::vector<std::string>{"SELECT 'a;b\\';c', \"d;\"\"e\", `f;``g`",
                                   "# hash; comment\n-- dash; comment\n/* block; comment */ SELECT 1--1",
                                   "/*!40101 SET @old = @@sql_mode; */"});
  }

  TEST_CASE("DELIMITER blocks hold trigger and procedure bodies whole") {
    std::string sql = "CREATE TABLE t (x int);\n"
                      "DELIMITER //\n"
                      "CREATE TRIGGER t_ai AFTER INSERT ON t FOR EACH ROW\n"
                      "BEGIN\n"
                      "  SET @n = @n + 1;\n"
                      "  SET @m = NEW.x;\n"
                      "END//\n"
                      "\n"
                      "CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END //\n"
                      "delimiter ;\n"
                      "INSERT INTO t VALUES (1);\n";
    auto statements = split_mysql(sql);
    REQUIRE(statements.size() == 4);
    CHECK(statements[1].text == "CREATE TRIGGER t_ai AFTER INSERT ON t FOR EACH ROW\nBEGIN\n"
                                "  SET @n = @n + 1;\n  SET @m = NEW.x;\nEND");
    CHECK(statements[1].line == 3);
    CHECK(statements[2].text == "CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END");
    CHECK(statements[2].line == 9);
    CHECK(statements[3].text == "INSERT INTO t VALUES (1)");
    CHECK(statements[3].line == 11);
  }

  TEST_CASE("a $$ delimiter and a last statement without delimiter") {
    CHECK(texts("DELIMITER $$\nCREATE FUNCTION f() RETURNS INT RETURN 1$$\nDELIMITER ;\nSELECT f()") ==
          std::vector<std::string>{"CREATE FUNCTION f() RETURNS INT RETURN 1", "SELECT f()"});
  }

  TEST_CASE("the shipped MySQL example splits into its trigger and its procedure") {
    std::string sql = dbctl::migration::read_sql(std::string(DBCTL_SOURCE_DIR) +
                                                 "/examples/mysql/orders/V2__order_total_trigger.sql");
    auto statements = split_mysql(sql);
    REQUIRE(statements.size() == 2);
    CHECK(statements[0].text.find("CREATE TRIGGER order_items_after_insert") != std::string::npos);
    CHECK(statements[1].text.rfind("CREATE PROCEDURE recompute_order_total", 0) == 0);
  }

  // The server parses a stored program's BEGIN ... END itself when the whole file comes as one
  // multi-statement query (golang-migrate does so), so real histories write them without
  // DELIMITER; split at every `;` they failed with "syntax error near ''".
  TEST_CASE("stored programs written without DELIMITER stay whole - nested blocks - CASE - END IF") {
    auto statements = split_mysql(
        "CREATE TABLE t (id int, `end` int);\n"
        "CREATE DEFINER=`admin`@`%` PROCEDURE p(IN n INT)\n"
        "BEGIN\n"
        "  DECLARE i INT DEFAULT 0;\n"
        "  DECLARE CONTINUE HANDLER FOR NOT FOUND BEGIN SET i = -1; END;\n"
        "  lbl: WHILE i < n DO\n"
        "    IF i % 2 = 0 THEN INSERT INTO t VALUES (i, CASE WHEN i > 2 THEN 1 ELSE 0 END); END IF;\n"
        "    CASE i WHEN 1 THEN SELECT t.end FROM t; ELSE BEGIN END; END CASE;\n"
        "    SET i = i + 1;\n"
        "  END WHILE lbl;\n"
        "END;\n"
        "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.id = NEW.id + 1; END;\n"
        "create or replace function f() returns int deterministic return (select case when 1 then 2 end);\n"
        "BEGIN NOT ATOMIC SELECT 1; SELECT 2; END;\n"
        "BEGIN;\nINSERT INTO t VALUES (1, 1);\nCOMMIT;\n"
        "CREATE TABLE event (begin int);\nINSERT INTO event VALUES (1);\n");
    std::vector<std::string> heads;
    for (const auto& statement : statements) {
      heads.push_back(statement.text.substr(0, statement.text.find_first_of(" (")));
    }
    CHECK(heads == std::vector<std::string>{"CREATE", "CREATE", "CREATE", "create", "BEGIN", "BEGIN",
                                            "INSERT", "COMMIT", "CREATE", "INSERT"});
    REQUIRE(statements.size() == 10);
    CHECK(statements[1].line == 2);
    const std::string tail = "  END WHILE lbl;\nEND";
    CHECK(statements[1].text.compare(statements[1].text.size() - tail.size(), tail.size(), tail) == 0);
    CHECK(statements[2].text == "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.id = NEW.id + 1; END");
    CHECK(statements[4].text == "BEGIN NOT ATOMIC SELECT 1; SELECT 2; END");
    CHECK(statements[5].text == "BEGIN");
  }

  TEST_CASE("under DELIMITER nothing changes - BEGIN and END are plain words there") {
    CHECK(texts("DELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1; END//\nDELIMITER ;\nSELECT 2;") ==
          std::vector<std::string>{"CREATE PROCEDURE p() BEGIN SELECT 1; END", "SELECT 2"});
  }

  // Statements are slices of the input in order; with an alphabet that can form neither
  // comments nor DELIMITER lines, only blanks and semicolons may be left between them.
  TEST_CASE("random text never crashes and loses nothing but blanks and delimiters") {
    std::mt19937 random(5);
    for (const std::string& alphabet :
         {std::string("ab;'\"`\\\n E_1"), std::string("ab;'\"`\\-#/*!\n E_1"),
          std::string("DELIMITER ;/$\n'ab")}) {
      bool plain = alphabet == "ab;'\"`\\\n E_1";
      for (int round = 0; round < 3000; ++round) {
        std::string sql;
        std::size_t length = random() % 80;
        for (std::size_t i = 0; i < length; ++i) {
          sql += alphabet[random() % alphabet.size()];
        }
        CAPTURE(sql);
        std::size_t at = 0;
        std::string left;
        for (const auto& statement : split_mysql(sql)) {
          std::size_t found = sql.find(statement.text, at);
          REQUIRE(found != std::string::npos);
          left += sql.substr(at, found - at);
          at = found + statement.text.size();
        }
        left += sql.substr(at);
        if (plain) {
          CHECK(left.find_first_not_of(" \n;") == std::string::npos);
        }
      }
    }
  }
}

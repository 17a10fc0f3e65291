#include "dbctl/migration/discovery.hpp"
#include "dbctl/migration/splitter.hpp"
#include "string_maker.hpp"

#include <random>

#include <doctest/doctest.h>

using dbctl::migration::split_mysql;

namespace {
std::vector<std::string> texts(const std::string& sql) {
  std::vector<std::string> out;
  for (const auto& s : split_mysql(sql)) {
    out.push_back(s.text);
  }
  return out;
}
} // namespace

TEST_SUITE("migration::splitter (mysql)") {
  TEST_CASE("statements split at  - without it - with their starting lines") {
    auto statements = split_mysql("CREATE TABLE a (x int);\n\n  INSERT INTO a VALUES (1);\n");
    REQUIRE(statements.size() == 2);
    CHECK(statements[0].text == "CREATE TABLE a (x int)");
    CHECK(statements[0].line == 1);
    CHECK(statements[1].text == "INSERT INTO a VALUES (1)");
    CHECK(statements[1].line == 3);
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

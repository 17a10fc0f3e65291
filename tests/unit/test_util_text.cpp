#include "dbctl/util/text.hpp"

#include <doctest/doctest.h>

using namespace dbctl::util;

TEST_SUITE("util::text") {
  TEST_CASE("identifiers follow [A-Za-z_][A-Za-z0-9_]{062}") {
    CHECK(is_identifier("users"));
    CHECK(is_identifier("_x1"));
    CHECK(is_identifier(std::string(63, 'a')));
    CHECK_FALSE(is_identifier(std::string(64, 'a')));
    CHECK_FALSE(is_identifier(""));
    CHECK_FALSE(is_identifier("1users"));
    CHECK_FALSE(is_identifier("user-service"));
    CHECK_FALSE(is_identifier("a b"));
    CHECK_FALSE(is_identifier("robert'); DROP TABLE students;--"));
    CHECK_FALSE(is_identifier("caf\xc3\xa9"));
  }

  TEST_CASE("closest suggests a near name and nothing for a far one") {
    std::vector<std::string> keys{"engine", "host", "port", "user", "password"};
    CHECK(closest("passwrd", keys) == std::optional<std::string>("password"));
    CHECK(closest("Host", keys) == std::optional<std::string>("host"));
    CHECK_FALSE(closest("banana", keys).has_value());
  }

  TEST_CASE("slugify makes a file-name-safe description") {
    CHECK(slugify("Add user email index") == "add_user_email_index");
    CHECK(slugify("  drop -- old/table!! ") == "drop_old_table");
    CHECK(slugify("!!!").empty());
  }

  TEST_CASE("env_name upper-cases and replaces other characters") {
    CHECK(env_name("users") == "USERS");
    CHECK(env_name("pg-eu.1") == "PG_EU_1");
  }

  TEST_CASE("printable escapes control characters") {
    CHECK(printable("a\nb\x1b") == "a\\x0ab\\x1b");
  }
}

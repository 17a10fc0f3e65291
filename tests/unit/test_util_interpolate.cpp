#include "dbctl/util/interpolate.hpp"

#include <map>

#include <doctest/doctest.h>

using dbctl::util::interpolate;

namespace {
dbctl::util::EnvLookup env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) {
      return std::nullopt;
    }
    return it->second;
  };
}
} // namespace

TEST_SUITE("util::interpolate") {
  TEST_CASE("a set variable is substituted inside surrounding text") {
    auto result = interpolate("host-${HOST}:5432", env({{"HOST", "db"}}));
    REQUIRE(result.errors.empty());
    CHECK(result.value == "host-db:5432");
    CHECK(result.used == std::vector<std::string>{"HOST"});
  }

  TEST_CASE("text without a dollar sign is returned unchanged") {
    CHECK(interpolate("plain", env({})).value == "plain");
  }

  TEST_CASE(":- uses the default when the variable is unset or empty") {
    CHECK(interpolate("${A:-x}", env({})).value == "x");
    CHECK(interpolate("${A:-x}", env({{"A", ""}})).value == "x");
    CHECK(interpolate("${A:-x}", env({{"A", "set"}})).value == "set");
    CHECK(interpolate("${A:-}", env({})).value.empty());
  }

  TEST_CASE("- uses the default only when the variable is unset") {
    CHECK(interpolate("${A-x}", env({})).value == "x");
    CHECK(interpolate("${A-x}", env({{"A", ""}})).value.empty());
  }

  TEST_CASE("a default may itself hold a variable") {
    CHECK(interpolate("${A:-${B}}", env({{"B", "b"}})).value == "b");
    CHECK(interpolate("${A:-pre-${B:-c}-post}", env({})).value == "pre-c-post");
  }

  TEST_CASE("a value may hold any character - and is not interpolated again") {
    auto result = interpolate("${P}", env({{"P", "a'b\"c\\${X}$$"}}));
    REQUIRE(result.errors.empty());
    CHECK(result.value == "a'b\"c\\${X}$$");
  }

  TEST_CASE("$${ is a literal ${ and a lone $ stays") {
    CHECK(interpolate("$${HOME} costs $5", env({})).value == "${HOME} costs $5");
    CHECK(interpolate("pa$$word", env({})).value == "pa$$word");
  }

  TEST_CASE("an unset variable without default is an error naming it") {
    auto result = interpolate("${DB_PASSWORD}", env({}));
    REQUIRE(result.errors.size() == 1);
    CHECK(result.errors[0] ==
          "environment variable DB_PASSWORD is not set (use ${DB_PASSWORD:-default} to give a "
          "default)");
  }

  TEST_CASE("every unset variable of one value is reported") {
    CHECK(interpolate("${A}/${B}", env({})).errors.size() == 2);
  }

  TEST_CASE("malformed references are errors") {
    CHECK(interpolate("${A", env({})).errors.at(0) == "unterminated '${' (missing '}')");
    CHECK(interpolate("${}", env({})).errors.at(0).rfind("invalid variable reference '${}'", 0) == 0);
    CHECK(interpolate("${A B}", env({})).errors.size() == 1);
    CHECK(interpolate("${1A}", env({})).errors.size() == 1);
    CHECK(interpolate("${A:?x}", env({})).errors.size() == 1);
  }
}

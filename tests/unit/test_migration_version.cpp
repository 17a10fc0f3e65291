#include "dbctl/migration/version.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <doctest/doctest.h>

using dbctl::migration::Version;

namespace {
Version v(const char* text) {
  auto parsed = Version::parse(text);
  REQUIRE(parsed.has_value());
  return *parsed;
}
} // namespace

TEST_SUITE("migration::version") {
  TEST_CASE("versions compare numerically - segment by segment") {
    CHECK(v("1.10") > v("1.9"));
    CHECK(v("2") > v("1.99"));
    CHECK(v("10") > v("9"));
    CHECK(v("1.2.3") < v("1.2.10"));
  }

  TEST_CASE("_ and . separate alike - trailing zeros and leading zeros do not count") {
    CHECK(v("1_1") == v("1.1"));
    CHECK(v("1.0") == v("1"));
    CHECK(v("001") == v("1"));
    CHECK(v("1_1").text() == "1.1");
    CHECK(v("007.010").text() == "7.10");
  }

  TEST_CASE("versions longer than any integer type still compare") {
    CHECK(v("123456789012345678901234567890") > v("123456789012345678901234567889"));
    CHECK(v("20240101120000") > v("20231231235959"));
  }

  TEST_CASE("anything but digits and separators is not a version") {
    for (const char* bad : {"", "1.", ".1", "1..2", "1a", "v1", "1-2", "1 2", "1__2"}) {
      CAPTURE(bad);
      CHECK_FALSE(Version::parse(bad).has_value());
    }
  }

  TEST_CASE("next increments the last segment with carries") {
    CHECK(v("3").next().text() == "4");
    CHECK(v("1.9").next().text() == "1.10");
    CHECK(v("99").next().text() == "100");
  }

  TEST_CASE("sorting a list puts 1.10 after 1.9") {
    std::vector<Version> list{v("1.10"), v("1.9"), v("1"), v("1.1")};
    std::sort(list.begin(), list.end());
    std::vector<std::string> texts;
    for (const auto& item : list) {
      texts.push_back(item.text());
    }
    CHECK(texts == std::vector<std::string>{"1", "1.1", "1.9", "1.10"});
  }
}

#include "dbctl/util/url.hpp"

#include <doctest/doctest.h>

using namespace dbctl::util;

TEST_SUITE("util::url") {
  TEST_CASE("a full URL is split and decoded") {
    ParsedUrl parsed = parse_url("postgres://u%40x:p%3Aw%2F@db.example:6432/app?sslmode=require&a=b%20c");
    REQUIRE(parsed.url);
    const Url& url = *parsed.url;
    CHECK(url.scheme == "postgres");
    CHECK(url.user == "u@x");
    CHECK(url.password == std::optional<std::string>("p:w/"));
    CHECK(url.host == "db.example");
    CHECK(url.port == std::optional<int>(6432));
    CHECK(url.path == "app");
    REQUIRE(url.query.size() == 2);
    CHECK(url.query[1] == std::make_pair(std::string("a"), std::string("b c")));
  }

  TEST_CASE("a password may contain @ when the last @ ends the user info") {
    ParsedUrl parsed = parse_url("mysql://root:a@b@127.0.0.1:3306");
    REQUIRE(parsed.url);
    CHECK(parsed.url->password == std::optional<std::string>("a@b"));
    CHECK(parsed.url->host == "127.0.0.1");
  }

  TEST_CASE("IPv6 hosts go in brackets") {
    ParsedUrl parsed = parse_url("postgres://[::1]:5433/db");
    REQUIRE(parsed.url);
    CHECK(parsed.url->host == "::1");
    CHECK(parsed.url->port == std::optional<int>(5433));
  }

  TEST_CASE("bad URLs say what is wrong") {
    CHECK(parse_url("localhost:5432").error ==
          "expected scheme://[user[:password]@]host[:port][/database][?options]");
    CHECK(parse_url("postgres://h:99999/").error == "port '99999' is not a number from 1 to 65535");
    CHECK(parse_url("postgres://u:%zz@h/").error == "malformed %-escape in password");
    CHECK(parse_url("postgres://u:%2@h/").error == "malformed %-escape in password");
  }

  TEST_CASE("percent_encode keeps unreserved characters only") {
    CHECK(percent_encode("aZ09-._~") == "aZ09-._~");
    CHECK(percent_encode("p@ss w/rd:%'\"") == "p%40ss%20w%2Frd%3A%25%27%22");
    CHECK(percent_decode(percent_encode("\xff\x01?&=")) == std::optional<std::string>("\xff\x01?&="));
  }
}

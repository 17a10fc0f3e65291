#include "dbctl/report/env.hpp"

#include <doctest/doctest.h>

using namespace dbctl::report;

TEST_SUITE("report::env") {
  const std::vector<EnvEntry> entries{{"USERS_DATABASE_URL", "postgres://u:p%27@h:5432/users"},
                                      {"ORDERS_DATABASE_URL", "mysql://o@h:3306/orders"}};

  TEST_CASE("dotenv prints NAME=url lines without quotes") {
    CHECK(format_env(entries, EnvFormat::dotenv) ==
          "USERS_DATABASE_URL=postgres://u:p%27@h:5432/users\n"
          "ORDERS_DATABASE_URL=mysql://o@h:3306/orders\n");
  }

  TEST_CASE("shell prints export lines with single quotes escaped") {
    std::vector<EnvEntry> quoted{{"X_DATABASE_URL", "a'b"}};
    CHECK(format_env(quoted, EnvFormat::shell) == "export X_DATABASE_URL='a'\\''b'\n");
  }

  TEST_CASE("json prints one object in topology order") {
    CHECK(format_env(entries, EnvFormat::json) ==
          "{\n  \"USERS_DATABASE_URL\": \"postgres://u:p%27@h:5432/users\",\n"
          "  \"ORDERS_DATABASE_URL\": \"mysql://o@h:3306/orders\"\n}\n");
  }
}

// The fake driver passes the history part of the engine conformance suite the real engines
// pass (tests/conformance/history_suite.hpp), so unit tests built on it test what the engines do.
#include "../conformance/history_suite.hpp"

#include "fake_driver.hpp"
#include "helpers.hpp"

TEST_SUITE("engine conformance") {
  TEST_CASE("the fake driver passes the history conformance suite") {
    auto loaded = dbctl::unit::load(dbctl::unit::k_pg_head + "topology: {mode: db-per-service}\n"
                                    "services:\n  svc: {migrations: none}\n");
    REQUIRE(loaded->problems.empty());
    dbctl::unit::FakeDriver driver;
    auto session = dbctl::conformance::conform_history(driver, loaded->targets.front());
    CHECK(session->read_history().size() == 2);
  }
}

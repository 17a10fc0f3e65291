// Prometheus text of a run: label escaping, one HELP/TYPE per family, and the last success read
// back from a previous file.
#include "helpers.hpp"

#include "dbctl/report/metrics.hpp"

using dbctl::unit::k_pg_head;
using dbctl::unit::load;

TEST_SUITE("report::metrics") {
  TEST_CASE("a migrate run's families - each declared once - label values escaped") {
    auto loaded = load(k_pg_head + "topology: {mode: multi-tenant, tenants: [a, b]}\nservices:\n  orders: {migrations: none}\n");
    REQUIRE(loaded->problems.empty());
    std::vector<std::optional<dbctl::ops::Outcome>> outcomes(2);
    outcomes[0] = dbctl::ops::Outcome{};
    outcomes[0]->result = dbctl::ops::Result::migrated;
    outcomes[0]->applied = 3;
    outcomes[0]->lock_wait_ms = 250;
    dbctl::report::RunMetrics run{"migrate", "sh\"op\\x", 1.5, 1700000000, false, 1699990000};
    std::string text = dbctl::report::migrate_metrics(run, loaded->targets, outcomes);
    CHECK(text.find("dbctl_run_success{command=\"migrate\",project=\"sh\\\"op\\\\x\"} 0\n") != std::string::npos);
    CHECK(text.find("dbctl_targets{command=\"migrate\",project=\"sh\\\"op\\\\x\",result=\"not_started\"} 1\n") !=
          std::string::npos);
    CHECK(text.find("dbctl_target_lock_wait_seconds{project=\"sh\\\"op\\\\x\",service=\"orders\",tenant=\"a\",server=\"pg\"} "
                    "0.25\n") != std::string::npos);
    CHECK(text.find("tenant=\"b\"") == std::string::npos); // never started: no per-target samples
    std::size_t types = 0;
    for (std::size_t at = text.find("# TYPE dbctl_targets gauge"); at != std::string::npos;
         at = text.find("# TYPE dbctl_targets gauge", at + 1)) {
      ++types;
    }
    CHECK(types == 1);
    CHECK(dbctl::report::last_success_in(text, "migrate") == 1699990000.0);
    CHECK_FALSE(dbctl::report::last_success_in(text, "up").has_value());
    CHECK_FALSE(dbctl::report::last_success_in("", "migrate").has_value());
  }
}

// One suite every driver passes unchanged, against the real PostgreSQL and MariaDB servers:
// provisioning converges and tears down, and the TargetSession primitives behave alike.
#include "support.hpp"

#include "dbctl/engine/driver.hpp"
#include "dbctl/engine/error.hpp"
#include "dbctl/provision/provision.hpp"
#include "dbctl/targets/expand.hpp"
#include "dbctl/topology/load.hpp"
#include "dbctl/topology/validate.hpp"

#include <doctest/doctest.h>

using namespace dbctl;

namespace {

struct Fixture {
  topology::Topology topology;
  std::vector<targets::Target> targets;
};

std::unique_ptr<Fixture> fixture(const std::string& engine_url_variable, const std::string& prefix) {
  std::string text = "version: 1\nname: " + prefix + "conf\nservers:\n  s: {url: \"${" + engine_url_variable +
                     "}\"}\ntopology: {mode: db-per-service}\n"
                     "services:\n  " + prefix + "svc: {migrations: none, owner: {password: conf-pw-1}}\n";
  auto loaded = topology::load_text(text, "conformance.yaml", ".", util::process_environment());
  REQUIRE_FALSE(loaded.diagnostics.has_errors());
  auto out = std::make_unique<Fixture>();
  out->topology = std::move(*loaded.topology);
  util::Diagnostics diagnostics;
  topology::validate(out->topology, diagnostics);
  targets::Expansion expansion = targets::expand(out->topology);
  REQUIRE_FALSE(diagnostics.has_errors());
  REQUIRE_FALSE(expansion.diagnostics.has_errors());
  out->targets = std::move(expansion.targets);
  return out;
}

std::size_t provision(engine::Driver& driver, const Fixture& f) {
  auto session = driver.admin(f.topology.servers.front());
  auto desired = provision::desired_state(f.targets, f.targets, session->info());
  auto statements = provision::plan(*session, desired, "s");
  for (const auto& statement : statements) {
    session->execute(statement);
  }
  return statements.size();
}

engine::HistoryRow sample_row(const std::string& service) {
  engine::HistoryRow row;
  row.service = service;
  row.version = "1.2";
  row.description = "create things";
  row.type = engine::RowType::versioned;
  row.script = "V1_2__create_things.sql";
  row.checksum = std::string(64, 'a');
  row.installed_by = "tester";
  row.success = false;
  row.statements_done = 2;
  row.statement_hashes = "h1,h2";
  return row;
}

void conform(const std::string& url_variable, const std::string& tag) {
  test::required_env(url_variable);
  std::string prefix = test::unique_prefix(tag);
  auto f = fixture(url_variable, prefix);
  const targets::Target& target = f->targets.front();
  engine::Registry registry = engine::default_registry();
  engine::Driver& driver = registry.get(target.engine());

  CHECK_FALSE(driver.target(target)->exists());
  CHECK(provision(driver, *f) > 0);
  CHECK(provision(driver, *f) == 0); // converged: nothing left to do

  auto session = driver.target(target);
  REQUIRE(session->exists());
  CHECK(session->read_history().empty());
  session->ensure_history();
  session->ensure_history(); // idempotent
  long long rank = session->insert_history(sample_row(target.service));
  auto rows = session->read_history();
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].rank == rank);
  CHECK(rows[0].service == target.service);
  CHECK(rows[0].version == "1.2");
  CHECK(rows[0].type == engine::RowType::versioned);
  CHECK(rows[0].script == "V1_2__create_things.sql");
  CHECK_FALSE(rows[0].success);
  CHECK(rows[0].statements_done == std::optional<int>(2));
  CHECK(rows[0].statement_hashes == "h1,h2");
  CHECK_FALSE(rows[0].installed_at.empty()); // failed rows say when

  engine::HistoryRow done = rows[0];
  done.success = true;
  done.statements_done = 3;
  done.statement_hashes = "h1,h2,h3";
  done.checksum = std::string(64, 'b');
  session->update_history(done);
  rows = session->read_history();
  CHECK(rows[0].success);
  CHECK(rows[0].statements_done == std::optional<int>(3));
  CHECK(rows[0].checksum == std::string(64, 'b'));
  session->update_checksum(rank, std::string(64, 'c'));
  CHECK(session->read_history()[0].checksum == std::string(64, 'c'));
  session->insert_history(sample_row(target.service));
  CHECK(session->delete_failed(target.service) == 1);
  CHECK(session->read_history().size() == 1);

  session->run_alone("CREATE TABLE conformance_t (x INT)");
  try {
    session->run_alone("SELECT * FROM no_such_table_here");
    FAIL("a failing statement must throw");
  } catch (const DbError& e) {
    CHECK_FALSE(e.sqlstate().empty());
    CHECK(std::string(e.what()).find("no_such_table_here") != std::string::npos);
  }

  {
    auto held = session->lock(std::chrono::seconds(5));
    auto other = driver.target(target);
    REQUIRE(other->exists());
    try {
      other->lock(std::chrono::seconds(1));
      FAIL("a second session must not get the lock");
    } catch (const DbError& e) {
      CHECK(std::string(e.what()).find("timed out after 1 s waiting for the migration lock, held by") !=
            std::string::npos);
    }
  }
  CHECK_NOTHROW(driver.target(target)->lock(std::chrono::seconds(1))); // released

  auto admin = driver.admin(f->topology.servers.front());
  auto teardown = provision::teardown(f->targets, f->targets, admin->info());
  for (const auto& statement : provision::plan_teardown(*admin, teardown)) {
    admin->execute(statement);
  }
  CHECK_FALSE(driver.target(target)->exists());
}

} // namespace

TEST_SUITE("engine conformance") {
  TEST_CASE("PostgreSQL passes the engine conformance suite") { conform("DBCTL_TEST_PG_URL", "cpg"); }
  TEST_CASE("MariaDB passes the engine conformance suite") { conform("DBCTL_TEST_MYSQL_URL", "cmy"); }
}

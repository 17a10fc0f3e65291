// One suite every driver passes unchanged, against the real PostgreSQL and MariaDB servers:
// provisioning converges and tears down, and the TargetSession primitives behave alike.
#include "support.hpp"

#include "../conformance/history_suite.hpp"

#include "dbctl/engine/driver.hpp"
#include "dbctl/engine/error.hpp"
#include "dbctl/provision/provision.hpp"
#include "dbctl/targets/expand.hpp"
#include "dbctl/topology/load.hpp"
#include "dbctl/topology/validate.hpp"

#include <doctest/doctest.h>

using namespace dbctl;
using conformance::applied_row;

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
  provision::Lanes lanes;
  auto statements = provision::plan(*session, desired, "s", lanes);
  for (const auto& statement : statements) {
    session->execute(statement);
  }
  return statements.size();
}

// Notices, splitting, and a script run with its row (all or nothing where DDL is transactional).
void conform_execution(engine::TargetSession& session) {
  const std::string service = session.read_history().front().service;
  // The server's notices of user SQL, once each; none of dbctl's own reads.
  session.take_notices();
  session.run_alone("DROP TABLE IF EXISTS conformance_absent");
  CHECK(session.take_notices().size() == 1);
  CHECK(session.take_notices().empty());
  session.read_history();
  CHECK(session.take_notices().empty());
  // The engine's own splitting: two statements, the second on line 2.
  auto split = session.split("CREATE TABLE a (x INT);\nINSERT INTO a VALUES (1);\n");
  REQUIRE(split.size() == 2);
  CHECK(split[1].line == 2);
  CHECK_FALSE(session.installed_by().empty());

  // A script with its row, all or nothing where DDL is transactional; refused where it is not.
  engine::HistoryRow script_row = applied_row(service, "2", "V2__script.sql");
  std::size_t before = session.read_history().size();
  if (session.transactional_ddl()) {
    session.run_in_transaction("CREATE TABLE conformance_tx (x INT);\nINSERT INTO conformance_tx VALUES (1);", script_row);
    CHECK(session.read_history().size() == before + 1);
    script_row.script = "V3__broken.sql";
    CHECK_THROWS_AS(session.run_in_transaction("CREATE TABLE conformance_tx2 (x INT);\nSELECT * FROM nowhere;", script_row),
                    DbError);
    CHECK(session.read_history().size() == before + 1);
    CHECK_THROWS_AS(session.run_alone("SELECT * FROM conformance_tx2"), DbError); // rolled back
  } else {
    CHECK_THROWS_AS(session.run_in_transaction("CREATE TABLE conformance_tx (x INT)", script_row), DbError);
    CHECK(session.read_history().size() == before);
  }

}

// Flyway's table read as Flyway wrote it.
void conform_flyway(engine::TargetSession& session) {
  CHECK_FALSE(session.read_flyway_history("flyway_schema_history").has_value());
  session.run_alone("CREATE TABLE flyway_schema_history (installed_rank INT NOT NULL, version VARCHAR(50), "
                     "description VARCHAR(200) NOT NULL, type VARCHAR(20) NOT NULL, script VARCHAR(1000) NOT NULL, "
                     "checksum INT, installed_by VARCHAR(100) NOT NULL, installed_on TIMESTAMP NOT NULL DEFAULT "
                     "CURRENT_TIMESTAMP, execution_time INT NOT NULL, success BOOLEAN NOT NULL)");
  session.run_alone("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, "
                     "checksum, installed_by, execution_time, success) VALUES (1, '1', 'init', 'SQL', "
                     "'V1__init.sql', -12345, 'flyway', 7, TRUE)");
  auto flyway = session.read_flyway_history("flyway_schema_history");
  REQUIRE(flyway.has_value());
  REQUIRE(flyway->size() == 1);
  CHECK((*flyway)[0].checksum == std::optional<int>(-12345));
  CHECK((*flyway)[0].script == "V1__init.sql");
  CHECK((*flyway)[0].success);
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

  auto session = conformance::conform_history(driver, target); // shared with the fake driver

  session->run_alone("CREATE TABLE conformance_t (x INT)");
  try {
    session->run_alone("SELECT * FROM no_such_table_here");
    FAIL("a failing statement must throw");
  } catch (const DbError& e) {
    CHECK_FALSE(e.sqlstate().empty());
    CHECK(std::string(e.what()).find("no_such_table_here") != std::string::npos);
  }

  conform_execution(*session);
  conform_flyway(*session);

  auto admin = driver.admin(f->topology.servers.front());
  CHECK_FALSE(admin->identity().empty());
  CHECK(admin->identity() == driver.admin(f->topology.servers.front())->identity());
  auto extensions = admin->available_extensions();
  CHECK(extensions.empty() == (target.engine() == topology::Engine::mysql)); // MySQL has none
  CHECK(admin->drop_schema(target.database, prefix + "no_such_schema").empty());
  CHECK(admin->drop_role(prefix + "no_such_role", {target.database}).empty());
  auto teardown = provision::teardown(f->targets, f->targets, admin->info());
  for (const auto& statement : provision::plan_teardown(*admin, teardown)) {
    admin->execute(statement);
  }
  CHECK_FALSE(driver.target(target)->exists());
}

// The provisioning part on Redis: its namespaces' ACL users converge, converge again to nothing,
// and are torn down; the server knows itself by one identity.
void conform_redis() {
  test::required_env("DBCTL_TEST_REDIS_URL");
  std::string prefix = test::unique_prefix("crd");
  std::string text = "version: 1\nname: " + prefix + "conf\nservers:\n  pg: {url: \"${DBCTL_TEST_PG_URL}\"}\n"
                     "  cache: {url: \"${DBCTL_TEST_REDIS_URL}\"}\ntopology: {mode: multi-tenant, tenants: [a, b]}\n"
                     "passwords: {derive_from: conformance-secret}\n"
                     "services:\n  " + prefix + "svc: {migrations: none, redis: {server: cache}}\n";
  auto loaded = topology::load_text(text, "conformance.yaml", ".", util::process_environment());
  REQUIRE_FALSE(loaded.diagnostics.has_errors());
  util::Diagnostics diagnostics;
  topology::validate(*loaded.topology, diagnostics);
  targets::Expansion expansion = targets::expand(*loaded.topology);
  REQUIRE_FALSE(diagnostics.has_errors());
  REQUIRE_FALSE(expansion.diagnostics.has_errors());
  REQUIRE(expansion.stores.size() == 2);
  const topology::Server& server = *expansion.stores.front().server;
  engine::Registry registry = engine::default_registry();
  engine::Driver& driver = registry.get(topology::Engine::redis);
  driver.ping(server);
  auto provision = [&] {
    auto session = driver.admin(server);
    provision::Lanes lanes;
    auto statements = provision::plan(*session, provision::desired_state(expansion.stores, expansion.stores, session->info()), "cache", lanes);
    for (const auto& statement : statements) {
      session->execute(statement);
    }
    return statements.size();
  };
  auto admin = driver.admin(server);
  std::vector<std::string> why;
  engine::AclUserSpec spec = provision::acl_user_spec(expansion.stores.front());
  CHECK(admin->inspect(spec, why) == engine::AclState::missing);
  CHECK(provision() == 2);
  CHECK(provision() == 0); // converged: nothing left to do
  CHECK(admin->inspect(spec, why) == engine::AclState::ready);
  CHECK(why.empty());
  CHECK(admin->info().product == "redis");
  CHECK_FALSE(admin->identity().empty());
  CHECK(admin->identity() == driver.admin(server)->identity());
  CHECK(admin->available_extensions().empty());
  CHECK(admin->drop_role(prefix + "no_such_user", {}).empty());
  CHECK_THROWS_AS(driver.target(expansion.stores.front()), Error); // no migrations on Redis
  auto teardown = provision::teardown(expansion.stores, expansion.stores, admin->info(), true);
  CHECK(teardown.roles.size() == 2);
  CHECK(teardown.keys.size() == 2);
  for (const auto& statement : provision::plan_teardown(*admin, teardown)) {
    admin->execute(statement);
  }
  CHECK(admin->inspect(spec, why) == engine::AclState::missing);
}

} // namespace

TEST_SUITE("engine conformance") {
  TEST_CASE("Redis passes the provisioning part of the engine conformance suite") { conform_redis(); }
  TEST_CASE("PostgreSQL passes the engine conformance suite") { conform("DBCTL_TEST_PG_URL", "cpg"); }
  TEST_CASE("MariaDB passes the engine conformance suite") { conform("DBCTL_TEST_MYSQL_URL", "cmy"); }
}

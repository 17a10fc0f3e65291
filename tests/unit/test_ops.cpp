// The operations over a project (init over servers, the fan-out over targets) with the fake
// driver: what runs, in which order, and what a failure leaves for the next run.
#include "dbctl/engine/error.hpp"
#include "dbctl/ops/migrate.hpp"
#include "dbctl/ops/provision.hpp"
#include "dbctl/report/migrate.hpp"
#include "dbctl/report/status.hpp"
#include "dbctl/topology/load.hpp"
#include "dbctl/topology/validate.hpp"

#include "fake_driver.hpp"
#include "helpers.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <csignal>

#include <pthread.h>

using dbctl::ops::Result;
using dbctl::unit::FakeDriver;

namespace {

std::unique_ptr<dbctl::ops::Project> project_of(const std::string& text) {
  auto loaded = dbctl::topology::load_text(text, "t.yaml", "/project", dbctl::unit::env_of());
  REQUIRE(loaded.topology);
  auto project = std::make_unique<dbctl::ops::Project>();
  project->topology = std::move(*loaded.topology); // targets point into the project's own copy
  dbctl::util::Diagnostics diagnostics;
  dbctl::topology::validate(project->topology, diagnostics);
  auto expansion = dbctl::targets::expand(project->topology);
  diagnostics.merge(expansion.diagnostics);
  REQUIRE(dbctl::unit::messages(diagnostics).empty());
  project->all = std::move(expansion.targets);
  return project;
}

// Four services, each its own database and owner, with no migration files.
const std::string k_four = dbctl::unit::k_pg_head + "topology: {mode: db-per-service}\n"
                           "services:\n  a: {migrations: none}\n  b: {migrations: none}\n"
                           "  c: {migrations: none}\n  d: {migrations: none}\n";

struct Fake {
  dbctl::engine::Registry registry;
  FakeDriver* driver = nullptr;
  Fake() {
    auto owned = std::make_unique<FakeDriver>();
    driver = owned.get();
    registry.add(dbctl::topology::Engine::postgres, std::move(owned));
  }
};

std::vector<std::string> results(const std::vector<std::optional<dbctl::ops::Outcome>>& outcomes) {
  std::vector<std::string> out;
  for (const auto& outcome : outcomes) {
    out.push_back(outcome ? dbctl::report::result_name(outcome->result) : "not started");
  }
  return out;
}

} // namespace

TEST_SUITE("ops::init_servers") {
  TEST_CASE("a failure on the Nth statement keeps the statements before it and a re-run does only the rest") {
    auto project = project_of(k_four);
    Fake fake;
    dbctl::unit::FakeServer& server = fake.driver->servers["pg"];
    server.fail_execution = 3;
    CHECK_THROWS_WITH_AS(dbctl::ops::init_servers(*project, fake.registry, std::chrono::seconds(5), nullptr),
                         doctest::Contains("statement 3 refused"), dbctl::DbError);
    std::vector<std::string> first = server.executed;
    CHECK(first.size() == 2);
    CHECK(server.objects == std::set<std::string>(first.begin(), first.end()));
    CHECK(server.locks_taken["provision"] == 1);
    // Under it, the run waited for any other run's lane sessions (init -j) to be gone.
    CHECK(server.locks_taken.size() == 16);
    CHECK(server.locks_taken["provision:lane:15"] == 1);

    auto applied = dbctl::ops::init_servers(*project, fake.registry, std::chrono::seconds(5), nullptr);
    REQUIRE(applied.size() == 1);
    CHECK(applied[0].duration_ms.has_value());
    for (const auto& statement : applied[0].statements) {
      CHECK(std::find(first.begin(), first.end(), statement.sql) == first.end()); // nothing twice
    }
    // Four owners and four databases, every one created exactly once over the two runs.
    CHECK(server.executed.size() == 8);
    CHECK(server.objects.count("role a") == 1);
    CHECK(server.objects.count("database d") == 1);
    CHECK(dbctl::ops::init_servers(*project, fake.registry, std::chrono::seconds(5), nullptr)[0].statements.empty());
  }

  TEST_CASE("destroy drops what init created and nothing else") {
    auto project = project_of(k_four);
    Fake fake;
    dbctl::unit::FakeServer& server = fake.driver->servers["pg"];
    server.objects.insert("role someone_else");
    dbctl::ops::init_servers(*project, fake.registry, std::chrono::seconds(5), nullptr);
    auto dropped = dbctl::ops::destroy_servers(*project, fake.registry, std::chrono::seconds(5), nullptr);
    REQUIRE(dropped.size() == 1);
    CHECK(dropped[0].statements.size() == 8);
    CHECK(server.objects == std::set<std::string>{"role someone_else"});
  }
}

TEST_SUITE("ops::execute_logged") {
  // A plan of three lanes between two statements of lane 0, as init plans three databases.
  dbctl::ops::ServerStatements laned(const dbctl::topology::Server& server) {
    dbctl::ops::ServerStatements plan;
    plan.server = &server;
    auto add = [&](const std::string& sql, std::uint32_t lane) {
      plan.statements.push_back(dbctl::engine::Statement{"", sql, "", dbctl::engine::StatementKind::other, lane, {}});
    };
    add("role r", 0);
    for (std::uint32_t lane = 1; lane <= 3; ++lane) {
      for (const char* step : {"create", "revoke", "mark"}) {
        add(std::string(step) + " d" + std::to_string(lane), lane);
      }
    }
    add("mark r", 0);
    return plan;
  }

  TEST_CASE("lanes run side by side each in order and lane 0 waits for them") {
    auto project = project_of(k_four);
    dbctl::unit::FakeServer server;
    // Two lanes' first statements meet: run one after another, the first would wait in vain.
    std::mutex meeting;
    std::condition_variable met;
    int creating = 0;
    bool together = false;
    server.on_execute = [&](const std::string& sql) {
      if (sql.rfind("create d", 0) == 0) {
        std::unique_lock<std::mutex> lock(meeting);
        ++creating;
        met.notify_all();
        together = met.wait_for(lock, std::chrono::seconds(5), [&] { return creating >= 2; }) || together;
      }
    };
    dbctl::unit::FakeAdminSession session(server);
    auto plan = laned(project->topology.servers.front());
    dbctl::ops::execute_logged(session, plan, nullptr, 2,
                               [&server](std::size_t) { return dbctl::ops::LaneSession{std::make_unique<dbctl::unit::FakeAdminSession>(server), nullptr}; });
    CHECK(together);
    CHECK(plan.ran == 11);
    REQUIRE(server.executed.size() == 11);
    CHECK(server.executed.front() == "role r");
    CHECK(server.executed.back() == "mark r");
    for (const char* database : {"d1", "d2", "d3"}) {
      std::vector<std::string> steps;
      for (const auto& sql : server.executed) {
        if (sql.size() > 2 && sql.compare(sql.size() - 2, 2, database) == 0) {
          steps.push_back(sql.substr(0, sql.find(' ')));
        }
      }
      CHECK(steps == std::vector<std::string>{"create", "revoke", "mark"});
    }
  }

  TEST_CASE("after a failure amid lanes the statements that ran come first and a re-run runs the rest") {
    auto project = project_of(k_four);
    dbctl::unit::FakeServer server;
    server.fail_execution = 5; // the first statement of lane 0, then four of the lanes'
    dbctl::unit::FakeAdminSession session(server);
    auto plan = laned(project->topology.servers.front());
    auto open = [&server](std::size_t) { return dbctl::ops::LaneSession{std::make_unique<dbctl::unit::FakeAdminSession>(server), nullptr}; };
    CHECK_THROWS_WITH_AS(dbctl::ops::execute_logged(session, plan, nullptr, 3, open),
                         doctest::Contains("statement 5 refused"), dbctl::DbError);
    CHECK_FALSE(plan.duration_ms.has_value());
    // Statements of other lanes may have begun before the failure stopped them.
    REQUIRE(plan.ran >= 4);
    REQUIRE(plan.ran < 11);
    std::vector<std::string> ran;
    for (std::size_t i = 0; i < plan.ran; ++i) {
      ran.push_back(plan.statements[i].sql);
    }
    std::vector<std::string> executed = server.executed;
    CHECK(executed.size() == plan.ran);
    std::vector<std::string> in_plan_order; // those that ran, as the plan had them
    for (const auto& statement : laned(project->topology.servers.front()).statements) {
      if (std::find(executed.begin(), executed.end(), statement.sql) != executed.end()) {
        in_plan_order.push_back(statement.sql);
      }
    }
    CHECK(ran == in_plan_order);
    CHECK(std::set<std::string>(ran.begin(), ran.end()) == std::set<std::string>(executed.begin(), executed.end()));
    CHECK(plan.statements.size() == 11);
    CHECK(plan.statements.back().sql == "mark r"); // what did not run keeps its order
    server.fail_execution = 0;
    dbctl::ops::execute_logged(session, plan, nullptr, 3, open);
    CHECK(plan.ran == 11);
    CHECK(server.objects.size() == 11); // each statement once over both runs
    CHECK(server.executed.size() == 11);
    CHECK(server.executed.back() == "mark r");
  }
}

TEST_SUITE("ops::fan_out") {
  TEST_CASE("with keep_going every target runs and the failing one is failed") {
    auto project = project_of(k_four);
    Fake fake;
    fake.driver->prepare = [](const dbctl::targets::Target& target, dbctl::unit::FakeTargetSession& session) {
      if (target.service == "b") {
        session.fail("read_history", 1, "b: the history cannot be read");
      }
    };
    dbctl::ops::MigrateFlags flags;
    flags.keep_going = true;
    std::atomic<int> heard{0};
    dbctl::ops::RunOptions run;
    run.jobs = 2;
    run.finished = [&](const dbctl::targets::Target&, const dbctl::ops::Outcome&) { ++heard; };
    auto migrated = dbctl::ops::migrate_targets(*project, fake.registry, flags, run);
    CHECK(results(migrated.outcomes) == std::vector<std::string>{"up to date", "failed", "up to date", "up to date"});
    CHECK(migrated.outcomes[1]->error == "b: the history cannot be read");
    CHECK(heard == 4);
    CHECK(dbctl::ops::any_failed(migrated.outcomes));
  }

  TEST_CASE("without keep_going no target starts after a failure") {
    auto project = project_of(k_four);
    Fake fake;
    fake.driver->prepare = [](const dbctl::targets::Target& target, dbctl::unit::FakeTargetSession& session) {
      if (target.service == "b") {
        session.fail("exists", 1, "b: gone");
      }
    };
    dbctl::ops::RunOptions run;
    run.jobs = 1; // in order: a, then b fails, c and d never start
    auto migrated = dbctl::ops::migrate_targets(*project, fake.registry, dbctl::ops::MigrateFlags{}, run);
    CHECK(results(migrated.outcomes) == std::vector<std::string>{"up to date", "failed", "not started", "not started"});
    CHECK(fake.driver->opened == std::vector<std::string>{"a@pg", "b@pg"});
    CHECK(dbctl::ops::any_failed(migrated.outcomes));
  }

  TEST_CASE("an interruption stops new targets and marks the running one interrupted - not failed") {
    auto project = project_of(k_four);
    Fake fake;
    dbctl::util::Interrupt interrupt;
    fake.driver->prepare = [&](const dbctl::targets::Target& target, dbctl::unit::FakeTargetSession& session) {
      if (target.service == "b") { // SIGINT arrives while b runs; its statement is cancelled
        interrupt.request(2);
        session.fail("exists", 1, "b: canceling statement due to user request");
      }
    };
    dbctl::ops::RunOptions run;
    run.jobs = 1;
    run.interrupt = &interrupt;
    auto migrated = dbctl::ops::migrate_targets(*project, fake.registry, dbctl::ops::MigrateFlags{}, run);
    CHECK(results(migrated.outcomes) == std::vector<std::string>{"up to date", "interrupted", "not started", "not started"});
  }

  TEST_CASE("status keeps a row for every target - the one that failed as error with its reason") {
    auto project = project_of(k_four);
    Fake fake;
    fake.driver->prepare = [](const dbctl::targets::Target& target, dbctl::unit::FakeTargetSession& session) {
      if (target.service == "c") {
        session.fail("read_history", 1, "c@pg: connection refused");
      }
    };
    dbctl::ops::RunOptions run;
    run.jobs = 3;
    auto status = dbctl::ops::status_targets(*project, fake.registry, run);
    auto rows = dbctl::report::status_rows(project->selected(), status);
    REQUIRE(rows.size() == 4);
    CHECK(dbctl::report::state_name(rows[0].state) == "up-to-date");
    CHECK(dbctl::report::state_name(rows[2].state) == "error");
    CHECK(rows[2].issues == std::vector<std::string>{"connection refused"});
    CHECK_FALSE(dbctl::report::all_up_to_date(rows));
  }
}

TEST_SUITE("ops::check_project from a URL") {
  dbctl::ops::Source url_source(const std::string& url) {
    dbctl::ops::Source source;
    source.url = url;
    return source;
  }

  TEST_CASE("the URL's database - user and search_path make one target through validate and expand") {
    dbctl::util::Diagnostics diagnostics;
    auto source = url_source("postgres://app-user:s3cret@db.internal:6432/my-app?options=-csearch_path%3Dacme");
    auto project = dbctl::ops::check_project(source, dbctl::ops::Scan::topology_only, diagnostics);
    REQUIRE(project);
    CHECK(dbctl::unit::messages(diagnostics).empty());
    REQUIRE(project->selected().size() == 1);
    const dbctl::targets::Target& target = project->selected()[0];
    CHECK(target.key() == "my-app@db"); // names as given: a dash is fine for an existing database
    CHECK(target.database == "my-app");
    CHECK(target.schema == std::optional<std::string>("acme"));
    CHECK(target.owner.name == "app-user");
    REQUIRE(target.owner.password);
    CHECK(target.owner.password->reveal() == "s3cret");
    CHECK(target.server->port == 6432);
    CHECK(target.server->user.empty()); // no admin: dbctl acts as the URL's user
    CHECK(target.migrations == std::optional<std::filesystem::path>("migrations"));
    auto secrets = dbctl::ops::secrets_of(*project);
    CHECK(std::find(secrets.begin(), secrets.end(), dbctl::util::Secret("s3cret")) != secrets.end());
  }

  TEST_CASE("--service names the URL's service and --dir its migrations - MySQL has no schema") {
    dbctl::util::Diagnostics diagnostics;
    auto source = url_source("mysql://owner@127.0.0.1/shop");
    source.dir = "db/migrations";
    source.selection.services = {"orders"};
    auto project = dbctl::ops::check_project(source, dbctl::ops::Scan::topology_only, diagnostics);
    REQUIRE(project);
    REQUIRE(project->selected().size() == 1);
    CHECK(project->selected()[0].key() == "orders@db");
    CHECK(project->selected()[0].server->port == 3306);
    CHECK_FALSE(project->selected()[0].schema.has_value());
    CHECK(project->selected()[0].migrations == std::optional<std::filesystem::path>("db/migrations"));
    CHECK(project->topology.servers[0].application_name == "dbctl:orders");
  }

  TEST_CASE("a URL that is not one - or names no user - is a problem and no project") {
    for (const std::string url : {"nope://u@h/db", "postgres://h/db", "postgres://u@h/"}) {
      dbctl::util::Diagnostics diagnostics;
      CHECK_FALSE(dbctl::ops::check_project(url_source(url), dbctl::ops::Scan::topology_only, diagnostics));
      REQUIRE(diagnostics.errors().size() == 1);
      CHECK(diagnostics.errors()[0].message.rfind("--url (or DATABASE_URL) ", 0) == 0);
    }
  }

  TEST_CASE("the selection rules hold as for a file: an unknown server is a usage error") {
    dbctl::util::Diagnostics diagnostics;
    auto source = url_source("postgres://u@h/db");
    source.selection.servers = {"elsewhere"};
    CHECK_THROWS_AS(dbctl::ops::check_project(source, dbctl::ops::Scan::topology_only, diagnostics),
                    dbctl::UsageError);
  }
}

TEST_SUITE("ops::rollout") {
  TEST_CASE("wave sizes parse as counts and percentages - each reaching further") {
    std::string error;
    auto waves = dbctl::ops::parse_waves("1,5%,25%,100%", error);
    REQUIRE(waves);
    REQUIRE(waves->size() == 4);
    CHECK((*waves)[0].value == 1);
    CHECK_FALSE((*waves)[0].percent);
    CHECK((*waves)[1].percent);
    for (const std::string bad : {"", "0", "1,,2", "x", "10%,5%", "3,2", "101%", "1.5", "-1", "5%%"}) {
      CAPTURE(bad);
      CHECK_FALSE(dbctl::ops::parse_waves(bad, error));
      CHECK_FALSE(error.empty());
    }
  }

  TEST_CASE("waves spread over the shards and cover every target once") {
    auto loaded = dbctl::unit::load("version: 1\nname: shop\nservers:\n  a: {engine: postgres, host: h1}\n"
                                    "  b: {engine: postgres, host: h2}\n"
                                    "topology: {mode: multi-tenant, tenants: [t1, t2, t3, t4, t5, t6]}\n"
                                    "services:\n  svc: {migrations: none, server: a}\n");
    std::vector<dbctl::targets::Target> targets = loaded->targets;
    // Whatever the topology placed, put t4..t6 on server b, as shards would be.
    REQUIRE(targets.size() == 6);
    const dbctl::topology::Server* b = loaded->topology.find_server("b");
    for (std::size_t i = 3; i < 6; ++i) {
      targets[i].server = b;
    }
    std::string error;
    auto waves = dbctl::ops::plan_waves(targets, *dbctl::ops::parse_waves("1,50%", error));
    REQUIRE(waves.size() == 3); // 1, up to 3, the rest
    CHECK(waves[0] == std::vector<std::size_t>{0});
    CHECK(waves[1] == std::vector<std::size_t>{3, 1}); // b's first, then a's second
    CHECK(waves[2] == std::vector<std::size_t>{4, 2, 5});
    CHECK(dbctl::ops::plan_waves(targets, *dbctl::ops::parse_waves("100%", error)).size() == 1);
    CHECK(dbctl::ops::plan_waves(targets, *dbctl::ops::parse_waves("10,20", error)).size() == 1);
  }

  TEST_CASE("a failing canary stops the rollout - a budget of failures lets it go on until exceeded") {
    std::string text = dbctl::unit::k_pg_head + "topology: {mode: db-per-service}\nservices:\n";
    for (int i = 0; i < 10; ++i) {
      text += "  s" + std::to_string(i) + ": {migrations: none}\n";
    }
    auto project = project_of(text);
    std::string error;
    for (std::size_t budget : {0U, 1U, 2U}) {
      CAPTURE(budget);
      Fake fake;
      std::set<std::string> broken{"s0", "s4", "s9"}; // the canary, one of wave 2, the last
      fake.driver->prepare = [&](const dbctl::targets::Target& target, dbctl::unit::FakeTargetSession& session) {
        if (broken.count(target.service) != 0) {
          session.fail("read_history", 1, target.service + ": broken");
        }
      };
      dbctl::ops::MigrateFlags flags;
      flags.waves = *dbctl::ops::parse_waves("1,50%,100%", error);
      flags.max_failures = budget;
      dbctl::ops::RunOptions run;
      run.jobs = 1;
      std::vector<std::string> waves_started;
      run.wave_started = [&](std::size_t wave, std::size_t waves) {
        waves_started.push_back(std::to_string(wave) + "/" + std::to_string(waves));
      };
      auto migrated = dbctl::ops::migrate_targets(*project, fake.registry, flags, run);
      // The listener hears of each wave that started, and of no other.
      CHECK(waves_started == (budget == 2 ? std::vector<std::string>{"1/3", "2/3", "3/3"}
                              : budget == 1 ? std::vector<std::string>{"1/3", "2/3"}
                                            : std::vector<std::string>{"1/3"}));
      std::size_t started = 0;
      std::size_t failed = 0;
      for (const auto& outcome : migrated.outcomes) {
        started += outcome ? 1 : 0;
        failed += outcome && outcome->result == Result::failed ? 1 : 0;
      }
      if (budget == 0) {
        CHECK(started == 1); // the canary failed: nothing else was touched
        CHECK(fake.driver->opened == std::vector<std::string>{"s0@pg"});
      } else if (budget == 1) {
        CHECK(started == 5); // wave 2 stops at its first failure (2 > 1); wave 3 never starts
        CHECK(failed == 2);
      } else {
        CHECK(started == 10); // two failures tolerated; the third is the last target
        CHECK(failed == 3);
      }
    }
  }
}

TEST_SUITE("ops::rollout") {
  TEST_CASE("canary tenants come first - then the shards in turn") {
    auto loaded = dbctl::unit::load(dbctl::unit::k_pg_head +
                                    "topology:\n  mode: multi-tenant\n  tenants:\n    - a\n    - b\n"
                                    "    - {name: c, canary: true}\n    - d\n"
                                    "rollout: {waves: \"1,50%\", max_failures: 2, pause: 5, check: \"true\"}\n"
                                    "services:\n  svc: {migrations: none}\n");
    REQUIRE(loaded->problems.empty());
    CHECK(loaded->topology.rollout.max_failures->value == 2);
    CHECK(loaded->topology.rollout.pause->value == 5);
    REQUIRE(loaded->targets.size() == 4);
    CHECK(loaded->targets[2].canary);
    std::string error;
    auto waves = dbctl::ops::plan_waves(loaded->targets, *dbctl::ops::parse_waves("1,50%", error));
    REQUIRE(waves.size() == 3);
    CHECK(waves[0] == std::vector<std::size_t>{2});
    CHECK(waves[1] == std::vector<std::size_t>{0});
    CHECK(waves[2] == std::vector<std::size_t>{1, 3});
  }

  TEST_CASE("a wave check sees its wave and its exit status decides") {
    CHECK(dbctl::ops::run_wave_check("test \"$DBCTL_WAVE/$DBCTL_WAVES\" = 2/3", 2, 3) == 0);
    CHECK(dbctl::ops::run_wave_check("exit 4", 1, 2) == 4);
    CHECK(dbctl::ops::run_wave_check("kill -TERM $$", 1, 2) == 128 + 15);
    // dbctl blocks SIGTERM in every thread; the check must not inherit that.
    sigset_t term;
    sigset_t before;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &term, &before);
    int status = dbctl::ops::run_wave_check("kill -TERM $$; sleep 5", 1, 2);
    pthread_sigmask(SIG_SETMASK, &before, nullptr);
    CHECK(status == 128 + 15);
  }
}

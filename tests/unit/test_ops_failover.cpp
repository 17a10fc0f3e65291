// FailoverWatch: which failures start a job again, for how long, and what it records.
#include "dbctl/engine/error.hpp"
#include "dbctl/ops/failover.hpp"

#include <chrono>
#include <functional>

#include <doctest/doctest.h>

using dbctl::DbError;
using dbctl::DbFailure;
using dbctl::ops::Failover;
using dbctl::ops::FailoverWatch;

namespace {

// A server of `hosts` hosts; what the process knows of a server is kept by name, so each case
// names its own.
dbctl::topology::Server cluster(std::size_t hosts, const std::string& name) {
  dbctl::topology::Server server;
  server.name = name;
  for (std::size_t i = 0; i < hosts; ++i) {
    server.hosts.emplace_back("10.0.0." + std::to_string(i + 1), 5432);
  }
  return server;
}

// An attempt that throws the given failures in turn, then succeeds; counts its calls.
struct Script {
  std::vector<DbFailure> failures;
  int calls = 0;
  void operator()() {
    std::size_t at = static_cast<std::size_t>(calls++);
    if (at < failures.size()) {
      throw DbError(failures[at], "failure " + std::to_string(at + 1));
    }
  }
};

} // namespace

TEST_CASE("ops::FailoverWatch: a lost connection on a cluster is tried again and recorded") {
  FailoverWatch watch(std::chrono::seconds(5), nullptr);
  Script script{{DbFailure::connection_lost, DbFailure::unavailable, DbFailure::unavailable}};
  std::vector<Failover> failovers;
  watch.run(cluster(3, "pg1"), "svc@pg: ", failovers, std::ref(script));
  CHECK(script.calls == 4);
  REQUIRE(failovers.size() == 1);
  CHECK(failovers[0].server == "pg1");
  CHECK(failovers[0].error == "failure 1");
  CHECK(failovers[0].waited_ms >= 100); // two pauses, 100 and 200 ms, before the fourth attempt
}

TEST_CASE("ops::FailoverWatch: each loss after a resumed attempt is a failover of its own") {
  FailoverWatch watch(std::chrono::seconds(5), nullptr);
  Script script{{DbFailure::connection_lost, DbFailure::connection_lost}};
  std::vector<Failover> failovers;
  watch.run(cluster(2, "pg2"), "", failovers, std::ref(script));
  CHECK(script.calls == 3);
  CHECK(failovers.size() == 2);
}

TEST_CASE("ops::FailoverWatch: one host or a zero timeout or another failure fails at once") {
  std::vector<Failover> failovers;
  Script lost{{DbFailure::connection_lost}};
  CHECK_THROWS_AS(FailoverWatch(std::chrono::seconds(5), nullptr).run(cluster(0, "pg3"), "", failovers, std::ref(lost)),
                  DbError);
  CHECK(lost.calls == 1);
  Script no_timeout{{DbFailure::connection_lost}};
  CHECK_THROWS_AS(FailoverWatch(std::chrono::seconds(0), nullptr).run(cluster(3, "pg3"), "", failovers, std::ref(no_timeout)),
                  DbError);
  CHECK(no_timeout.calls == 1);
  Script other{{DbFailure::other}};
  CHECK_THROWS_AS(FailoverWatch(std::chrono::seconds(5), nullptr).run(cluster(3, "pg3"), "", failovers, std::ref(other)),
                  DbError);
  CHECK(other.calls == 1);
  CHECK(failovers.empty());
}

TEST_CASE("ops::FailoverWatch: a server never reached fails at once but one reached or lost before is waited for") {
  FailoverWatch watch(std::chrono::seconds(5), nullptr);
  std::vector<Failover> failovers;
  Script first{{DbFailure::unavailable}};
  CHECK_THROWS_AS(watch.run(cluster(3, "pg4"), "", failovers, std::ref(first)), DbError); // no failover known
  CHECK(first.calls == 1);
  Script lost{{DbFailure::connection_lost}};
  watch.run(cluster(3, "pg4"), "a: ", failovers, std::ref(lost)); // this job's loss opens the window
  Script waiting{{DbFailure::unavailable, DbFailure::unavailable}};
  std::vector<Failover> others;
  watch.run(cluster(3, "pg4"), "b: ", others, std::ref(waiting));
  CHECK(waiting.calls == 3);
  CHECK(others.size() == 1);
}

TEST_CASE("ops::FailoverWatch: no primary within the timeout fails naming it") {
  FailoverWatch watch(std::chrono::seconds(1), nullptr);
  std::vector<DbFailure> failures{DbFailure::connection_lost};
  failures.resize(1000, DbFailure::unavailable);
  Script script{failures};
  std::vector<Failover> failovers;
  auto began = std::chrono::steady_clock::now();
  try {
    watch.run(cluster(3, "pg5"), "", failovers, std::ref(script));
    FAIL("the run must fail");
  } catch (const DbError& e) {
    CHECK(std::string(e.what()).find("no primary of pg5 within --failover-timeout 1 s") != std::string::npos);
    CHECK(e.failure() == DbFailure::unavailable);
  }
  CHECK(std::chrono::steady_clock::now() - began >= std::chrono::seconds(1));
  CHECK(std::chrono::steady_clock::now() - began < std::chrono::seconds(3));
}

TEST_CASE("ops::FailoverWatch: a server reached by earlier work is waited for when it cannot be reached") {
  FailoverWatch watch(std::chrono::seconds(5), nullptr);
  std::vector<Failover> failovers;
  Script fine{{}};
  watch.run(cluster(3, "pg6"), "a: ", failovers, std::ref(fine));
  Script later{{DbFailure::unavailable}};
  watch.run(cluster(3, "pg6"), "b: ", failovers, std::ref(later));
  CHECK(later.calls == 2);
  CHECK(failovers.size() == 1);
}

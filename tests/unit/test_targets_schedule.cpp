// The scheduler that hands targets to parallel workers within each server's max_connections.
#include "dbctl/targets/schedule.hpp"

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

using dbctl::targets::Scheduler;
using dbctl::topology::Server;

namespace {

Server server(const char* name, int max_connections) {
  Server out;
  out.name = name;
  out.max_connections = max_connections;
  return out;
}

// 400 items on two servers (max_connections 5 and 2) at 2 connections an item, the
// connections each server holds counted as workers take and release them.
struct Fleet {
  Server a = server("a", 5);
  Server b = server("b", 2);
  std::vector<const Server*> items = [this] {
    std::vector<const Server*> out;
    for (int i = 0; i < 400; ++i) {
      out.push_back(i % 3 == 0 ? &b : &a);
    }
    return out;
  }();
  Scheduler scheduler{items, 2};
  std::mutex mutex;
  std::map<const Server*, int> held;
  std::map<const Server*, int> most;
  std::atomic<int> finished{0};

  void hold(const Server* on, int n) {
    std::lock_guard<std::mutex> lock(mutex);
    held[on] += n;
    most[on] = std::max(most[on], held[on]);
  }

  template <typename Worker>
  void run(Worker worker) {
    std::vector<std::thread> workers;
    for (int i = 0; i < 8; ++i) {
      workers.emplace_back(worker);
    }
    for (auto& thread : workers) {
      thread.join();
    }
  }
};

} // namespace

TEST_SUITE("targets: scheduler") {
  TEST_CASE("items start in order while their server has room") {
    Server pg = server("pg", 4);
    Scheduler scheduler({&pg, &pg, &pg}, 2);
    CHECK(scheduler.next() == 0U);
    CHECK(scheduler.next() == 1U);
    // Both connections pairs are taken: the third item waits until one is done.
    std::atomic<bool> started{false};
    std::thread waiter([&] {
      CHECK(scheduler.next() == 2U);
      started = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK_FALSE(started.load());
    scheduler.done(0);
    waiter.join();
    CHECK(started.load());
    CHECK(scheduler.next() == std::nullopt);
  }

  TEST_CASE("a full server is passed over for the next item on another server") {
    Server eu = server("pg-eu", 2);
    Server us = server("pg-us", 2);
    Scheduler scheduler({&eu, &eu, &us, &eu}, 2);
    CHECK(scheduler.next() == 0U); // pg-eu is now full
    CHECK(scheduler.next() == 2U); // so pg-us's item goes first
    scheduler.done(0);
    CHECK(scheduler.next() == 1U);
    scheduler.done(1);
    CHECK(scheduler.next() == 3U);
    CHECK(scheduler.next() == std::nullopt);
  }

  TEST_CASE("connections held outside the items leave that much of a server free") {
    Server pg = server("pg", 3);
    Server other = server("other", 3);
    Scheduler scheduler({&pg, &pg, &pg, &other}, 1, {{&pg, 1}});
    CHECK(scheduler.next() == 0U);
    CHECK(scheduler.next() == 1U);
    CHECK(scheduler.next() == 3U); // pg is at 2 of its 3, one held elsewhere
    scheduler.done(0);
    CHECK(scheduler.next() == 2U);
  }

  TEST_CASE("stop hands out nothing more and counts what never started") {
    Server pg = server("pg", 10);
    Scheduler scheduler({&pg, &pg, &pg, &pg}, 1);
    CHECK(scheduler.next() == 0U);
    scheduler.stop();
    CHECK(scheduler.next() == std::nullopt);
    CHECK(scheduler.not_started() == 3U);
  }

  TEST_CASE("many workers never hold more than a server's max_connections") {
    Fleet fleet;
    fleet.run([&] {
      while (auto item = fleet.scheduler.next()) {
        const Server* on = fleet.items[*item];
        fleet.hold(on, 2);
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        fleet.hold(on, -2);
        ++fleet.finished;
        fleet.scheduler.done(*item);
      }
    });
    CHECK(fleet.finished.load() == 400);
    CHECK(fleet.most[&fleet.a] == 4); // 5 allows two items of 2, never three
    CHECK(fleet.most[&fleet.b] == 2);
  }

  TEST_CASE("continue_with passes a reservation on to the next item of the same server") {
    Server eu = server("pg-eu", 2);
    Server us = server("pg-us", 2);
    Scheduler scheduler({&eu, &us, &eu, &us}, 2);
    CHECK(scheduler.next() == 0U);
    CHECK(scheduler.next() == 1U);
    CHECK(scheduler.continue_with(0) == 2U); // pg-eu stays full, reserved for item 2 now
    CHECK(scheduler.continue_with(2) == std::nullopt); // nothing more waits on pg-eu
    scheduler.done(2);
    scheduler.stop();
    CHECK(scheduler.continue_with(1) == std::nullopt); // a stopped run starts nothing
    CHECK(scheduler.not_started() == 1U);
  }

  TEST_CASE("workers that keep a connection between items never exceed max_connections") {
    Fleet fleet;
    fleet.run([&] {
      const Server* kept = nullptr; // the server of the connection kept from the last item
      auto index = fleet.scheduler.next();
      while (index) {
        const Server* on = fleet.items[*index];
        if (kept != nullptr && kept != on) {
          fleet.hold(kept, -1); // a kept connection that does not fit is closed first
          kept = nullptr;
        }
        fleet.hold(on, kept != nullptr ? 1 : 2); // the lock connection, and the work one unless kept
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        fleet.hold(on, -1); // the lock connection closes; the work connection is kept
        kept = on;
        ++fleet.finished;
        auto following = fleet.scheduler.continue_with(*index);
        if (!following) {
          fleet.hold(kept, -1);
          kept = nullptr;
          fleet.scheduler.done(*index);
          following = fleet.scheduler.next();
        }
        index = following;
      }
    });
    CHECK(fleet.finished.load() == 400);
    CHECK(fleet.most[&fleet.a] <= 4);
    CHECK(fleet.most[&fleet.b] <= 2);
  }

  TEST_CASE("default jobs follow the servers' max_connections") {
    Server small = server("small", 4);
    Server large = server("large", 100);
    CHECK(dbctl::targets::default_jobs({&small, &small}, 2, 50) == 2);
    CHECK(dbctl::targets::default_jobs({&small, &large}, 2, 50) == 16);
    CHECK(dbctl::targets::default_jobs({&large}, 1, 3) == 3);
  }
}

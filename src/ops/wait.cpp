#include "dbctl/ops/wait.hpp"

#include "dbctl/engine/error.hpp"
#include "dbctl/ops/servers.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>

#include <spdlog/spdlog.h>

namespace dbctl::ops {

namespace {

using Clock = std::chrono::steady_clock;

// The server with its connect_timeout (a whole login, greeting included, on both engines)
// bounded by the seconds left, so that a port that accepts but never answers cannot keep an
// attempt past the deadline. Whole seconds: libpq and libmariadb take no less.
topology::Server bounded_by(const topology::Server& server, Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  long long seconds = std::max<long long>(1, (left + 999) / 1000);
  topology::Server bounded = server;
  auto option = std::find_if(bounded.options.begin(), bounded.options.end(),
                             [](const auto& kv) { return kv.first == "connect_timeout"; });
  if (option == bounded.options.end()) {
    bounded.options.emplace_back("connect_timeout", std::to_string(std::min(seconds, 10LL)));
  } else {
    long long configured = std::atoll(option->second.c_str());
    option->second = std::to_string(configured > 0 ? std::min(seconds, configured) : seconds);
  }
  return bounded;
}

// Retry with backoff (0.1 s doubling to 2 s) until the server answers or the deadline passes.
ServerReady wait_for(engine::Driver& driver, const topology::Server& server, Clock::time_point deadline,
                     double timeout, const util::Interrupt* interrupt) {
  auto pause = std::chrono::milliseconds(100);
  auto start = Clock::now();
  for (int attempt = 1;; ++attempt) {
    try {
      driver.ping(bounded_by(server, deadline));
      double took = std::chrono::duration<double>(Clock::now() - start).count();
      spdlog::info("{}: ready ({} attempt{}, {:.1f} s)", server.name, attempt,
                   attempt == 1 ? "" : "s", took);
      return {&server, attempt, static_cast<long long>(took * 1000)};
    } catch (const DbError& e) {
      if (Clock::now() + pause >= deadline) {
        throw DbError(server.name + ": not ready after " + fmt::format("{:g}", timeout) +
                      " s; last error: " + e.what());
      }
      spdlog::debug("{}: not ready yet: {}", server.name, e.what());
    }
    std::this_thread::sleep_for(pause);
    util::throw_if_interrupted(interrupt);
    pause = std::min(pause * 2, std::chrono::milliseconds(2000));
  }
}

} // namespace

std::vector<ServerReady> wait_for_servers(const Project& project, const engine::Registry& registry,
                                          double timeout_seconds, const util::Interrupt* interrupt) {
  auto deadline = Clock::now() + std::chrono::milliseconds(static_cast<long>(timeout_seconds * 1000));
  std::vector<ServerReady> ready;
  for (const auto& group : group_by_server(project)) {
    ready.push_back(wait_for(registry.get(group.server->engine->value), *group.server, deadline,
                             timeout_seconds, interrupt));
  }
  return ready;
}

} // namespace dbctl::ops

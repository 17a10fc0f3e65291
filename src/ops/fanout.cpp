#include "dbctl/ops/fanout.hpp"

#include "dbctl/targets/schedule.hpp"
#include "dbctl/util/error.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <mutex>
#include <thread>

namespace dbctl::ops {

namespace {

using Clock = std::chrono::steady_clock;

// The shared state of one run's workers.
class Run {
public:
  Run(const std::vector<targets::Target>& selected, const FanoutOptions& options, const Job& job,
      const std::vector<const topology::Server*>& servers)
      : m_selected(selected), m_options(options), m_job(job), m_scheduler(servers, options.cost, options.held),
        m_outcomes(selected.size()) {}

  // Take targets until none is left, going on with the server the worker is on while there
  // are any, keeping its last connection (closed before the scheduler gets its reservation
  // back).
  void work() {
    engine::Keep keep;
    std::optional<std::size_t> index = m_scheduler.next();
    while (index) {
      run_one(*index, keep);
      std::optional<std::size_t> following = m_scheduler.continue_with(*index);
      if (!following) {
        keep.reset();
        m_scheduler.done(*index);
        following = m_scheduler.next();
      }
      index = following;
    }
  }

  std::vector<std::optional<Outcome>> finish() {
    if (m_fatal) {
      std::rethrow_exception(m_fatal);
    }
    return std::move(m_outcomes);
  }

private:
  void run_one(std::size_t index, engine::Keep& keep) {
    const targets::Target& target = m_selected[index];
    Outcome outcome;
    auto began = Clock::now();
    try {
      outcome = m_job(index, target, keep);
    } catch (const ConfigError&) {
      abort_run(); // a bad input file: exit 2, not a failed target
      return;
    } catch (const Error& e) {
      // A target stopped by SIGINT/SIGTERM did not fail: it is run again to go on.
      outcome = Outcome{};
      outcome.result = util::interrupted(m_options.interrupt) ? Result::interrupted : Result::failed;
      outcome.error = e.what();
    } catch (...) {
      abort_run();
      return;
    }
    outcome.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - began).count();
    std::lock_guard<std::mutex> lock(m_mutex);
    m_failed += outcome.result == Result::failed ? 1 : 0;
    if ((m_failed > m_options.max_failures && !m_options.keep_going) || util::interrupted(m_options.interrupt)) {
      m_scheduler.stop();
    }
    if (m_options.finished) {
      m_options.finished(target, outcome);
    }
    m_outcomes[index] = std::move(outcome);
  }

  // Keep the first exception that is not a target's failure and start nothing more.
  void abort_run() {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_fatal = m_fatal ? m_fatal : std::current_exception();
    m_scheduler.stop();
  }

  const std::vector<targets::Target>& m_selected;
  const FanoutOptions& m_options;
  const Job& m_job;
  targets::Scheduler m_scheduler;
  std::vector<std::optional<Outcome>> m_outcomes;
  std::mutex m_mutex;
  std::exception_ptr m_fatal;
  std::size_t m_failed = 0; ///< under m_mutex
};

} // namespace

std::vector<std::optional<Outcome>> fan_out(const std::vector<targets::Target>& selected,
                                            const FanoutOptions& options, const Job& job) {
  std::vector<const topology::Server*> servers;
  for (const auto& target : selected) {
    servers.push_back(target.server);
  }
  int jobs = options.jobs > 0 ? options.jobs : targets::default_jobs(servers, options.cost, selected.size());
  Run run(selected, options, job, servers);
  std::vector<std::thread> threads;
  for (int i = 1; i < std::min<int>(jobs, static_cast<int>(selected.size())); ++i) {
    threads.emplace_back([&run] { run.work(); });
  }
  run.work();
  for (auto& thread : threads) {
    thread.join();
  }
  return run.finish();
}

bool any_failed(const std::vector<std::optional<Outcome>>& outcomes) {
  return std::any_of(outcomes.begin(), outcomes.end(),
                     [](const auto& outcome) { return !outcome || outcome->result == Result::failed; });
}

} // namespace dbctl::ops

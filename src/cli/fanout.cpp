#include "fanout.hpp"

#include "dbctl/targets/schedule.hpp"
#include "dbctl/util/error.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <unistd.h>

namespace dbctl::cli {

namespace {

using Clock = std::chrono::steady_clock;

// Reports finished targets: a line each, or one live line on a terminal.
class Progress {
public:
  Progress(std::size_t total, bool live) : m_total(total), m_live(live), m_start(Clock::now()) {}

  void finished(const targets::Target& target, const Outcome& outcome, bool lines) {
    std::lock_guard<std::mutex> lock(m_mutex);
    ++m_done;
    m_failed += outcome.state == "failed" ? 1 : 0;
    if (m_live) {
      std::fputs("\r\033[K", stderr); // the failure's message goes above the live line
    }
    if (outcome.state == "failed") {
      spdlog::error("{}", outcome.error);
    } else if (outcome.state == "interrupted") {
      spdlog::warn("{}", outcome.error);
    }
    if (lines && !m_live) {
      std::cout << target.key() << ": " << outcome.text << std::endl;
    }
    if (m_live) {
      draw();
    }
  }

  void end() {
    if (m_live) {
      std::lock_guard<std::mutex> lock(m_mutex);
      std::fputs("\r\033[K", stderr);
      std::fflush(stderr);
    }
  }

private:
  void draw() {
    double seconds = std::chrono::duration<double>(Clock::now() - m_start).count();
    double rate = seconds > 0 ? static_cast<double>(m_done) / seconds : 0;
    std::string eta = rate > 0 ? std::to_string(static_cast<long>(static_cast<double>(m_total - m_done) / rate + 0.5)) + " s" : "?";
    std::fprintf(stderr, "%zu/%zu targets, %zu failed, %.1f/s, ETA %s", m_done, m_total, m_failed,
                 rate, eta.c_str());
    std::fflush(stderr);
  }

  std::mutex m_mutex;
  std::size_t m_total;
  bool m_live;
  Clock::time_point m_start;
  std::size_t m_done = 0;
  std::size_t m_failed = 0;
};

} // namespace

std::vector<std::optional<Outcome>> fan_out(const Context& context, const Project& project,
                                            const FanoutOptions& options,
                                            const Job& job) {
  const auto& selected = project.selected;
  std::vector<const topology::Server*> servers;
  for (const auto& target : selected) {
    servers.push_back(target.server);
  }
  int jobs = context.global.jobs > 0 ? context.global.jobs
                                     : targets::default_jobs(servers, options.cost, selected.size());
  targets::Scheduler scheduler(servers, options.cost);
  bool live = selected.size() > 1 && options.lines && !context.global.quiet &&
              context.global.output == OutputFormat::text && isatty(STDERR_FILENO) != 0;
  Progress progress(selected.size(), live);
  std::vector<std::optional<Outcome>> outcomes(selected.size());
  std::mutex error_mutex;
  std::exception_ptr fatal;
  // Keep the first exception that is not a target's failure and start nothing more.
  auto abort_run = [&] {
    std::lock_guard<std::mutex> lock(error_mutex);
    fatal = fatal ? fatal : std::current_exception();
    scheduler.stop();
  };
  auto worker = [&] {
    // Each worker goes on with targets of the server it is on while there are any, keeping
    // its last connection (closed before the scheduler gets its reservation back).
    engine::Keep keep;
    std::optional<std::size_t> index = scheduler.next();
    while (index) {
      const targets::Target& target = selected[*index];
      Outcome outcome;
      bool aborted = false;
      auto began = Clock::now();
      try {
        outcome = job(*index, target, keep);
      } catch (const ConfigError&) {
        abort_run(); // a bad input file: exit 2, not a failed target
        aborted = true;
      } catch (const Error& e) {
        // A target stopped by SIGINT/SIGTERM did not fail: it is run again to go on.
        bool interrupted = context.interrupt != nullptr && context.interrupt->requested();
        outcome.state = interrupted ? "interrupted" : "failed";
        outcome.text = outcome.state;
        outcome.error = e.what();
      } catch (...) {
        abort_run();
        aborted = true;
      }
      if (!aborted) {
        outcome.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - began).count();
        if ((outcome.state == "failed" && !options.keep_going) ||
            (context.interrupt != nullptr && context.interrupt->requested())) {
          scheduler.stop();
        }
        progress.finished(target, outcome, options.lines);
        outcomes[*index] = std::move(outcome);
      }
      std::optional<std::size_t> following = scheduler.continue_with(*index);
      if (!following) {
        keep.reset();
        scheduler.done(*index);
        following = scheduler.next();
      }
      index = following;
    }
  };
  std::vector<std::thread> threads;
  for (int i = 1; i < std::min<int>(jobs, static_cast<int>(selected.size())); ++i) {
    threads.emplace_back(worker);
  }
  worker();
  for (auto& thread : threads) {
    thread.join();
  }
  progress.end();
  if (fatal) {
    std::rethrow_exception(fatal);
  }
  return outcomes;
}

bool any_failed(const std::vector<std::optional<Outcome>>& outcomes) {
  return std::any_of(outcomes.begin(), outcomes.end(),
                     [](const auto& outcome) { return !outcome || outcome->state == "failed"; });
}

std::string format_duration(long long ms) {
  if (ms < 1000) {
    return std::to_string(ms) + " ms";
  }
  if (ms < 60000) {
    return fmt::format("{:.1f} s", static_cast<double>(ms) / 1000);
  }
  return fmt::format("{} min {:02} s", ms / 60000, (ms % 60000) / 1000);
}

ExitCode summarize(const Context& context, const std::string& verb, const Project& project,
                   const std::vector<std::optional<Outcome>>& outcomes, long long total_ms) {
  std::map<std::string, std::size_t> counts;
  std::string failed;
  std::optional<std::size_t> slowest;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    if (!outcomes[i]) {
      ++counts["not started"];
      continue;
    }
    ++counts[outcomes[i]->state];
    if (outcomes[i]->state == "failed") {
      failed += (failed.empty() ? "" : ", ") + project.selected[i].key();
    }
    if (!slowest || outcomes[i]->duration_ms > outcomes[*slowest]->duration_ms) {
      slowest = i;
    }
  }
  if (outcomes.size() > 1 || counts.count("failed") != 0) {
    for (const auto& [state, n] : counts) {
      bool red = context.color && state == "failed";
      std::cout << verb << ": " << (red ? "\033[31m" : "") << n << " " << state
                << (state == "failed" ? ": " + failed : "") << (red ? "\033[0m" : "") << "\n";
    }
  }
  if (outcomes.size() > 1 && slowest) {
    std::cout << verb << ": " << outcomes.size() << " targets in " << format_duration(total_ms)
              << "; slowest " << project.selected[*slowest].key() << " ("
              << format_duration(outcomes[*slowest]->duration_ms) << ")\n";
  }
  return counts.count("failed") != 0 ? ExitCode::failed : ExitCode::ok;
}

nlohmann::ordered_json target_json(const targets::Target& target) {
  return {{"target", target.key()},
          {"service", target.service},
          {"tenant", target.tenant ? nlohmann::ordered_json(*target.tenant) : nlohmann::ordered_json()},
          {"server", target.server->name},
          {"database", target.database},
          {"schema", target.schema ? nlohmann::ordered_json(*target.schema) : nlohmann::ordered_json()}};
}

nlohmann::ordered_json outcomes_json(const Project& project, const std::vector<std::optional<Outcome>>& outcomes) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    const targets::Target& target = project.selected[i];
    nlohmann::ordered_json item = target_json(target);
    if (!outcomes[i]) {
      item["result"] = "not started";
    } else {
      item["result"] = outcomes[i]->state;
      item["applied"] = outcomes[i]->applied;
      item["version"] = outcomes[i]->version ? nlohmann::ordered_json(*outcomes[i]->version) : nlohmann::ordered_json();
      item["duration_ms"] = outcomes[i]->duration_ms;
      item["notices"] = outcomes[i]->notices;
      if (!outcomes[i]->error.empty()) {
        item["error"] = outcomes[i]->error;
      }
    }
    out.push_back(std::move(item));
  }
  return out;
}

} // namespace dbctl::cli

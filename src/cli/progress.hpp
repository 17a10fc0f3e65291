#pragma once
// How a run over many targets shows itself: a line per finished target, or one live line.
#include "context.hpp"

#include "dbctl/ops/migrate.hpp"

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>

namespace dbctl::cli {

/// Hears of each finished target of a run: logs its failure, and prints `target: <line>`
/// (with `lines`) or, on a terminal with more than one target, redraws one live progress
/// line on stderr, naming the wave in a rollout in waves. Must outlive the run.
class Progress {
public:
  Progress(const Context& context, std::size_t total, bool lines);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  /// Return the run's options: -j, the interruption, and this as the listener.
  ops::RunOptions run_options();

private:
  void finished(const targets::Target& target, const ops::Outcome& outcome);
  void draw();

  const Context& m_context;
  std::mutex m_mutex;
  std::size_t m_total;
  bool m_lines;
  bool m_live;
  std::chrono::steady_clock::time_point m_start;
  std::size_t m_done = 0;
  std::size_t m_failed = 0;
  std::string m_wave; ///< "wave 2/3, " while a rollout in waves runs
};

} // namespace dbctl::cli

#include "progress.hpp"

#include "dbctl/report/migrate.hpp"

#include <cstdio>
#include <iostream>
#include <string>

#include <spdlog/spdlog.h>
#include <unistd.h>

namespace dbctl::cli {

using Clock = std::chrono::steady_clock;

Progress::Progress(const Context& context, std::size_t total, bool lines)
    : m_context(context), m_total(total), m_lines(lines),
      m_live(total > 1 && lines && !context.global.quiet && context.global.output == OutputFormat::text &&
             isatty(STDERR_FILENO) != 0),
      m_start(Clock::now()) {}

Progress::~Progress() {
  if (m_live) {
    std::lock_guard<std::mutex> lock(m_mutex);
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
  }
}

ops::RunOptions Progress::run_options() {
  ops::RunOptions options;
  options.jobs = m_context.global.jobs;
  options.interrupt = m_context.interrupt;
  options.finished = [this](const targets::Target& target, const ops::Outcome& outcome) { finished(target, outcome); };
  options.wave_started = [this](std::size_t wave, std::size_t waves) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_wave = "wave " + std::to_string(wave) + "/" + std::to_string(waves) + ", ";
    if (m_live) {
      std::fputs("\r\033[K", stderr);
      draw();
    }
  };
  return options;
}

void Progress::finished(const targets::Target& target, const ops::Outcome& outcome) {
  std::lock_guard<std::mutex> lock(m_mutex);
  ++m_done;
  m_failed += outcome.result == ops::Result::failed ? 1 : 0;
  if (m_live) {
    std::fputs("\r\033[K", stderr); // the failure's message goes above the live line
  }
  if (outcome.result == ops::Result::failed) {
    spdlog::error("{}", outcome.error);
  } else if (outcome.result == ops::Result::interrupted) {
    spdlog::warn("{}", outcome.error);
  }
  if (m_lines && !m_live) {
    std::cout << target.key() << ": " << report::outcome_line(outcome) << std::endl;
  }
  if (m_live) {
    draw();
  }
}

void Progress::draw() {
  double seconds = std::chrono::duration<double>(Clock::now() - m_start).count();
  double rate = seconds > 0 ? static_cast<double>(m_done) / seconds : 0;
  std::string eta = rate > 0 ? std::to_string(static_cast<long>(static_cast<double>(m_total - m_done) / rate + 0.5)) + " s" : "?";
  std::fprintf(stderr, "%s%zu/%zu targets, %zu failed, %.1f/s, ETA %s", m_wave.c_str(), m_done, m_total, m_failed,
               rate, eta.c_str());
  std::fflush(stderr);
}

} // namespace dbctl::cli

#include "logging.hpp"

#include "dbctl/util/url.hpp"

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <unistd.h>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

namespace dbctl::cli {

/// Writes `dbctl: [error: ]message` lines to stderr after masking secrets.
class RedactingSink final : public spdlog::sinks::base_sink<std::mutex> {
public:
  explicit RedactingSink(bool color) : m_color(color) {}

  void add(const std::string& secret) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!secret.empty()) {
      m_secrets.push_back(secret);
      std::string encoded = util::percent_encode(secret);
      if (encoded != secret) {
        m_secrets.push_back(encoded);
      }
      // Longest first, so a secret containing another is masked whole.
      std::sort(m_secrets.begin(), m_secrets.end(),
                [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    }
  }

  std::string redact(std::string text) {
    std::lock_guard<std::mutex> lock(mutex_);
    return redact_locked(std::move(text));
  }

protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::string line(msg.payload.data(), msg.payload.size());
    line = redact_locked(std::move(line));
    const char* label = msg.level >= spdlog::level::err  ? "error: "
                        : msg.level == spdlog::level::warn ? "warning: "
                                                           : "";
    const char* start = "";
    const char* end = "";
    if (m_color && *label != '\0') {
      start = msg.level >= spdlog::level::err ? "\033[31m" : "\033[33m";
      end = "\033[0m";
    }
    std::fprintf(stderr, "dbctl: %s%s%s%s\n", start, label, end, line.c_str());
  }

  void flush_() override { std::fflush(stderr); }

private:
  std::string redact_locked(std::string text) const { return util::mask_secrets(std::move(text), m_secrets); }

  bool m_color;
  std::vector<std::string> m_secrets;
};

namespace {
spdlog::level::level_enum level_of(Verbosity verbosity) {
  switch (verbosity) {
  case Verbosity::quiet:
    return spdlog::level::err;
  case Verbosity::debug:
    return spdlog::level::debug;
  case Verbosity::trace:
    return spdlog::level::trace;
  case Verbosity::normal:
    break;
  }
  return spdlog::level::info;
}
} // namespace

Logging::Logging(Verbosity verbosity, bool allow_color) {
  bool color = allow_color && isatty(STDERR_FILENO) != 0;
  m_sink = std::make_shared<RedactingSink>(color);
  auto logger = std::make_shared<spdlog::logger>("dbctl", m_sink);
  logger->set_level(level_of(verbosity));
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
}

Logging::~Logging() { spdlog::default_logger()->flush(); }

void Logging::add_secrets(const std::vector<util::Secret>& secrets) {
  for (const auto& secret : secrets) {
    m_sink->add(secret.reveal());
  }
}

std::string Logging::redact(std::string text) const { return m_sink->redact(std::move(text)); }

} // namespace dbctl::cli

#pragma once
// spdlog set-up: everything goes to stderr as `dbctl: ...`, with known secrets masked.
#include "dbctl/util/secret.hpp"

#include <memory>
#include <string>
#include <vector>

namespace dbctl::cli {

class RedactingSink;

/// How chatty stderr is.
enum class Verbosity { quiet, normal, debug, trace };

/// Owns the default logger for one run; secrets registered here never reach stderr.
class Logging {
public:
  /// Install the stderr logger at a verbosity, with colour when stderr is a terminal and
  /// colour is allowed (see color_allowed).
  Logging(Verbosity verbosity, bool allow_color);
  ~Logging();
  Logging(const Logging&) = delete;
  Logging& operator=(const Logging&) = delete;

  /// Mask these values (and their URL-encoded forms) in every later log line.
  void add_secrets(const std::vector<util::Secret>& secrets);
  /// Return text with every registered secret replaced by `***`.
  std::string redact(std::string text) const;

private:
  std::shared_ptr<RedactingSink> m_sink;
};

} // namespace dbctl::cli

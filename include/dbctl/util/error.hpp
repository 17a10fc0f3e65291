#pragma once
// The one small exception hierarchy of dbctl; cli::run maps each kind to an exit code.
#include "dbctl/util/diagnostics.hpp"

#include <stdexcept>
#include <string>
#include <vector>

namespace dbctl {

/// Base of every failure dbctl reports to its user.
class Error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Invalid topology, migration folder or other input file: exit code 2, nothing touched.
class ConfigError : public Error {
public:
  /// Build from every problem found; what() lists them one per line.
  explicit ConfigError(std::vector<util::Diagnostic> problems);
  /// Build from a single message that has no better place to point at.
  explicit ConfigError(const std::string& message);
  /// Return the problems, in file order.
  const std::vector<util::Diagnostic>& problems() const { return m_problems; }

private:
  std::vector<util::Diagnostic> m_problems;
};

/// Invalid command line (unknown selection, missing argument): exit code 2.
class UsageError : public Error {
public:
  using Error::Error;
};

/// The run was interrupted (SIGINT/SIGTERM) and stopped at a step boundary: exit code
/// 128 + the signal number.
class InterruptedError : public Error {
public:
  using Error::Error;
};

} // namespace dbctl

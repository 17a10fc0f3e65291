#pragma once
// Failures reported by a database server or driver.
#include "dbctl/util/error.hpp"

#include <string>

namespace dbctl {

/// A server refused, failed or could not be reached: exit code 1.
class DbError : public Error {
public:
  /// Build from a message (never holding a secret) and the server's SQLSTATE, if any.
  explicit DbError(const std::string& message, std::string sqlstate = {})
      : Error(message), m_sqlstate(std::move(sqlstate)) {}
  /// Return the five-character SQLSTATE, or empty when the failure was not the server's.
  const std::string& sqlstate() const { return m_sqlstate; }

private:
  std::string m_sqlstate;
};

} // namespace dbctl

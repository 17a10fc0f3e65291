#pragma once
// Failures reported by a database server or driver.
#include "dbctl/util/error.hpp"

#include <string>

namespace dbctl {

/// The failures callers decide on, whatever the engine said them with.
enum class DbFailure {
  other,
  /// The server refused a login: no such role/user, or another password (PostgreSQL
  /// "password authentication failed" or "role ... does not exist"; MySQL 1045 and 1698, which
  /// MariaDB answers for an unknown user when some account uses unix_socket).
  login_refused,
  /// A session's server went away or stopped taking its writes: the connection was lost, the
  /// server is shutting down (PostgreSQL SQLSTATE class 08, 57P01-57P03), has become a
  /// read-only standby (25006), or the Galera node left the cluster (MySQL 2006, 2013, 1047,
  /// 1053, 1290, 1927). What a failover looks like from inside a run (ops/failover.hpp).
  connection_lost,
  /// No connection could be made where a write can go: refused or timed out, starting up or
  /// shutting down, every host a standby, a Galera node not ready (MySQL 2002, 2003).
  unavailable,
};

/// A server refused, failed or could not be reached: exit code 1.
class DbError : public Error {
public:
  /// Build from a message (never holding a secret), the server's SQLSTATE and the line of
  /// the script the server pointed at, when known (0 otherwise).
  explicit DbError(const std::string& message, std::string sqlstate = {}, int line = 0)
      : Error(message), m_sqlstate(std::move(sqlstate)), m_line(line) {}
  /// Build a failure of a kind callers tell apart.
  DbError(DbFailure failure, const std::string& message, std::string sqlstate = {}, int line = 0)
      : Error(message), m_sqlstate(std::move(sqlstate)), m_line(line), m_failure(failure) {}
  /// Return the five-character SQLSTATE, or empty when the failure was not the server's.
  const std::string& sqlstate() const { return m_sqlstate; }
  /// Return the 1-based line of the executed text the error points at, or 0.
  int line() const { return m_line; }
  /// Return what kind of failure this is.
  DbFailure failure() const { return m_failure; }

private:
  std::string m_sqlstate;
  int m_line = 0;
  DbFailure m_failure = DbFailure::other;
};

} // namespace dbctl

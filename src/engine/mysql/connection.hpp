#pragma once
// Connections to MySQL/MariaDB through Connector/C++ 1.1, and client-side password hashes.
#include "../cancellable.hpp"

#include "dbctl/engine/driver.hpp"
#include "dbctl/topology/model.hpp"
#include "dbctl/util/secret.hpp"

#include <memory>
#include <optional>
#include <string>

#include <cppconn/connection.h>
#include <cppconn/resultset.h>

namespace dbctl::engine::mysql {

/// Credentials for one connection.
struct Login {
  std::string user;
  std::optional<util::Secret> password;
};

/// Initialize the client library and Connector/C++'s driver; call once before any thread
/// connects (neither initializes itself thread-safely).
void initialize_client();

/// An open connection, cancellable by the run's interruption.
using Connection = Cancellable<sql::Connection>;

/// Open a connection (database may be empty) with the run's statement timeout, registered
/// with its interruption; throws DbError naming the server and advice. With `batches`, the
/// connection may send several statements at once (CLIENT_MULTI_STATEMENTS), and an
/// interruption also takes the stop lock that batch_gate() tests.
Connection connect(const topology::Server& server, const std::string& database, const Login& login,
                   const SessionOptions& options, bool batches = false);

/// Return a statement that fails while the run's interruption holds this connection's stop
/// lock, and else returns one row: placed between a batch's statements, it ends the batch there.
std::string batch_gate();

/// Return the server's admin login.
Login admin_login(const topology::Server& server);

/// Return the mysql_native_password hash (`*` + upper hex SHA1(SHA1(password))), computed on
/// the client so the plaintext never reaches the server or its logs.
std::string native_password_hash(const util::Secret& password);

/// Quote an identifier with backticks (doubling any inside).
std::string quote_ident(const std::string& name);

/// Quote a string literal, escaping with the connection's own rules.
std::string quote_literal(sql::Connection& connection, const std::string& text);

/// Quote a database name for a GRANT ... ON `db`.*, where `_` and `%` are wildcards.
std::string grant_database(const std::string& name);

/// Run a query and return its rows (Connector/C++ exceptions pass through).
std::unique_ptr<sql::ResultSet> query(sql::Connection& connection, const std::string& text);

/// Throw DbError for a Connector/C++ failure, prefixed with context; a DbError passes
/// through as it is, so one catch of std::exception serves every failure.
[[noreturn]] void rethrow(const std::exception& failure, const std::string& context);

} // namespace dbctl::engine::mysql

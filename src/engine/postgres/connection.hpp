#pragma once
// Connections to PostgreSQL through libpqxx, and password verifiers through libpq.
#include "../cancellable.hpp"

#include "dbctl/engine/driver.hpp"
#include "dbctl/engine/error.hpp"
#include "dbctl/topology/model.hpp"
#include "dbctl/util/secret.hpp"

#include <memory>
#include <optional>
#include <string>

#include <pqxx/pqxx>

namespace dbctl::engine::postgres {

/// Credentials for one connection.
struct Login {
  std::string user;
  std::optional<util::Secret> password;
};

/// Return the libpq keyword/value string for a server and database: the server's options,
/// application_name=<server.application_name> and connect_timeout=10 unless the options set them. Holds the
/// password: never log it. `host` picks one of the server's hosts (index into hosts; with
/// several hosts it adds target_session_attrs=read-write unless the options set it).
std::string conninfo(const topology::Server& server, const std::string& database,
                     const Login& login, std::size_t host = 0);

/// An open connection, cancellable by the run's interruption.
using Connection = Cancellable<pqxx::connection>;

/// Open a connection with the run's statement timeout, registered with its interruption;
/// throws DbError naming the server and what to do about the failure.
Connection connect(const topology::Server& server, const std::string& database, const Login& login,
                   const SessionOptions& options);

/// Return the server's admin login (its user and password).
Login admin_login(const topology::Server& server);

/// Return the SCRAM-SHA-256 verifier of a password, computed by libpq on the client.
std::string scram_verifier(const std::string& user, const util::Secret& password);

/// Tell whether a stored `SCRAM-SHA-256$iter:salt$StoredKey:ServerKey` verifier matches a
/// password; false for anything else (md5, plaintext, malformed).
bool verifier_matches(const std::string& stored, const util::Secret& password);

/// Return the DbError for a server error: its first line without libpq's "ERROR:  ", the
/// SQLSTATE, and the line of the sent text the server pointed at ("LINE n:"), less
/// `skipped_lines` lines that dbctl put before the user's text.
DbError sql_failure(const pqxx::sql_error& failure, const std::string& context,
                    int skipped_lines = 0);

/// Throw DbError for a libpqxx failure, prefixed with context (`pg/users: `); a DbError
/// passes through as it is, so one catch of std::exception serves every failure.
[[noreturn]] void rethrow(const std::exception& failure, const std::string& context);

} // namespace dbctl::engine::postgres

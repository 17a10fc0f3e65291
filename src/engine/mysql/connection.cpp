#include "connection.hpp"

#include "../login.hpp"

#include "dbctl/engine/error.hpp"

#include <array>
#include <chrono>
#include <map>
#include <cstdio>

#include <cppconn/exception.h>
#include <cppconn/statement.h>
#include <mysql_connection.h>
#include <mysql_driver.h>
#include <openssl/evp.h>

namespace dbctl::engine::mysql {

namespace {

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// The client and server errors a failover (or a Galera node leaving) shows as: the server gone
// or unreachable, shutting down, read-only, its connection killed, or a node not ready.
bool gone(int code) {
  switch (code) {
  case 2002: // CR_CONNECTION_ERROR
  case 2003: // CR_CONN_HOST_ERROR
  case 2006: // CR_SERVER_GONE_ERROR
  case 2013: // CR_SERVER_LOST
  case 2055: // CR_SERVER_LOST_EXTENDED
  case 1047: // ER_UNKNOWN_COM_ERROR: "WSREP has not yet prepared node for application use"
  case 1053: // ER_SERVER_SHUTDOWN
  case 1290: // ER_OPTION_PREVENTS_STATEMENT: --read-only
  case 1927: // ER_CONNECTION_KILLED
    return true;
  default:
    return false;
  }
}

// Turn a failed login into one line that says what to do, of the kind callers decide on.
DbError connect_failure(const topology::Server& server, const std::string& host, int port, const Login& login,
                        const sql::SQLException& e) {
  std::string at = host + ":" + std::to_string(port);
  std::string where = server.name + ": cannot connect to " + at + " as " + login.user;
  std::string state = e.getSQLStateCStr();
  switch (e.getErrorCode()) {
  case 1045: // ER_ACCESS_DENIED_ERROR
  case 1698: // ER_ACCESS_DENIED_NO_PASSWORD_ERROR: MariaDB's answer for an unknown user when
             // some account uses unix_socket (Debian's root@localhost), for some names only
    if (login.user == server.user) {
      return DbError(DbFailure::login_refused,
                     server.name + ": access denied for user " + login.user + " at " + at +
                         "; check servers." + server.name + ".password (or its url)",
                     state);
    }
    return DbError(DbFailure::login_refused, refused_login(server, login.user, "user"), state);
  case 2002: // CR_CONNECTION_ERROR
  case 2003: // CR_CONN_HOST_ERROR
    return DbError(DbFailure::unavailable, where + ": connection refused; is the server running and listening there?",
                   state);
  default:
    return DbError(gone(e.getErrorCode()) ? DbFailure::unavailable : DbFailure::other,
                   where + ": " + first_line(e.what()), state);
  }
}

std::array<unsigned char, 20> sha1(const unsigned char* data, std::size_t size) {
  std::array<unsigned char, 20> out{};
  unsigned int length = 0;
  EVP_Digest(data, size, out.data(), &length, EVP_sha1(), nullptr);
  return out;
}


std::unique_ptr<sql::Connection> open_at(const topology::Server& server, const std::string& host, int port,
                                         const std::string& database, const Login& login, bool batches = false) {
  sql::ConnectOptionsMap options;
  options["hostName"] = sql::SQLString(host);
  options["port"] = port;
  options["userName"] = sql::SQLString(login.user);
  options["password"] = sql::SQLString(login.password ? login.password->reveal() : std::string());
  if (!database.empty()) {
    options["schema"] = sql::SQLString(database);
  }
  options["OPT_CONNECT_TIMEOUT"] = 10;
  options["CLIENT_MULTI_STATEMENTS"] = batches;
  // MySQL's application_name: performance_schema.session_connect_attrs shows it.
  options["OPT_CONNECT_ATTR_ADD"] =
      std::map<sql::SQLString, sql::SQLString>{{"program_name", server.application_name}};
  // The mysql client's option names (validated by the loader), in Connector/C++'s terms.
  for (const auto& [key, value] : server.options) {
    if (key == "connect_timeout") {
      options["OPT_CONNECT_TIMEOUT"] = std::atoi(value.c_str());
    } else if (key == "ssl-ca") {
      options["sslCA"] = sql::SQLString(value);
    } else if (key == "ssl-cert") {
      options["sslCert"] = sql::SQLString(value);
    } else if (key == "ssl-key") {
      options["sslKey"] = sql::SQLString(value);
    } else if (key == "ssl-mode" && value != "DISABLED") {
      options["sslEnforce"] = true;
      options["sslVerify"] = value == "VERIFY_CA" || value == "VERIFY_IDENTITY";
    }
  }
  try {
    sql::mysql::MySQL_Driver* driver = sql::mysql::get_mysql_driver_instance();
    std::unique_ptr<sql::Connection> connection(driver->connect(options));
    std::unique_ptr<sql::Statement> statement(connection->createStatement());
    // Strict, predictable sessions: utf8mb4 and ANSI-free defaults whatever the server says.
    statement->execute("SET NAMES utf8mb4");
    return connection;
  } catch (const sql::SQLException& e) {
    throw connect_failure(server, host, port, login, e);
  }
}

// A Galera node that takes connections but is not in the primary component (wsrep_ready=OFF:
// it was cut off, or is still joining) answers every query with error 1047; such a node is
// passed over like one that is down. A server without wsrep has no such status row.
void check_ready(sql::Connection& connection, const topology::Server& server, const std::string& host, int port) {
  std::unique_ptr<sql::Statement> statement(connection.createStatement());
  std::unique_ptr<sql::ResultSet> row(statement->executeQuery("SHOW STATUS LIKE 'wsrep_ready'"));
  if (row->next() && std::string(row->getString(2)) != "ON") {
    throw DbError(DbFailure::unavailable, server.name + ": the Galera node at " + host + ":" + std::to_string(port) +
                                              " is not ready (wsrep_ready=" + std::string(row->getString(2)) +
                                              "): it is not in the cluster's primary component");
  }
}

// The first of the server's hosts (Galera nodes) that takes the connection and is ready, in
// order; a refused login is not retried elsewhere (every node has the same users).
std::unique_ptr<sql::Connection> open(const topology::Server& server, const std::string& database,
                                      const Login& login, bool batches = false) {
  if (server.hosts.empty()) {
    return open_at(server, server.host, server.port, database, login, batches);
  }
  for (std::size_t i = 0;; ++i) {
    try {
      auto connection = open_at(server, server.hosts[i].first, server.hosts[i].second, database, login, batches);
      try {
        check_ready(*connection, server, server.hosts[i].first, server.hosts[i].second);
      } catch (const sql::SQLException& e) {
        throw connect_failure(server, server.hosts[i].first, server.hosts[i].second, login, e);
      }
      return connection;
    } catch (const DbError& e) {
      if (e.failure() == DbFailure::login_refused || i + 1 == server.hosts.size()) {
        throw;
      }
    }
  }
}

// MariaDB bounds every statement (max_statement_time) and metadata lock waits; MySQL has only
// max_execution_time, for SELECTs.
void set_statement_timeout(sql::Connection& connection, std::chrono::seconds timeout) {
  std::unique_ptr<sql::Statement> statement(connection.createStatement());
  std::string seconds = std::to_string(timeout.count());
  try {
    statement->execute("SET SESSION max_statement_time = " + seconds + ", SESSION lock_wait_timeout = " + seconds);
  } catch (const sql::SQLException&) {
    statement->execute("SET SESSION max_execution_time = " + seconds + "000, SESSION lock_wait_timeout = " + seconds);
  }
}

} // namespace

Login admin_login(const topology::Server& server) { return {server.user, server.password}; }

Connection connect(const topology::Server& server, const std::string& database, const Login& login,
                   const SessionOptions& options, bool batches) {
  std::unique_ptr<sql::Connection> connection = open(server, database, login, batches);
  std::string id;
  try {
    if (options.statement_timeout.count() > 0) {
      set_statement_timeout(*connection, options.statement_timeout);
    }
    if (options.interrupt != nullptr) {
      std::unique_ptr<sql::ResultSet> row = query(*connection, "SELECT CONNECTION_ID()");
      id = row->next() ? std::string(row->getString(1)) : std::string();
    }
  } catch (const std::exception& e) {
    rethrow(e, server.name + ": setting up the session: ");
  }
  // A running statement stops only by KILL QUERY from another connection. A batch goes on
  // after a statement that ends quietly when killed (SLEEP), so on a connection that sends
  // batches the killer first takes the stop lock its gates test (batch_gate), and keeps it for
  // as long as the cancel function is registered, that is until the connection closes.
  auto killer = std::make_shared<std::unique_ptr<sql::Connection>>();
  return make_cancellable(std::move(connection), options.interrupt, [&server, login, id, batches, killer](sql::Connection&) {
    try {
      *killer = open(server, "", login);
      std::unique_ptr<sql::Statement> statement((*killer)->createStatement());
      if (batches) {
        try {
          statement->execute("DO GET_LOCK(CONCAT('dbctl:stop:', " + id + "), 0)");
        } catch (...) {
          // Without the lock, KILL QUERY alone still stops a statement that fails when killed.
        }
      }
      statement->execute("KILL QUERY " + id);
    } catch (...) {
      // The statement ended, or the server is gone: nothing is left to stop.
    }
  });
}

std::string batch_gate() {
  // An invalid pattern is an error in MariaDB and MySQL alike, whatever the session's sql_mode;
  // the pattern is chosen per row, so the error comes only while the stop lock is held.
  return "SELECT 'a' REGEXP IF(IS_USED_LOCK(CONCAT('dbctl:stop:', CONNECTION_ID())) IS NULL, 'a', '(')";
}

void initialize_client() { sql::mysql::get_mysql_driver_instance(); }

std::string native_password_hash(const util::Secret& password) {
  const std::string& plain = password.reveal();
  auto once = sha1(reinterpret_cast<const unsigned char*>(plain.data()), plain.size());
  auto twice = sha1(once.data(), once.size());
  std::string out = "*";
  char hex[3];
  for (unsigned char byte : twice) {
    std::snprintf(hex, sizeof hex, "%02X", byte);
    out += hex;
  }
  return out;
}

std::string quote_ident(const std::string& name) {
  std::string out = "`";
  for (char c : name) {
    out += c == '`' ? std::string("``") : std::string(1, c);
  }
  return out + "`";
}

std::string quote_literal(sql::Connection& connection, const std::string& text) {
  auto* native = dynamic_cast<sql::mysql::MySQL_Connection*>(&connection);
  std::string escaped = native != nullptr ? std::string(native->escapeString(text)) : text;
  return "'" + escaped + "'";
}

std::string grant_database(const std::string& name) {
  std::string escaped;
  for (char c : name) {
    if (c == '_' || c == '%') {
      escaped += '\\';
    }
    escaped += c;
  }
  return quote_ident(escaped);
}

std::unique_ptr<sql::ResultSet> query(sql::Connection& connection, const std::string& text) {
  std::unique_ptr<sql::Statement> statement(connection.createStatement());
  return std::unique_ptr<sql::ResultSet>(statement->executeQuery(text));
}

// The line inside the statement sent that a server message ends with ("... near 'x' at line
// 11", as syntax errors say), or 0.
int line_in_statement(const std::string& message) {
  const std::string marker = " at line ";
  std::size_t at = message.rfind(marker);
  if (at == std::string::npos || at + marker.size() >= message.size()) {
    return 0;
  }
  std::string digits = message.substr(at + marker.size());
  if (digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 9) {
    return 0;
  }
  return std::stoi(digits);
}

// The server's message on one line: a syntax error quotes the statement near the error, line
// breaks included ("near 'WRONG\n)' at line 5"), which shows as \n.
std::string one_line(const std::string& message) {
  std::string out;
  for (char c : message) {
    out += c == '\n' ? std::string("\\n") : std::string(1, c);
  }
  return out;
}

void rethrow(const std::exception& failure, const std::string& context) {
  if (const auto* translated = dynamic_cast<const DbError*>(&failure)) {
    throw *translated; // said in dbctl's terms already, with its own context
  }
  if (const auto* e = dynamic_cast<const sql::SQLException*>(&failure)) {
    std::string state = e->getSQLStateCStr();
    std::string message = one_line(e->what());
    throw DbError(gone(e->getErrorCode()) ? DbFailure::connection_lost : DbFailure::other,
                  context + message + " (" + std::to_string(e->getErrorCode()) + (state.empty() ? "" : ", " + state) +
                      ")",
                  state, line_in_statement(message));
  }
  throw DbError(context + first_line(failure.what()));
}

} // namespace dbctl::engine::mysql

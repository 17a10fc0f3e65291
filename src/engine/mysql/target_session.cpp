// The MySQL/MariaDB TargetSession: scripts run statement by statement as the owner.
#include "target_session.hpp"

#include "connection.hpp"
#include "lease.hpp"
#include "lock.hpp"

#include "../lock_pair.hpp"

#include "dbctl/engine/error.hpp"
#include "dbctl/util/hash.hpp"

#include <algorithm>
#include <utility>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <cppconn/warning.h>

namespace dbctl::engine::mysql {

namespace {

using Rows = std::unique_ptr<sql::ResultSet>;

constexpr const char* k_create_history =
    "CREATE TABLE IF NOT EXISTS dbctl_history ("
    " installed_rank BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
    " service VARCHAR(64) NOT NULL, version VARCHAR(255) NULL,"
    " description VARCHAR(1024) NOT NULL, type VARCHAR(16) NOT NULL,"
    " script VARCHAR(1024) NOT NULL, checksum CHAR(64) NOT NULL,"
    " installed_by VARCHAR(128) NOT NULL,"
    " installed_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,"
    " execution_ms BIGINT NOT NULL, success BOOLEAN NOT NULL,"
    " statements_done INT NULL, statement_hashes TEXT NULL,"
    " KEY dbctl_history_service (service)"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";

// MySQL lock names are at most 64 characters: a hash of the target's key.
std::string lock_name(const std::string& key) { return "dbctl:" + util::sha256_hex(key).substr(0, 40); }

} // namespace

TargetSession::TargetSession(const targets::Target& target, const SessionOptions& options)
    : m_target(target), m_options(options) {}

Login TargetSession::login() const {
  // MySQL has no SET ROLE for users: the owner logs in itself where it can, so every object
  // is created with its rights; an owner without a password leaves it to the admin.
  if (m_target.owner.password) {
    return {m_target.owner.name, m_target.owner.password};
  }
  return admin_login(*m_target.server);
}

std::string TargetSession::context() const { return m_target.key() + ": "; }

std::string TargetSession::installed_by() const { return login().user; }

void TargetSession::connect_ahead() {
  if (m_work || m_connect_error) {
    return;
  }
  try {
    m_work = connect(*m_target.server, "", login(), m_options, true);
  } catch (const std::exception&) {
    m_connect_error = std::current_exception();
  }
}

sql::Connection& TargetSession::work() {
  if (m_connect_error) {
    std::rethrow_exception(std::exchange(m_connect_error, nullptr));
  }
  if (!m_work) {
    m_work = connect(*m_target.server, "", login(), m_options, true);
  }
  return *m_work;
}

void TargetSession::execute(const std::string& statement, std::vector<std::string>* warnings) {
  std::unique_ptr<sql::Statement> run(work().createStatement());
  // Drain every result (a SELECT, a CALL's several): unread results put the connection out
  // of sync for the next statement.
  bool rows = run->execute(statement);
  do {
    if (rows) {
      std::unique_ptr<sql::ResultSet> result(run->getResultSet());
    }
  } while ((rows = run->getMoreResults()));
  // The work connection takes several statements at once, so a text the server reads as
  // several (a DELIMITER block holding `;` at its top level) has a result per statement. An
  // update count and the end of the results look alike here: ask once more per `;`, which
  // bounds the statements (extra asks past the end return false).
  for (auto extra = std::count(statement.begin(), statement.end(), ';'); extra > 0; --extra) {
    if (run->getMoreResults()) {
      std::unique_ptr<sql::ResultSet> result(run->getResultSet());
    }
  }
  if (warnings == nullptr) {
    return;
  }
  // Connector/C++ asks SHOW WARNINGS only when the server counted some: no round trip otherwise.
  for (const sql::SQLWarning* warning = run->getWarnings(); warning != nullptr;
       warning = warning->getNextWarning()) {
    warnings->push_back(std::string(warning->getMessage()) + " (" +
                        std::to_string(warning->getErrorCode()) + ")");
  }
}

bool TargetSession::exists() {
  if (m_exists) {
    return *m_exists;
  }
  try {
    // Whoever connects sees only the databases it may use: both "no database" and "no
    // access yet" mean init has work to do.
    std::unique_ptr<sql::PreparedStatement> query(work().prepareStatement(
        "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?"));
    query->setString(1, m_target.database);
    Rows rows(query->executeQuery());
    m_exists = rows->next() && rows->getInt(1) == 1;
    if (*m_exists) {
      execute("USE " + quote_ident(m_target.database));
    }
  } catch (const DbError& e) {
    if (e.failure() != DbFailure::login_refused || !owner_missing()) {
      throw;
    }
    m_exists = false; // no owner yet (before init, or after destroy): nothing to migrate
  } catch (const std::exception& e) {
    rethrow(e, context());
  }
  return *m_exists;
}

bool TargetSession::owner_missing() {
  const topology::Server& server = *m_target.server;
  if (server.user.empty() || login().user == server.user) {
    return false; // no admin to ask, or the admin itself was refused
  }
  try {
    Connection admin = connect(server, "", admin_login(server), m_options);
    std::unique_ptr<sql::PreparedStatement> query(admin->prepareStatement(
        "SELECT COUNT(*) FROM mysql.user WHERE User = ? AND Host = ?"));
    query->setString(1, m_target.owner.name);
    query->setString(2, server.user_host);
    Rows rows(query->executeQuery());
    return rows->next() && rows->getInt(1) == 0;
  } catch (const std::exception& e) {
    rethrow(e, context() + "looking up user " + m_target.owner.name + ": ");
  }
}

std::vector<HistoryRow> TargetSession::read_history() {
  std::vector<HistoryRow> rows;
  if (!exists()) { // exists() also makes the database the connection's current one
    return rows;
  }
  try {
    std::unique_ptr<sql::PreparedStatement> table(work().prepareStatement(
        "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'dbctl_history'"));
    table->setString(1, m_target.database);
    Rows found(table->executeQuery());
    if (!found->next() || found->getInt(1) == 0) {
      return rows;
    }
    // Only what planning needs, of this service only.
    std::unique_ptr<sql::PreparedStatement> query(work().prepareStatement(
        "SELECT installed_rank, COALESCE(version, ''), type, script, checksum, success, "
        "statements_done, COALESCE(statement_hashes, ''), IF(success, '', DATE_FORMAT(installed_at, "
        "'%Y-%m-%d %H:%i:%s')) FROM dbctl_history WHERE service = ? ORDER BY installed_rank"));
    query->setString(1, m_target.service);
    Rows result(query->executeQuery());
    while (result->next()) {
      HistoryRow row;
      row.rank = result->getInt64(1);
      row.service = m_target.service;
      row.version = result->getString(2);
      row.type = parse_row_type(result->getString(3)).value_or(RowType::versioned);
      row.script = result->getString(4);
      row.checksum = result->getString(5);
      row.success = result->getBoolean(6);
      if (!result->isNull(7)) {
        row.statements_done = result->getInt(7);
      }
      row.statement_hashes = result->getString(8);
      row.installed_at = result->getString(9);
      rows.push_back(std::move(row));
    }
  } catch (const std::exception& e) {
    rethrow(e, context() + "reading dbctl_history: ");
  }
  return rows;
}

std::unique_ptr<Lock> TargetSession::lock(std::chrono::seconds timeout) {
  std::string key = "migrate:" + m_target.database + ":" + m_target.service;
  if (m_target.server->lock == topology::LockStrategy::table) {
    return take_lease(connect(*m_target.server, m_target.database, login(), m_options), key, timeout, context(),
                      m_options.interrupt);
  }
  if (!m_lock) {
    m_lock = connect(*m_target.server, "", login(), m_options);
  }
  if (galera_node(*m_lock)) {
    // GET_LOCK is one node's: two runs on two nodes would both take it and apply twice.
    throw ConfigError({util::Diagnostic{m_target.server->where, galera_needs_lease(*m_target.server),
                                        util::Severity::error}});
  }
  auto run = take_named_lock(*m_lock, lock_name(key), timeout, "migration", context(), m_options.interrupt);
  // As on PostgreSQL: the work connection holds a second lock, so a new run also waits for
  // a killed run's statement that the server is still finishing.
  auto held = take_named_lock(work(), lock_name(key + ":work"), timeout, "migration (work)", context(), m_options.interrupt);
  return std::make_unique<LockPair>(std::move(run), std::move(held));
}

void TargetSession::ensure_history() {
  exists(); // the history lives in the target's database: USE it first
  try {
    execute(k_create_history);
  } catch (const std::exception& e) {
    rethrow(e, context() + "creating dbctl_history: ");
  }
}

void TargetSession::run_in_transaction(const std::string&, HistoryRow) {
  throw DbError(context() + "MySQL commits DDL implicitly; scripts run statement by statement");
}

void TargetSession::run_alone(const std::string& statement) {
  try {
    execute(statement, &m_notices);
  } catch (const sql::SQLException& e) {
    rethrow(e, "");
  }
}

std::vector<std::string> TargetSession::take_notices() { return std::exchange(m_notices, {}); }

namespace {
// Bind a row's first nine columns (service ... success), as both INSERTs list them.
void bind_row(sql::PreparedStatement& insert, const HistoryRow& row) {
  insert.setString(1, row.service);
  insert.setString(2, row.version);
  insert.setString(3, row.description);
  insert.setString(4, to_string(row.type));
  insert.setString(5, row.script);
  insert.setString(6, row.checksum);
  insert.setString(7, row.installed_by);
  insert.setInt64(8, row.execution_ms);
  insert.setBoolean(9, row.success);
}
} // namespace

long long TargetSession::insert_history(const HistoryRow& row) {
  try {
    std::unique_ptr<sql::PreparedStatement> insert(work().prepareStatement(
        "INSERT INTO dbctl_history (service, version, description, type, script, checksum, "
        "installed_by, execution_ms, success, statements_done, statement_hashes) "
        "VALUES (?, NULLIF(?, ''), ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, ''))"));
    bind_row(*insert, row);
    if (row.statements_done) {
      insert->setInt(10, *row.statements_done);
    } else {
      insert->setNull(10, 0);
    }
    insert->setString(11, row.statement_hashes);
    insert->executeUpdate();
    std::unique_ptr<sql::Statement> statement(work().createStatement());
    Rows id(statement->executeQuery("SELECT LAST_INSERT_ID()"));
    id->next();
    return id->getInt64(1);
  } catch (const std::exception& e) {
    rethrow(e, context() + "writing dbctl_history: ");
  }
}

void TargetSession::import_history(const std::vector<HistoryRow>& rows) {
  try {
    execute("START TRANSACTION");
    try {
      std::unique_ptr<sql::PreparedStatement> insert(work().prepareStatement(
          "INSERT INTO dbctl_history (service, version, description, type, script, checksum, "
          "installed_by, execution_ms, success, installed_at) "
          "VALUES (?, NULLIF(?, ''), ?, ?, ?, ?, ?, ?, ?, COALESCE(NULLIF(?, ''), CURRENT_TIMESTAMP))"));
      for (const auto& row : rows) {
        bind_row(*insert, row);
        insert->setString(10, row.installed_at);
        insert->executeUpdate();
      }
      execute("COMMIT");
    } catch (...) {
      try {
        execute("ROLLBACK");
      } catch (...) {
        // A broken connection has rolled back already.
      }
      throw;
    }
  } catch (const std::exception& e) {
    rethrow(e, context() + "writing dbctl_history: ");
  }
}

bool TargetSession::has_table(const std::string& table) {
  std::unique_ptr<sql::PreparedStatement> found(work().prepareStatement(
      "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?"));
  found->setString(1, m_target.database);
  found->setString(2, table);
  Rows exists(found->executeQuery());
  return exists->next() && exists->getInt(1) != 0;
}

std::optional<std::vector<std::vector<std::optional<std::string>>>>
TargetSession::read_tool_table(const std::string& table, const std::vector<std::string>& columns) {
  try {
    if (!has_table(table)) {
      return std::nullopt;
    }
    std::string list;
    for (const auto& column : columns) {
      list += (list.empty() ? "" : ", ") + std::string("CAST(") + quote_ident(column) + " AS CHAR)";
    }
    std::unique_ptr<sql::Statement> statement(work().createStatement());
    Rows result(statement->executeQuery("SELECT " + list + " FROM " + quote_ident(m_target.database) + "." +
                                        quote_ident(table) + " ORDER BY 1"));
    std::vector<std::vector<std::optional<std::string>>> rows;
    while (result->next()) {
      std::vector<std::optional<std::string>> row;
      for (unsigned i = 1; i <= columns.size(); ++i) {
        row.push_back(result->isNull(i) ? std::nullopt : std::optional<std::string>(result->getString(i)));
      }
      rows.push_back(std::move(row));
    }
    return rows;
  } catch (const std::exception& e) {
    rethrow(e, context() + "reading " + table + ": ");
  }
}

std::optional<std::vector<FlywayRow>> TargetSession::read_flyway_history(const std::string& table) {
  try {
    if (!has_table(table)) {
      return std::nullopt;
    }
    std::unique_ptr<sql::Statement> statement(work().createStatement());
    Rows result(statement->executeQuery(
        "SELECT installed_rank, COALESCE(version, ''), description, type, script, checksum, installed_by, "
        "DATE_FORMAT(installed_on, '%Y-%m-%d %H:%i:%s.%f'), execution_time, success FROM " +
        quote_ident(m_target.database) + "." + quote_ident(table) + " ORDER BY installed_rank"));
    std::vector<FlywayRow> rows;
    while (result->next()) {
      FlywayRow row;
      row.rank = result->getInt64(1);
      row.version = result->getString(2);
      row.description = result->getString(3);
      row.type = result->getString(4);
      row.script = result->getString(5);
      if (!result->isNull(6)) {
        row.checksum = result->getInt(6);
      }
      row.installed_by = result->getString(7);
      row.installed_at = result->getString(8);
      row.execution_ms = result->getInt64(9);
      row.success = result->getBoolean(10);
      rows.push_back(std::move(row));
    }
    return rows;
  } catch (const std::exception& e) {
    rethrow(e, context() + "reading " + table + ": ");
  }
}

void TargetSession::update_history(const HistoryRow& row) {
  try {
    std::unique_ptr<sql::PreparedStatement> update(work().prepareStatement(
        "UPDATE dbctl_history SET success = ?, statements_done = ?, statement_hashes = NULLIF(?, ''), "
        "execution_ms = ?, checksum = ? WHERE installed_rank = ?"));
    update->setBoolean(1, row.success);
    update->setInt(2, row.statements_done.value_or(0));
    update->setString(3, row.statement_hashes);
    update->setInt64(4, row.execution_ms);
    update->setString(5, row.checksum);
    update->setInt64(6, row.rank);
    update->executeUpdate();
  } catch (const std::exception& e) {
    rethrow(e, context() + "writing dbctl_history: ");
  }
}

std::size_t TargetSession::delete_failed(const std::string& service) {
  try {
    std::unique_ptr<sql::PreparedStatement> remove(
        work().prepareStatement("DELETE FROM dbctl_history WHERE service = ? AND NOT success"));
    remove->setString(1, service);
    return static_cast<std::size_t>(remove->executeUpdate());
  } catch (const std::exception& e) {
    rethrow(e, context() + "repairing dbctl_history: ");
  }
}

void TargetSession::update_checksum(long long rank, const std::string& checksum) {
  try {
    std::unique_ptr<sql::PreparedStatement> update(
        work().prepareStatement("UPDATE dbctl_history SET checksum = ? WHERE installed_rank = ?"));
    update->setString(1, checksum);
    update->setInt64(2, rank);
    update->executeUpdate();
  } catch (const std::exception& e) {
    rethrow(e, context() + "repairing dbctl_history: ");
  }
}

} // namespace dbctl::engine::mysql

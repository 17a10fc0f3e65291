#include "target_session.hpp"

#include "lease.hpp"
#include "lock.hpp"

#include "../lock_pair.hpp"

#include "dbctl/engine/error.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

#include <pqxx/pqxx>
#include <cstdlib>

#include <spdlog/spdlog.h>

namespace dbctl::engine::postgres {

namespace {

constexpr const char* k_history_columns =
    "service, version, description, type, script, checksum, installed_by, execution_ms, "
    "success, statements_done, statement_hashes";

// Collects the server's NOTICE and WARNING messages while it is registered on a connection
// (libpqxx hands every message of the connection to its error handlers).
class NoticeCollector final : public pqxx::errorhandler {
public:
  NoticeCollector(pqxx::connection_base& connection, std::vector<std::string>& out)
      : pqxx::errorhandler(connection), m_out(out) {}
  bool operator()(const char message[]) noexcept override {
    try {
      std::string line(message);
      while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) {
        line.pop_back();
      }
      std::size_t end = line.find('\n');
      m_out.push_back(end == std::string::npos ? line : line.substr(0, end));
    } catch (...) {
      // Out of memory for a notice: it is only advice.
    }
    return false; // not to libpqxx's default handler, which prints to stderr
  }

private:
  std::vector<std::string>& m_out;
};

} // namespace

// What one target's session hands to the next one of the same worker: its work connection
// (when it ended clean) and its lock connection to the admin database (holding no lock).
struct Kept final : KeptConnection {
  const topology::Server* server = nullptr;
  std::string database; ///< of `work`
  std::string user;     ///< of `work`
  Connection work;
  Connection lock;
};

TargetSession::TargetSession(const targets::Target& target, const SessionOptions& options, Keep* keep,
                             CheckedServers* checked)
    : m_target(target), m_schema(target.schema.value_or("public")), m_options(options), m_keep(keep),
      m_checked(checked) {}

TargetSession::~TargetSession() {
  // Nothing after a failure (std::uncaught_exceptions: the job is unwinding); the work
  // connection not after a lock or user SQL either: the next target must find it in the state a
  // fresh login leaves.
  if (m_keep == nullptr || std::uncaught_exceptions() != 0) {
    return;
  }
  auto kept = std::make_unique<Kept>();
  kept->server = m_target.server;
  if (m_clean && m_work && m_work->is_open()) {
    kept->database = m_target.database;
    kept->user = login().user;
    kept->work = std::move(m_work);
  }
  // Its lock was released (or, where the release failed, the connection closed with it).
  if (m_lock && m_lock->is_open() && shared_lock_connection()) {
    kept->lock = std::move(m_lock);
  }
  *m_keep = std::move(kept);
}

Kept* TargetSession::kept() const {
  auto* held = m_keep != nullptr ? dynamic_cast<Kept*>(m_keep->get()) : nullptr;
  return held != nullptr && held->server == m_target.server ? held : nullptr;
}

Connection TargetSession::open() {
  if (m_keep != nullptr && !kept()) {
    m_keep->reset(); // another engine's or server's: closed before ours open
  }
  if (Kept* held = kept()) {
    bool fits = held->database == m_target.database && held->user == login().user;
    Connection connection = std::move(held->work); // closed unless it fits: the worker's budget is 2
    if (fits && connection) {
      return connection;
    }
  }
  return connect(*m_target.server, m_target.database, login(), m_options);
}

bool TargetSession::shared_lock_connection() const { return !m_target.server->user.empty(); }

Connection TargetSession::open_lock() {
  if (!shared_lock_connection()) {
    return connect(*m_target.server, m_target.database, login(), m_options);
  }
  if (Kept* held = kept(); held != nullptr && held->lock) {
    return std::move(held->lock);
  }
  return connect(*m_target.server, m_target.server->admin_database, login(), m_options);
}

Login TargetSession::login() const {
  // With admin credentials dbctl connects as the admin and acts as the owner (SET ROLE), so
  // the owner may stay NOLOGIN; without them it logs in as the owner.
  if (!m_target.server->user.empty()) {
    return admin_login(*m_target.server);
  }
  return {m_target.owner.name, m_target.owner.password};
}

std::string TargetSession::context() const { return m_target.key() + ": "; }

std::string TargetSession::table() const { return m_work->quote_name(m_schema) + ".dbctl_history"; }

std::string TargetSession::installed_by() const { return m_target.owner.name; }

void TargetSession::connect_ahead() {
  if (m_work || m_connect_error) {
    return;
  }
  try {
    m_work = open();
  } catch (const std::exception&) {
    m_connect_error = std::current_exception();
  }
}

bool TargetSession::pooled() const { return m_target.server->lock == topology::LockStrategy::table; }

std::string TargetSession::setup(const std::string& scope) const {
  // The target's schema first (objects land there), then public where extensions live.
  std::string path = m_work->quote_name(m_schema);
  if (m_schema != "public") {
    path += ", public";
  }
  std::string out = "SET " + scope + "search_path TO " + path;
  if (!m_target.server->user.empty()) {
    out = "SET " + scope + "ROLE " + m_work->quote_name(m_target.owner.name) + "; " + out;
  }
  return out;
}

pqxx::connection& TargetSession::work() {
  if (m_connect_error) {
    std::rethrow_exception(std::exchange(m_connect_error, nullptr));
  }
  if (m_ready) {
    return *m_work;
  }
  if (!m_work) {
    m_work = open();
  }
  if (pooled()) {
    m_ready = true; // a transaction pooler keeps no session state: each transaction sets its own
    return *m_work;
  }
  try {
    pqxx::nontransaction tx(*m_work);
    tx.exec(setup(""));
    m_ready = true;
  } catch (const std::exception& e) {
    m_work.reset();
    rethrow(e, context());
  }
  return *m_work;
}

bool TargetSession::exists() {
  if (m_exists) {
    return *m_exists;
  }
  try {
    pqxx::nontransaction tx(work());
    m_exists = tx.exec_params1("SELECT count(*) FROM pg_namespace WHERE nspname = $1", m_schema)[0]
                   .as<int>() == 1;
  } catch (const DbError& e) {
    // No database yet, or (before init) no owner role to act as: nothing exists to migrate.
    if (std::string(e.what()).find("does not exist") == std::string::npos) {
      throw;
    }
    spdlog::debug("{}", e.what());
    m_exists = false;
  } catch (const std::exception& e) {
    rethrow(e, context()); // a connection lost on the way is libpqxx's broken_connection
  }
  return *m_exists;
}

std::vector<HistoryRow> TargetSession::read_history() {
  std::vector<HistoryRow> rows;
  try {
    // No transaction: one SELECT sees one snapshot anyway, and BEGIN and ROLLBACK would cost two
    // round trips on every run.
    pqxx::nontransaction tx(work());
    if (tx.exec_params1("SELECT to_regclass($1) IS NULL", table())[0].as<bool>()) {
      return rows;
    }
    // Only what planning needs, of this service only: thousands of rows are read on every run.
    // When a row failed, its time goes into the message.
    pqxx::result result = tx.exec_params(
        "SELECT installed_rank, coalesce(version, ''), type, script, checksum, success, "
        "statements_done, coalesce(statement_hashes, ''), CASE WHEN success THEN '' ELSE "
        "to_char(installed_at, 'YYYY-MM-DD HH24:MI:SS TZ') END FROM " +
            table() + " WHERE service = $1 ORDER BY installed_rank",
        m_target.service);
    rows.reserve(result.size());
    for (const auto& r : result) {
      HistoryRow row;
      row.rank = r[0].as<long long>();
      row.service = m_target.service;
      row.version = r[1].c_str();
      row.type = parse_row_type(r[2].c_str()).value_or(RowType::versioned);
      row.script = r[3].c_str();
      row.checksum = r[4].c_str();
      row.success = r[5].as<bool>();
      if (!r[6].is_null()) {
        row.statements_done = r[6].as<int>();
      }
      row.statement_hashes = r[7].c_str();
      row.installed_at = r[8].c_str();
      rows.push_back(std::move(row));
    }
  } catch (const std::exception& e) {
    rethrow(e, context() + "reading dbctl_history: ");
  }
  return rows;
}

void TargetSession::warn_if_pooled(pqxx::connection& connection) {
  if (m_checked == nullptr || !m_checked->first(m_target.server->name)) {
    return; // one look per server and run: a fleet's thousands of targets share its answer
  }
  const topology::Server& server = *m_target.server;
  // The port this connection reached (with several hosts, whichever was the primary).
  const char* reached = connection.port();
  int expected = reached != nullptr && *reached != '\0' ? std::atoi(reached) : server.port;
  int port = 0;
  try {
    pqxx::nontransaction tx(connection);
    port = tx.exec1("SELECT coalesce(inet_server_port(), 0)")[0].as<int>();
  } catch (const std::exception&) {
    return; // only a warning
  }
  // A pooler (or a proxy) on its own port: the server behind it reports the port it listens on.
  if (port != 0 && port != expected) {
    spdlog::warn("servers.{}: dbctl connects to port {}, but the server behind it listens on {}; if a "
                 "transaction pooler such as PgBouncer is in between, session advisory locks do not "
                 "hold there: set lock: table",
                 server.name, expected, port);
  }
}

std::unique_ptr<Lock> TargetSession::lock(std::chrono::seconds timeout) {
  m_clean = false;
  std::string key = "migrate:" + m_target.database + ":" + m_schema + ":" + m_target.service;
  if (pooled()) {
    std::string owner = m_target.server->user.empty() ? "" : m_target.owner.name;
    return take_lease(connect(*m_target.server, m_target.database, login(), m_options),
                      work().quote_name(m_schema) + ".dbctl_lock", owner, key, timeout, context(),
                      m_options.interrupt);
  }
  if (!m_lock) {
    m_lock = open_lock();
    warn_if_pooled(*m_lock);
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto run = take_advisory_lock(*m_lock, key, timeout, "migration", context(), m_options.interrupt);
  // The run lock lives on its own connection, whose backend lets go the moment a killed dbctl's
  // socket closes, while the backend of its work connection may still be finishing (and
  // committing) a migration. The work connection therefore holds a second lock, and a new run
  // waits until no backend of an earlier one is still working.
  auto left = std::chrono::duration_cast<std::chrono::seconds>(deadline - std::chrono::steady_clock::now());
  auto work_lock = take_advisory_lock(work(), key + ":work", std::max(left, std::chrono::seconds(1)),
                                      "migration (work)", context(), m_options.interrupt);
  return std::make_unique<LockPair>(std::move(run), std::move(work_lock));
}

void TargetSession::ensure_history() {
  m_clean = false;
  try {
    pqxx::work tx(work());
    if (pooled()) {
      tx.exec(setup("LOCAL ")); // the table is the owner's
    }
    // One round trip: the table, and (in a table an older dbctl made) the type check widened
    // to the command rows of format: command.
    std::string types = "type IN ('versioned', 'repeatable', 'baseline', 'command')";
    tx.exec("CREATE TABLE IF NOT EXISTS " + table() +
            " (installed_rank bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
            " service text NOT NULL, version text, description text NOT NULL,"
            " type text NOT NULL CHECK (" + types + "),"
            " script text NOT NULL, checksum text NOT NULL, installed_by text NOT NULL,"
            " installed_at timestamptz NOT NULL DEFAULT now(), execution_ms bigint NOT NULL,"
            " success boolean NOT NULL, statements_done integer, statement_hashes text);"
            " DO $dbctl$ DECLARE c name; BEGIN"
            " SELECT conname INTO c FROM pg_constraint WHERE conrelid = " + tx.quote(table()) + "::regclass"
            " AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%baseline%'"
            " AND pg_get_constraintdef(oid) NOT LIKE '%command%';"
            " IF c IS NOT NULL THEN EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I, ADD CONSTRAINT %I CHECK (%s)', " +
            tx.quote(table()) + ", c, c, " + tx.quote(types) + "); END IF; END $dbctl$");
    keep_to_owner(tx, table());
    tx.commit();
  } catch (const std::exception& e) {
    rethrow(e, context() + "creating dbctl_history: ");
  }
}

void TargetSession::keep_to_owner(pqxx::transaction_base& tx, const std::string& qualified) {
  // Default privileges hand new tables to the app and read roles; dbctl's tables are the owner's.
  for (const auto& grantee : tx.exec_params(
           "SELECT DISTINCT pg_get_userbyid(a.grantee) FROM pg_class c, aclexplode(c.relacl) a "
           "WHERE c.oid = $1::regclass AND a.grantee NOT IN (c.relowner, 0)",
           qualified)) {
    tx.exec("REVOKE ALL ON " + qualified + " FROM " + m_work->quote_name(grantee[0].as<std::string>()));
  }
}

long long TargetSession::insert(pqxx::transaction_base& tx, const HistoryRow& row) {
  return tx.exec_params1("INSERT INTO " + table() + " (" + k_history_columns +
                     ") VALUES ($1, NULLIF($2, ''), $3, $4, $5, $6, $7, $8, $9, NULLIF($10, '')::integer,"
                     " NULLIF($11, '')) RETURNING installed_rank",
                 row.service, row.version, row.description, to_string(row.type), row.script,
                 row.checksum, row.installed_by, row.execution_ms, row.success,
                 row.statements_done ? pqxx::to_string(*row.statements_done) : std::string(),
                 row.statement_hashes)[0].as<long long>();
}

void TargetSession::run_in_transaction(const std::string& script, HistoryRow row) {
  m_clean = false;
  pqxx::connection& connection = work();
  // One round trip: the script and its history row between BEGIN and COMMIT. The server
  // stops at the first error and leaves the block aborted; ROLLBACK then drops all of it.
  // execution_ms is measured by the server: clock_timestamp() against the transaction start.
  std::string batch =
      "BEGIN;" + (pooled() ? " " + setup("LOCAL ") + ";" : std::string()) + "\n" + script +
      "\n;\nINSERT INTO " + table() + " (" + k_history_columns +
      ") VALUES (" + connection.quote(row.service) + ", " +
      (row.version.empty() ? std::string("NULL") : connection.quote(row.version)) + ", " +
      connection.quote(row.description) + ", " + connection.quote(to_string(row.type)) + ", " +
      connection.quote(row.script) + ", " + connection.quote(row.checksum) + ", " +
      connection.quote(row.installed_by) +
      ", (extract(epoch FROM clock_timestamp() - now()) * 1000)::bigint, true, NULL, NULL);\n"
      "COMMIT;";
  try {
    NoticeCollector notices(connection, m_notices);
    pqxx::nontransaction tx(connection);
    tx.exec(batch);
  } catch (const pqxx::sql_error& e) {
    try {
      pqxx::nontransaction rollback(connection);
      rollback.exec("ROLLBACK");
    } catch (...) {
      // A broken connection has rolled back already.
    }
    throw sql_failure(e, "", 1); // the batch starts with one line of BEGIN
  } catch (const std::exception& e) {
    rethrow(e, "");
  }
}

void TargetSession::run_alone(const std::string& statement) {
  m_clean = false;
  if (pooled()) {
    // Outside a transaction nothing ties SET ROLE and search_path to the statement's server
    // connection, and CREATE INDEX CONCURRENTLY refuses to share its query with them.
    throw DbError("a -- dbctl:no-transaction file cannot run through a transaction pooler "
                  "(servers." + m_target.server->name + ".lock: table): run it against the server "
                  "directly (a second server entry without the pooler), or drop the marker");
  }
  try {
    pqxx::connection& connection = work();
    NoticeCollector notices(connection, m_notices);
    pqxx::nontransaction tx(connection);
    tx.exec(statement);
  } catch (const pqxx::sql_error& e) {
    throw sql_failure(e, "");
  } catch (const std::exception& e) {
    rethrow(e, "");
  }
}

std::vector<std::string> TargetSession::take_notices() { return std::exchange(m_notices, {}); }

long long TargetSession::insert_history(const HistoryRow& row) {
  try {
    pqxx::work tx(work());
    long long rank = insert(tx, row);
    tx.commit();
    return rank;
  } catch (const std::exception& e) {
    rethrow(e, context() + "writing dbctl_history: ");
  }
}

void TargetSession::import_history(const std::vector<HistoryRow>& rows) {
  try {
    pqxx::work tx(work());
    for (const auto& row : rows) {
      tx.exec_params("INSERT INTO " + table() + " (" + k_history_columns +
                         ", installed_at) VALUES ($1, NULLIF($2, ''), $3, $4, $5, $6, $7, $8, $9, NULL, NULL, "
                         "COALESCE(NULLIF($10, '')::timestamptz, now()))",
                     row.service, row.version, row.description, to_string(row.type), row.script,
                     row.checksum, row.installed_by, row.execution_ms, row.success, row.installed_at);
    }
    tx.commit();
  } catch (const std::exception& e) {
    rethrow(e, context() + "writing dbctl_history: ");
  }
}

void TargetSession::update_history(const HistoryRow& row) {
  try {
    pqxx::work tx(work());
    tx.exec_params("UPDATE " + table() + " SET success = $1, statements_done = $2, "
                   "statement_hashes = NULLIF($3, ''), execution_ms = $4, checksum = $5 "
                   "WHERE installed_rank = $6",
                   row.success, row.statements_done.value_or(0), row.statement_hashes, row.execution_ms,
                   row.checksum, row.rank);
    tx.commit();
  } catch (const std::exception& e) {
    rethrow(e, context() + "writing dbctl_history: ");
  }
}

std::size_t TargetSession::delete_failed(const std::string& service) {
  try {
    pqxx::work tx(work());
    pqxx::result done = tx.exec_params("DELETE FROM " + table() + " WHERE service = $1 AND NOT success", service);
    tx.commit();
    return static_cast<std::size_t>(done.affected_rows());
  } catch (const std::exception& e) {
    rethrow(e, context() + "repairing dbctl_history: ");
  }
}

void TargetSession::update_checksum(long long rank, const std::string& checksum) {
  try {
    pqxx::work tx(work());
    tx.exec_params("UPDATE " + table() + " SET checksum = $1 WHERE installed_rank = $2", checksum, rank);
    tx.commit();
  } catch (const std::exception& e) {
    rethrow(e, context() + "repairing dbctl_history: ");
  }
}

} // namespace dbctl::engine::postgres

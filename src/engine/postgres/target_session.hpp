#pragma once
// The PostgreSQL TargetSession: migrations run with the owner's rights in the target's schema.
#include "connection.hpp"

#include "dbctl/engine/driver.hpp"

#include <exception>
#include <memory>
#include <mutex>
#include <set>
#include <string>

namespace dbctl::engine::postgres {

struct Kept;

/// The servers a driver's sessions already looked at for a pooler, so a fleet looks (and
/// warns) once per server.
class CheckedServers {
public:
  /// Return true the first time a server is named, false after.
  bool first(const std::string& server) {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_servers.insert(server).second;
  }

private:
  std::mutex m_mutex;
  std::set<std::string> m_servers;
};

/// TargetSession for PostgreSQL.
class TargetSession final : public engine::TargetSession {
public:
  /// Work on `target`, which must outlive the session; nothing connects before first use.
  /// With `keep`, see engine::Driver::target.
  /// `checked` (may be null: no pooler check) is shared by the driver's sessions.
  TargetSession(const targets::Target& target, const SessionOptions& options, Keep* keep = nullptr,
                CheckedServers* checked = nullptr);
  /// Leave the work connection in the keep when only dbctl's reads ran on it.
  ~TargetSession() override;
  TargetSession(const TargetSession&) = delete;
  TargetSession& operator=(const TargetSession&) = delete;

  void connect_ahead() override;
  bool exists() override;
  std::vector<HistoryRow> read_history() override;
  std::unique_ptr<Lock> lock(std::chrono::seconds timeout) override;
  void ensure_history() override;
  void run_in_transaction(const std::string& script, HistoryRow row) override;
  void run_alone(const std::string& statement) override;
  std::vector<SqlStatement> split(std::string_view sql) const override { return split_postgres(sql); }
  std::vector<std::string> take_notices() override;
  bool transactional_ddl() const override { return true; }
  long long insert_history(const HistoryRow& row) override;
  void import_history(const std::vector<HistoryRow>& rows) override;
  std::optional<std::vector<FlywayRow>> read_flyway_history(const std::string& table) override;
  std::optional<std::vector<std::vector<std::optional<std::string>>>>
  read_tool_table(const std::string& table, const std::vector<std::string>& columns) override;
  void update_history(const HistoryRow& row) override;
  std::size_t delete_failed(const std::string& service) override;
  void update_checksum(long long rank, const std::string& checksum) override;
  std::string installed_by() const override;
  SchemaModel read_schema() override;
  std::string schema_token() override;
  std::map<std::string, SchemaState> schema_states(const std::vector<std::string>& schemas) override;
  std::optional<SchemaRecord> read_schema_record(bool with_model) override;
  void record_schema(const SchemaRecord& record) override;

private:
  Login login() const;
  /// Return the keep's content when it is this engine's and on this target's server.
  Kept* kept() const;
  /// Return the work connection: the kept one when database and login match, else a new one
  /// (the kept one closed first).
  Connection open();
  /// Tell whether the run lock lives on a connection to the admin database, which one worker
  /// keeps from target to target (with admin credentials), rather than one to the target's
  /// database (logged in as the owner).
  bool shared_lock_connection() const;
  /// Return a connection for the run lock: the kept one, or a new one.
  Connection open_lock();
  pqxx::connection& work();
  /// Tell whether the server is reached through a transaction pooler (lock: table).
  bool pooled() const;
  /// Return the statements giving a transaction (scope "LOCAL ") or the session (scope "") the
  /// owner's role and the target's search_path.
  std::string setup(const std::string& scope) const;
  /// Once per server, warn when the lock connection looks like it goes through a pooler.
  void warn_if_pooled(pqxx::connection& connection);
  std::string context() const;
  std::string table() const;
  long long insert(pqxx::transaction_base& tx, const HistoryRow& row);
  /// Revoke every privilege on one of dbctl's tables (`qualified`) from all but its owner.
  void keep_to_owner(pqxx::transaction_base& tx, const std::string& qualified);

  const targets::Target& m_target;
  std::string m_schema;
  SessionOptions m_options;
  Connection m_work;
  bool m_ready = false;               ///< m_work's search_path (and role) are set
  std::exception_ptr m_connect_error; ///< from connect_ahead, for the first use
  Connection m_lock;
  std::optional<bool> m_exists;
  Keep* m_keep;
  CheckedServers* m_checked;
  std::vector<std::string> m_notices; ///< from user SQL, until take_notices
  bool m_clean = true; ///< nothing but dbctl's reads ran on m_work, and no lock was taken
};

} // namespace dbctl::engine::postgres

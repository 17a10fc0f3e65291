#pragma once
// The MySQL/MariaDB TargetSession.
#include "connection.hpp"

#include "dbctl/engine/driver.hpp"

#include <exception>
#include <memory>
#include <optional>

namespace dbctl::engine::mysql {

/// TargetSession for MySQL/MariaDB: DDL is not transactional, so the runner sends scripts
/// statement by statement and records progress in the history. The work connection sends
/// many statements, each followed by its progress update, in one round trip (progress.cpp).
class TargetSession final : public engine::TargetSession {
public:
  /// Work on `target`, which must outlive the session; nothing connects before first use.
  TargetSession(const targets::Target& target, const SessionOptions& options);

  void connect_ahead() override;
  bool exists() override;
  std::vector<HistoryRow> read_history() override;
  std::unique_ptr<Lock> lock(std::chrono::seconds timeout) override;
  void ensure_history() override;
  void run_in_transaction(const std::string& script, HistoryRow row) override;
  void run_alone(const std::string& statement) override;
  ProgressReport run_with_progress(const std::vector<SqlStatement>& statements, std::size_t from, HistoryRow row,
                                   const util::Interrupt* interrupt) override;
  std::vector<SqlStatement> split(std::string_view sql) const override { return split_mysql(sql); }
  std::vector<std::string> take_notices() override;
  bool transactional_ddl() const override { return false; }
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
  // Whether the target's database has a table of that name (the caller translates errors).
  bool has_table(const std::string& table);
  Login login() const;
  /// After the owner's login was refused: tell whether the admin sees no such user (init has
  /// not created it yet, or destroy dropped it), rather than a password that differs.
  bool owner_missing();
  sql::Connection& work();
  /// Run a statement, reading every result; with `warnings`, add the server's warnings to it.
  void execute(const std::string& statement, std::vector<std::string>* warnings = nullptr);
  std::string context() const;
  /// Run statements [first, end) of `statements` in one round trip (progress.cpp).
  bool run_batch(const std::vector<SqlStatement>& statements, std::size_t first, std::size_t end, std::size_t from,
                 HistoryRow& row, ProgressReport& report, std::chrono::steady_clock::time_point began,
                 const util::Interrupt* interrupt);

  const targets::Target& m_target;
  SessionOptions m_options;
  Connection m_work;
  std::exception_ptr m_connect_error; ///< from connect_ahead, for the first use
  Connection m_lock;
  std::optional<bool> m_exists;
  std::vector<std::string> m_notices; ///< from user SQL, until take_notices
};

} // namespace dbctl::engine::mysql

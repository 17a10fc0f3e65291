#pragma once
// An in-memory TargetSession that records every call and can fail on the Nth use of one: the
// runner's policy (history read before the lock, resume by statement hashes, interruption,
// failures recorded) tested without a server.
#include "dbctl/engine/driver.hpp"
#include "dbctl/engine/error.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace dbctl::unit {

/// A target's history and what ran on it, kept in memory.
class FakeTargetSession final : public engine::TargetSession {
public:
  /// `transactional`: behave like PostgreSQL (scripts in one transaction) or like MySQL
  /// (statement by statement).
  explicit FakeTargetSession(bool transactional) : m_transactional(transactional) {}

  std::vector<std::string> calls;         ///< every call in order: "lock", "run_alone", ...
  std::vector<std::string> executed;      ///< scripts and statements that took effect
  std::vector<engine::HistoryRow> rows;   ///< dbctl_history
  std::vector<std::string> notices;       ///< handed out by the next take_notices
  bool database_exists = true;
  /// Called after each call is recorded (e.g. to request an interruption).
  std::function<void(const std::string&)> on_call;

  /// Make the `nth` (1-based, counted from now) use of `call` throw DbError(message, sqlstate, line).
  void fail(const std::string& call, int nth, std::string message, std::string sqlstate = {}, int line = 0) {
    m_failures[call] = {m_counts[call] + nth, std::move(message), std::move(sqlstate), line};
  }

  void connect_ahead() override { record("connect_ahead"); }
  bool exists() override {
    record("exists");
    return database_exists;
  }
  std::vector<engine::HistoryRow> read_history() override {
    record("read_history");
    return rows;
  }
  std::unique_ptr<engine::Lock> lock(std::chrono::seconds) override {
    record("lock");
    return std::make_unique<FakeLock>(calls);
  }
  void ensure_history() override { record("ensure_history"); }
  void run_in_transaction(const std::string& script, engine::HistoryRow row) override {
    record("run_in_transaction");
    executed.push_back(script);
    insert_row(std::move(row));
  }
  void run_alone(const std::string& statement) override {
    record("run_alone");
    executed.push_back(statement);
  }
  std::vector<engine::SqlStatement> split(std::string_view sql) const override {
    return m_transactional ? engine::split_postgres(sql) : engine::split_mysql(sql);
  }
  std::vector<std::string> take_notices() override { return std::exchange(notices, {}); }
  bool transactional_ddl() const override { return m_transactional; }
  long long insert_history(const engine::HistoryRow& row) override {
    record("insert_history");
    return insert_row(row);
  }
  void import_history(const std::vector<engine::HistoryRow>& imported) override {
    record("import_history");
    for (const auto& row : imported) {
      insert_row(row);
    }
  }
  std::optional<std::vector<engine::FlywayRow>> read_flyway_history(const std::string&) override {
    record("read_flyway_history");
    return std::nullopt;
  }
  void update_history(const engine::HistoryRow& row) override {
    record("update_history");
    for (auto& kept : rows) {
      if (kept.rank == row.rank) {
        kept.success = row.success;
        kept.statements_done = row.statements_done;
        kept.statement_hashes = row.statement_hashes;
        kept.execution_ms = row.execution_ms;
        kept.checksum = row.checksum;
      }
    }
  }
  std::size_t delete_failed(const std::string& service) override {
    record("delete_failed");
    std::size_t before = rows.size();
    rows.erase(std::remove_if(rows.begin(), rows.end(),
                              [&](const auto& row) { return row.service == service && !row.success; }),
               rows.end());
    return before - rows.size();
  }
  void update_checksum(long long rank, const std::string& checksum) override {
    record("update_checksum");
    for (auto& row : rows) {
      row.checksum = row.rank == rank ? checksum : row.checksum;
    }
  }
  std::string installed_by() const override { return "owner"; }

private:
  // Releasing the lock is recorded, so tests see it held exactly around the work.
  class FakeLock final : public engine::Lock {
  public:
    explicit FakeLock(std::vector<std::string>& calls) : m_calls(calls) {}
    ~FakeLock() override { m_calls.push_back("unlock"); }
    FakeLock(const FakeLock&) = delete;
    FakeLock& operator=(const FakeLock&) = delete;

  private:
    std::vector<std::string>& m_calls;
  };

  struct Failure {
    int at = 0;
    std::string message;
    std::string sqlstate;
    int line = 0;
  };

  void record(const std::string& call) {
    calls.push_back(call);
    int count = ++m_counts[call];
    auto failure = m_failures.find(call);
    if (failure != m_failures.end() && failure->second.at == count) {
      Failure thrown = failure->second;
      m_failures.erase(failure);
      throw DbError(thrown.message, thrown.sqlstate, thrown.line);
    }
    if (on_call) {
      on_call(call);
    }
  }

  long long insert_row(engine::HistoryRow row) {
    row.rank = ++m_rank;
    if (!row.success && row.installed_at.empty()) {
      row.installed_at = "2026-12-06 10:00:00";
    }
    rows.push_back(std::move(row));
    return m_rank;
  }

  bool m_transactional;
  long long m_rank = 0;
  std::map<std::string, int> m_counts;
  std::map<std::string, Failure> m_failures;
};

} // namespace dbctl::unit

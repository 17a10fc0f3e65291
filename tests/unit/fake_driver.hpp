#pragma once
// In-memory engine sessions and a driver that record every call and can fail on the Nth use
// of one: the runner's policy (history read before the lock, resume by statement hashes,
// interruption, failures recorded), provisioning and the fan-out over targets tested without
// a server.
#include "dbctl/engine/driver.hpp"
#include "dbctl/engine/error.hpp"

#include <algorithm>
#include <functional>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace dbctl::unit {

/// What a target's database holds, shared by every session on it: its history and who holds
/// its migration lock.
struct FakeTarget {
  std::vector<engine::HistoryRow> rows; ///< dbctl_history
  long long rank = 0;                   ///< the last installed_rank given
  bool locked = false;
  engine::SchemaModel schema;                ///< what read_schema returns
  std::vector<engine::SchemaRecord> records; ///< dbctl_schema, in the order recorded
  std::string token;                         ///< what schema_token returns
};

/// A session on a target's history, kept in memory.
class FakeTargetSession final : public engine::TargetSession {
public:
  /// `transactional`: behave like PostgreSQL (scripts in one transaction) or like MySQL
  /// (statement by statement). Sessions given one `target` share its history and lock.
  explicit FakeTargetSession(bool transactional, std::shared_ptr<FakeTarget> target = std::make_shared<FakeTarget>())
      : rows(target->rows), m_target(std::move(target)), m_transactional(transactional) {}

  std::vector<engine::HistoryRow>& rows;  ///< dbctl_history (the target's)
  std::vector<std::string> calls;         ///< every call in order: "lock", "run_alone", ...
  std::vector<std::string> executed;      ///< scripts and statements that took effect
  std::vector<std::string> notices;       ///< handed out by the next take_notices
  bool database_exists = true;
  /// Other tools' tables read_tool_table returns, by name.
  std::map<std::string, std::vector<std::vector<std::optional<std::string>>>> tool_tables;
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
  std::unique_ptr<engine::Lock> lock(std::chrono::seconds timeout) override {
    record("lock");
    if (m_target->locked) {
      throw DbError("timed out after " + std::to_string(timeout.count()) +
                    " s waiting for the migration lock, held by another fake session");
    }
    return std::make_unique<FakeLock>(calls, m_target->locked);
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
  std::optional<std::vector<std::vector<std::optional<std::string>>>>
  read_tool_table(const std::string& table, const std::vector<std::string>&) override {
    record("read_tool_table");
    auto found = tool_tables.find(table);
    if (found == tool_tables.end()) {
      return std::nullopt;
    }
    return found->second;
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
  engine::SchemaModel read_schema() override {
    record("read_schema");
    return m_target->schema;
  }
  std::string schema_token() override {
    record("schema_token");
    return m_target->token;
  }
  std::map<std::string, engine::SchemaState> schema_states(const std::vector<std::string>& schemas) override {
    record("schema_states");
    std::map<std::string, engine::SchemaState> out;
    for (const auto& schema : schemas) {
      out[schema].token = m_target->token;
    }
    return out;
  }
  std::optional<engine::SchemaRecord> read_schema_record(bool with_model) override {
    record(with_model ? "read_schema_record" : "read_schema_record_header");
    if (m_target->records.empty()) {
      return std::nullopt;
    }
    engine::SchemaRecord last = m_target->records.back();
    if (!with_model) {
      last.model = {};
    }
    return last;
  }
  void record_schema(const engine::SchemaRecord& recorded) override {
    record("record_schema");
    m_target->records.push_back(recorded);
  }

private:
  // Releasing the lock is recorded, so tests see it held exactly around the work.
  class FakeLock final : public engine::Lock {
  public:
    FakeLock(std::vector<std::string>& calls, bool& locked) : m_calls(calls), m_locked(locked) { m_locked = true; }
    ~FakeLock() override {
      m_locked = false;
      m_calls.push_back("unlock");
    }
    FakeLock(const FakeLock&) = delete;
    FakeLock& operator=(const FakeLock&) = delete;

  private:
    std::vector<std::string>& m_calls;
    bool& m_locked;
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
    row.rank = ++m_target->rank;
    if (!row.success && row.installed_at.empty()) {
      row.installed_at = "2026-12-06 10:00:00";
    }
    rows.push_back(std::move(row));
    return m_target->rank;
  }

  std::shared_ptr<FakeTarget> m_target;
  bool m_transactional;
  std::map<std::string, int> m_counts;
  std::map<std::string, Failure> m_failures;
};

/// What a fake server holds: one key per object ("role users", "database users",
/// "grant users.public users_app 1", ...), the statements executed on it in order, and the
/// failures planned for its admin sessions.
struct FakeServer {
  std::string identity = "fake:1";
  std::set<std::string> objects;
  std::vector<std::string> executed;
  std::map<std::string, int> locks_taken; ///< times each lock was taken, by key
  int executions = 0; ///< executions so far, over every session
  int fail_execution = 0; ///< 1-based: that execution (over every session) throws; 0: none
  /// Called with each statement's SQL as execute begins, before anything is counted (from the
  /// session's thread: init -j runs several).
  std::function<void(const std::string&)> on_execute;
};

/// An admin session on a FakeServer: each converge returns one statement per spec the server
/// does not hold yet (its SQL is the object's key), and execute adds the key.
class FakeAdminSession final : public engine::AdminSession {
public:
  explicit FakeAdminSession(FakeServer& server) : m_server(server) {}

  const engine::AdminInfo& info() const override { return m_info; }
  std::string identity() override { return m_server.identity; }
  std::vector<engine::Statement> converge(const engine::RoleSpec& spec) override {
    return missing("role " + spec.name, "");
  }
  std::vector<engine::Statement> converge(const engine::MembershipSpec& spec) override {
    return missing("member " + spec.role + " " + spec.member, "");
  }
  std::vector<engine::Statement> converge(const engine::DatabaseSpec& spec) override {
    return missing("database " + spec.name, "", engine::StatementKind::create_database);
  }
  std::vector<engine::Statement> converge(const engine::SchemaSpec& spec) override {
    return missing("schema " + spec.database + "." + spec.name, spec.database);
  }
  std::vector<engine::Statement> converge(const engine::GrantSpec& spec) override {
    return missing("grant " + spec.database + "." + spec.schema.value_or("-") + " " + spec.role + " " +
                       std::to_string(static_cast<int>(spec.access)),
                   spec.database);
  }
  std::vector<engine::Statement> converge(const engine::ExtensionSpec& spec) override {
    return missing("extension " + spec.database + "." + spec.name, spec.database);
  }
  std::map<std::string, engine::AvailableExtension> available_extensions() override { return {}; }
  std::vector<engine::Statement> drop_database(const std::string& name) override {
    return present("database " + name);
  }
  std::vector<engine::Statement> drop_schema(const std::string& database, const std::string& name) override {
    return present("schema " + database + "." + name);
  }
  std::vector<engine::Statement> drop_role(const std::string& name, const std::vector<std::string>&) override {
    return present("role " + name);
  }
  void execute(const engine::Statement& statement) override {
    if (m_server.on_execute) {
      m_server.on_execute(statement.sql);
    }
    static std::mutex executing; // lanes of init -j run on sessions of one server at once
    std::lock_guard<std::mutex> guard(executing);
    if (++m_server.executions == m_server.fail_execution) {
      throw DbError("fake: statement " + std::to_string(m_server.executions) + " refused: " + statement.sql);
    }
    m_server.executed.push_back(statement.sql);
    const std::string drop = "DROP ";
    if (statement.sql.rfind(drop, 0) == 0) {
      m_server.objects.erase(statement.sql.substr(drop.size()));
    } else {
      m_server.objects.insert(statement.sql);
    }
  }
  std::unique_ptr<engine::Lock> lock(const std::string& key, std::chrono::seconds) override {
    static std::mutex locking; // the lane sessions of init -j take theirs at once
    std::lock_guard<std::mutex> guard(locking);
    ++m_server.locks_taken[key];
    return std::make_unique<engine::Lock>();
  }

private:
  std::vector<engine::Statement> missing(const std::string& key, const std::string& database,
                                         engine::StatementKind kind = engine::StatementKind::other) const {
    if (m_server.objects.count(key) != 0) {
      return {};
    }
    return {engine::Statement{database, key, key, kind, 0, {}}};
  }
  std::vector<engine::Statement> present(const std::string& key) const {
    if (m_server.objects.count(key) == 0) {
      return {};
    }
    return {engine::Statement{"", "DROP " + key, "DROP " + key, engine::StatementKind::other, 0, {}}};
  }

  FakeServer& m_server;
  engine::AdminInfo m_info{"admin", "15.0", true, true, true, "postgres"};
};

/// A driver over fake servers (by server name) and fake targets (by key; the sessions of one
/// target share its history and lock), each session made ready by `prepare` (e.g. to fail).
/// Opening sessions is safe from many threads; each target is used by one at a time.
class FakeDriver final : public engine::Driver {
public:
  std::map<std::string, FakeServer> servers; ///< by topology server name
  std::map<std::string, std::shared_ptr<FakeTarget>> targets; ///< by target key
  /// Sets up the session of each target as it is opened (every session is transactional).
  std::function<void(const targets::Target&, FakeTargetSession&)> prepare;

  std::unique_ptr<engine::AdminSession> admin(const topology::Server& server) override {
    std::lock_guard<std::mutex> guard(m_mutex);
    return std::make_unique<FakeAdminSession>(servers[server.name]);
  }
  void ping(const topology::Server&) override {}
  std::unique_ptr<engine::TargetSession> target(const targets::Target& target, engine::Keep*) override {
    std::lock_guard<std::mutex> guard(m_mutex);
    std::shared_ptr<FakeTarget>& held = targets[target.key()];
    held = held ? held : std::make_shared<FakeTarget>();
    auto session = std::make_unique<FakeTargetSession>(true, held);
    opened.push_back(target.key());
    if (prepare) {
      prepare(target, *session);
    }
    return session;
  }

  std::vector<std::string> opened; ///< the targets whose session was opened, in order

private:
  std::mutex m_mutex;
};

} // namespace dbctl::unit

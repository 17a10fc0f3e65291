#pragma once
// The driver interface: dumb primitives per engine; policy lives in provision/ and migration/.
#include "dbctl/engine/history.hpp"
#include "dbctl/engine/schema.hpp"
#include "dbctl/engine/specs.hpp"
#include "dbctl/engine/splitter.hpp"
#include "dbctl/targets/target.hpp"
#include "dbctl/topology/model.hpp"
#include "dbctl/util/interrupt.hpp"

#include <chrono>
#include <exception>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace dbctl::engine {

/// What every session of a run shares: limits and the run's interruption.
struct SessionOptions {
  /// Longest a single statement may run (0: the server's own setting, by default none). Set
  /// on every connection: PostgreSQL statement_timeout, MariaDB max_statement_time and
  /// lock_wait_timeout (MySQL: max_execution_time, SELECTs only).
  std::chrono::seconds statement_timeout{0};
  /// When set, every open connection is registered with it: a request cancels the statement
  /// each one is running (PostgreSQL: a cancel request; MySQL: KILL QUERY on a connection of
  /// its own), and lock waits give up with InterruptedError.
  util::Interrupt* interrupt = nullptr;
};

/// A held lock; releasing it is the destructor's job, so an error never leaves it held.
class Lock {
public:
  virtual ~Lock() = default;
  /// Throw DbError when the lock is no longer held (a lease that expired and was taken over);
  /// callers check before each step that must run under it.
  virtual void check() const {}
};

/// An admin session on one server. Converge calls read the live catalogs (cached for the
/// session) and return the statements that would bring one item to its spec, none when it
/// already matches; nothing runs until execute(). All methods throw DbError.
class AdminSession {
public:
  virtual ~AdminSession() = default;
  /// Return who the admin is and what it may do.
  virtual const AdminInfo& info() const = 0;
  /// Return which server process this is, whatever name or address reached it, so that two
  /// server entries reaching one server are known as one (PostgreSQL: port, start time and
  /// system identifier where readable; MySQL: host name, port and data directory). Reads no
  /// catalog: callers ask before taking the provisioning lock.
  virtual std::string identity() = 0;

  /// Return the statements creating or altering a role (login, password).
  virtual std::vector<Statement> converge(const RoleSpec& spec) = 0;
  /// Return the statements of converge(spec) for each spec, in order. An engine overrides it
  /// where the roles can be checked together faster than one by one.
  virtual std::vector<Statement> converge(const std::vector<RoleSpec>& specs) {
    std::vector<Statement> out;
    for (const auto& spec : specs) {
      std::vector<Statement> more = converge(spec);
      out.insert(out.end(), more.begin(), more.end());
    }
    return out;
  }
  /// Return the statements granting role membership.
  virtual std::vector<Statement> converge(const MembershipSpec& spec) = 0;
  /// Return the statements creating a database, fixing its owner and who may connect.
  virtual std::vector<Statement> converge(const DatabaseSpec& spec) = 0;
  /// Return the statements creating a schema or fixing its owner.
  virtual std::vector<Statement> converge(const SchemaSpec& spec) = 0;
  /// Return the statements giving a role its access, on existing and future objects.
  virtual std::vector<Statement> converge(const GrantSpec& spec) = 0;
  /// Return the statements creating an extension.
  virtual std::vector<Statement> converge(const ExtensionSpec& spec) = 0;

  /// Return the commands creating or rewriting an ACL user (Redis); throws DbError when the spec
  /// cannot be met (a database number recorded as another service's). SQL engines have none.
  virtual std::vector<Statement> converge(const AclUserSpec& spec);
  /// Return where an ACL user stands against its spec, and why when it drifted (`why`).
  virtual AclState inspect(const AclUserSpec& spec, std::vector<std::string>& why);
  /// Return the commands deleting a namespace's keys in database `db`: those starting with
  /// `prefix`, or the whole database when the prefix is empty (Redis; SQL engines have none).
  virtual std::vector<Statement> drop_keys(int db, const std::string& prefix);

  /// Return the extensions the server could create, by name (none on MySQL).
  virtual std::map<std::string, AvailableExtension> available_extensions() = 0;

  /// Return the statements dropping a database, if it exists.
  virtual std::vector<Statement> drop_database(const std::string& name) = 0;
  /// Return the statements dropping a schema and everything in it, if it exists.
  virtual std::vector<Statement> drop_schema(const std::string& database,
                                             const std::string& schema) = 0;
  /// Return the statements dropping a role, first removing what it owns or was granted in
  /// each of `databases` that will still exist.
  virtual std::vector<Statement> drop_role(const std::string& name,
                                           const std::vector<std::string>& databases) = 0;

  /// Return what `project` marked on this server (Managed), its marked roles' access to its
  /// marked databases and their memberships in each other; marked schemas are looked for in
  /// `databases` only (a connection to each). Engines without such objects (Redis) have none.
  virtual Managed managed(const std::string& project, const std::vector<std::string>& databases);
  /// Return the statements marking the roles, databases and schemas of `objects` as `project`'s,
  /// those not marked yet (after managed() read the marks; run after they are created).
  virtual std::vector<Statement> mark(const std::string& project, const Managed& objects);
  /// Return the statements removing the mark of a database or (`schema` given) one of its
  /// schemas: what stays there is no longer managed.
  virtual std::vector<Statement> unmark(const std::string& database, const std::optional<std::string>& schema);
  /// Return the statements revoking every privilege `role` holds in `database` and its schemas.
  virtual std::vector<Statement> revoke_access(const std::string& role, const std::string& database);
  /// Return the statements ending `member`'s membership in `role`.
  virtual std::vector<Statement> revoke_membership(const std::string& role, const std::string& member);
  /// Return the statements handing what a role owns in each of `databases` (and the databases
  /// it owns) to the admin, then dropping the role.
  virtual std::vector<Statement> hand_over_role(const std::string& name, const std::vector<std::string>& databases);

  /// Run one statement (autocommit) on the connection to its database.
  virtual void execute(const Statement& statement) = 0;
  /// Close the connections to databases other than the admin database that the session keeps
  /// for reuse (a session of `init -j` done with one database's lane).
  virtual void close_databases() {}
  /// Take the server-wide lock named `key`, waiting up to `timeout`; the message of the
  /// DbError thrown at the deadline names the holder where the server can tell.
  virtual std::unique_ptr<Lock> lock(const std::string& key, std::chrono::seconds timeout) = 0;
};

/// A connection a worker keeps between the targets it runs one after another, so that targets
/// sharing a database and a login (schema tenancy, shared mode) log in once. A session hands
/// its connection on only when nothing but dbctl's own reads ran on it (status, a run with
/// nothing to do): user SQL may leave session state behind. One per worker thread.
class KeptConnection {
public:
  virtual ~KeptConnection() = default;
};
using Keep = std::unique_ptr<KeptConnection>;

/// How far TargetSession::run_with_progress got.
struct ProgressReport {
  /// Statements of the script known to have run, those before `from` included.
  std::size_t done = 0;
  /// The progress row's installed_rank (0: it was not written, or its rank is unknown).
  long long rank = 0;
  /// What the server said besides results while the statements ran: (0-based statement index,
  /// message), in order, as take_notices() words them.
  std::vector<std::pair<std::size_t, std::string>> notices;
  /// What stopped the run: a DbError (statement `done`'s, or the row's), or InterruptedError;
  /// null when every statement ran and the row says so.
  std::exception_ptr failure;
  /// The failure is the progress row's (writing it failed), not statement `done`'s.
  bool row_failed = false;
  /// Statement `done` (0-based) may have completed as well: an interruption ended the run
  /// between it and the result that would have said so.
  bool maybe_more = false;
};

/// A session on one target, acting with its owner's rights: on PostgreSQL an admin connection
/// that does SET ROLE owner (or the owner's own login where the server has no admin) with
/// search_path set to the target's schema. All methods throw DbError.
class TargetSession {
public:
  virtual ~TargetSession() = default;
  /// Log in now and run nothing, so the login overlaps the caller's other work; a failure is
  /// kept and thrown by the first call that needs the connection.
  virtual void connect_ahead() = 0;
  /// Tell whether the target's database (and schema) exist.
  virtual bool exists() = 0;
  /// Return the history rows of the target's service, by rank (none when dbctl_history is
  /// absent), with the fields planning uses: description, installed_by and execution_ms stay empty,
  /// installed_at is set for failed rows only.
  virtual std::vector<HistoryRow> read_history() = 0;
  /// Take this target's migration lock (on a connection of its own), waiting up to `timeout`.
  virtual std::unique_ptr<Lock> lock(std::chrono::seconds timeout) = 0;
  /// Create dbctl_history if it is missing, readable and writable by the owner only.
  virtual void ensure_history() = 0;
  /// Run a whole script and insert `row` (its execution_ms filled in) in one transaction;
  /// on error nothing of either remains. DbError::line() is the script line, when known.
  virtual void run_in_transaction(const std::string& script, HistoryRow row) = 0;
  /// Run one statement on its own, outside any transaction block.
  virtual void run_alone(const std::string& statement) = 0;
  /// Return what the server said besides results while run_in_transaction and run_alone ran
  /// since the last call (PostgreSQL NOTICE and WARNING messages, MySQL SHOW WARNINGS rows,
  /// notes included), one line each, and forget them.
  virtual std::vector<std::string> take_notices() { return {}; }
  /// Tell whether DDL is transactional here (PostgreSQL); where it is not (MySQL), every
  /// script runs statement by statement with its progress recorded.
  virtual bool transactional_ddl() const = 0;
  /// Split a script into statements as this engine's own client would, for scripts that run
  /// statement by statement (run_alone one at a time).
  virtual std::vector<SqlStatement> split(std::string_view sql) const = 0;
  /// Run a script's statements from `from` (0-based) on behind its progress row: `row` is inserted first
  /// (failed, `from` statements done) unless `row.rank` names it already (a resumed script), and
  /// after each statement its statements_done, statement_hashes (statement_hash of each, comma-
  /// separated), execution_ms and checksum say how far it got; after the last, success. With
  /// `interrupt`, a request stops the run before any statement but the first. Never throws: the
  /// report says what ran and what stopped it. This default sends each statement and each update
  /// on its own round trip (run_alone, insert_history, update_history); an engine may send many
  /// in one, provided the server still updates the row after each statement.
  virtual ProgressReport run_with_progress(const std::vector<SqlStatement>& statements, std::size_t from,
                                           HistoryRow row, const util::Interrupt* interrupt);
  /// Insert a history row as it is; return its installed_rank.
  virtual long long insert_history(const HistoryRow& row) = 0;
  /// Insert rows as they are, in order, all or none (one transaction); a row's installed_at
  /// is kept when set, else now.
  virtual void import_history(const std::vector<HistoryRow>& rows) = 0;
  /// Return the rows of Flyway's history table `table` in the target's schema (its database on
  /// MySQL), by installed_rank; nullopt when there is no such table.
  virtual std::optional<std::vector<FlywayRow>> read_flyway_history(const std::string& table) = 0;
  /// Return the `columns` of every row of another tool's table `table` in the target's schema
  /// (its database on MySQL), as text (booleans as the engine writes them: t/f, 1/0; NULL as
  /// nullopt), ordered by the first column; nullopt when there is no such table.
  virtual std::optional<std::vector<std::vector<std::optional<std::string>>>>
  read_tool_table(const std::string& table, const std::vector<std::string>& columns) = 0;
  /// Set success, statements_done, statement_hashes, execution_ms and checksum (a resumed
  /// file was fixed since its row was written) of the row `row.rank`.
  virtual void update_history(const HistoryRow& row) = 0;
  /// Delete the failed rows of a service; return how many.
  virtual std::size_t delete_failed(const std::string& service) = 0;
  /// Set the checksum of one row (by installed_rank).
  virtual void update_checksum(long long rank, const std::string& checksum) = 0;
  /// Return the role name recorded as installed_by.
  virtual std::string installed_by() const = 0;

  /// Return the target's schema (its database on MySQL) as the catalogs describe it: the
  /// objects of SchemaModel, without dbctl's own tables and without what extensions own.
  virtual SchemaModel read_schema() = 0;
  /// Return a digest of the versions of every catalog row read_schema reads its model from,
  /// prefixed with the engine and the model's version: it moves whenever anything in the schema
  /// is created, altered or dropped (and on some changes outside the model, such as a GRANT),
  /// and is read without the cost of writing every definition. Empty where the engine has no
  /// such digest (MySQL).
  virtual std::string schema_token() = 0;
  /// Return the state of each of `schemas` in the target's database that exists, read in one
  /// query (on PostgreSQL, from many schemas on, in one pass over the catalogs: what status
  /// --schema reads for a database of tenant schemas): its schema_token and, where the record
  /// can be read with it, the header of its latest record. Empty where the engine has no tokens.
  virtual std::map<std::string, SchemaState> schema_states(const std::vector<std::string>& schemas) = 0;
  /// Return the schema recorded last in the target's schema (database), by any service; nullopt
  /// when none was (no dbctl_schema table, or an empty one). Without `with_model`, its model is
  /// left empty: its fingerprint and token decide whether it is needed.
  virtual std::optional<SchemaRecord> read_schema_record(bool with_model) = 0;
  /// Record `record` in dbctl_schema (created, owner-only, when missing), replacing the record
  /// of the same service and version (on PostgreSQL, its header also goes into the table's
  /// comment, which schema_states reads for many schemas at once).
  virtual void record_schema(const SchemaRecord& record) = 0;
};

/// One engine's entry points.
class Driver {
public:
  virtual ~Driver() = default;
  /// Open an admin session on a server (connection errors are DbError with advice).
  virtual std::unique_ptr<AdminSession> admin(const topology::Server& server) = 0;
  /// Connect and disconnect once; throws DbError saying why it failed.
  virtual void ping(const topology::Server& server) = 0;
  /// Open a session on a target (the connection opens on first use). With `keep`, the session
  /// takes the kept connection when it fits (same server, database and login), else closes
  /// it before opening its own, and leaves its connection there when it ends clean.
  virtual std::unique_ptr<TargetSession> target(const targets::Target& target, Keep* keep = nullptr) = 0;
};

/// The drivers, keyed by engine.
class Registry {
public:
  /// Register a driver for an engine, replacing any before it.
  void add(topology::Engine engine, std::unique_ptr<Driver> driver);
  /// Return the driver of an engine; throws Error when none is registered.
  Driver& get(topology::Engine engine) const;

private:
  std::map<topology::Engine, std::unique_ptr<Driver>> m_drivers;
};

/// Return why a Galera node's server entry needs `lock: table` (migrate and init refuse GET_LOCK
/// there, exit 2).
std::string galera_needs_lease(const topology::Server& server);

/// Return a registry holding every driver this build has, their sessions set up by `options`.
Registry default_registry(const SessionOptions& options = {});

} // namespace dbctl::engine

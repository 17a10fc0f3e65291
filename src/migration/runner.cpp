#include "dbctl/migration/runner.hpp"

#include "messages.hpp"

#include "dbctl/engine/error.hpp"
#include "dbctl/migration/flyway.hpp"

#include <algorithm>
#include <set>

#include <spdlog/spdlog.h>

namespace dbctl::migration {

namespace {

using Clock = std::chrono::steady_clock;

engine::HistoryRow row_for(const MigrationFile& file, const targets::Target& target,
                           const engine::TargetSession& session) {
  engine::HistoryRow row;
  row.service = target.service;
  row.version = file.version ? file.version->text() : "";
  row.description = file.description;
  row.type = file.kind == Kind::versioned ? RowType::versioned : RowType::repeatable;
  row.script = file.script;
  row.checksum = file.checksum;
  row.installed_by = session.installed_by();
  return row;
}

// One line of advice for failures whose fix the server's own text does not say.
std::string hint(const DbError& error, const MigrationFile& file) {
  if (error.sqlstate() == "25001" && !file.no_transaction) { // active_sql_transaction
    return "; add `-- dbctl:no-transaction` as the file's first line to run it outside a transaction";
  }
  return "";
}

// Where in a file a failure happened: the line the statement sent starts on (the server's
// line counts from there), else `fallback_line` (0: none), and for a script run statement by
// statement which one ("statement 3 of 75: ") and what to do next.
struct Place {
  int first_line = 1;
  int fallback_line = 0;
  std::string step;
  std::string advice;
};

[[noreturn]] void fail_in_file(const targets::Target& target, const MigrationFile& file,
                               const DbError& error, const Place& place) {
  int line = error.line() > 0 ? place.first_line + error.line() - 1 : place.fallback_line;
  std::string where = file.script + (line > 0 ? ":" + std::to_string(line) : "");
  throw DbError(error.failure(), prefix(target) + where + ": " + place.step + error.what() + hint(error, file) + place.advice,
                error.sqlstate(), line);
}

long long elapsed_ms(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

// Logs what the server said besides results while a file ran (a NOTICE that an identifier
// was truncated, a MySQL warning that data was cut), as warnings at the target's prefix with
// file:line, each distinct message once per file.
class NoticeLog {
public:
  NoticeLog(engine::TargetSession& session, const targets::Target& target, const MigrationFile& file)
      : m_session(session), m_target(target), m_file(file) {}
  /// Log the notices of what ran since the last call; `line` is the statement's (0: the file's).
  void take(int line) {
    for (const std::string& notice : m_session.take_notices()) {
      add(line, notice);
    }
  }
  /// Log one notice of the statement at `line` (0: the file's), once per file.
  void add(int line, const std::string& notice) {
    if (m_seen.insert(notice).second) {
      spdlog::warn("{}{}{}: {}", prefix(m_target), m_file.script, line > 0 ? ":" + std::to_string(line) : "", notice);
    }
  }
  /// Return how many distinct notices were logged.
  std::size_t count() const { return m_seen.size(); }

private:
  engine::TargetSession& m_session;
  const targets::Target& m_target;
  const MigrationFile& m_file;
  std::set<std::string> m_seen;
};

// Record a statement's failure in history, then throw it in its file's terms. When the record
// cannot be written (the connection or server is gone) the statement's own error still leads,
// and the row written before it says where the script stopped.
template <typename Record>
[[noreturn]] void record_or_note(Record record, const DbError& failure, const targets::Target& target,
                                 const MigrationFile& file, const Place& place) {
  try {
    record();
  } catch (const DbError& also) {
    DbError both(failure.failure(),
                 std::string(failure.what()) + " (and the failure could not be recorded: " + also.what() + ")",
                 failure.sqlstate(), failure.line());
    fail_in_file(target, file, both, place);
  }
  fail_in_file(target, file, failure, place);
}

// Run statement `number` (1-based) of the `total` of a PostgreSQL no-transaction script.
// When `interrupt` (null: do not check) was requested before it, or the statement fails,
// `record` writes the failed row first; the message says what to do next.
template <typename Record>
void run_recorded(engine::TargetSession& session, const targets::Target& target, const MigrationFile& file,
                  const engine::SqlStatement& statement, std::size_t number, std::size_t total,
                  const util::Interrupt* interrupt, Record record, NoticeLog& notices) {
  std::string n = std::to_string(number);
  try {
    util::throw_if_interrupted(interrupt);
    session.run_alone(statement.text);
    notices.take(statement.line);
  } catch (const InterruptedError& e) {
    record();
    throw InterruptedError(prefix(target) + file.script + ": " + e.what() + " before statement " + n +
                           " (line " + std::to_string(statement.code_line) + "); the statements before it stay applied");
  } catch (const DbError& e) {
    notices.take(statement.line);
    Place place{statement.line, statement.code_line, "statement " + n + " of " + std::to_string(total) + ": ", ""};
    place.advice = std::string(number == 1   ? ""
                               : number == 2 ? "; statement 1 stays applied"
                                             : "; statements 1-" + std::to_string(number - 1) + " stay applied") +
                   "; fix the file, then run dbctl repair and dbctl migrate";
    record_or_note(record, e, target, file, place);
  }
}

// A script that may not run in a transaction goes statement by statement; a failure is
// recorded as a failed row, so status shows it and repair clears it once fixed.
void apply_alone(engine::TargetSession& session, const targets::Target& target,
                 const MigrationFile& file, const std::string& sql, engine::HistoryRow row,
                 const util::Interrupt* interrupt, NoticeLog& notices) {
  std::vector<engine::SqlStatement> statements = session.split(sql);
  auto start = Clock::now();
  std::string hashes;
  for (std::size_t i = 0; i < statements.size(); ++i) {
    auto record_failure = [&] {
      row.success = false;
      row.statements_done = static_cast<int>(i);
      row.statement_hashes = hashes;
      row.execution_ms = elapsed_ms(start);
      session.insert_history(row);
    };
    run_recorded(session, target, file, statements[i], i + 1, statements.size(), i > 0 ? interrupt : nullptr,
                 record_failure, notices);
    engine::append_hash(hashes, statements[i].text);
  }
  row.execution_ms = elapsed_ms(start);
  session.insert_history(row);
}

std::string hashes_of(const std::vector<engine::SqlStatement>& statements, std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) {
    engine::append_hash(out, statements[i].text);
  }
  return out;
}

// Where DDL commits by itself (MySQL), a script runs statement by statement behind a progress
// row: written before the first statement and updated after each, so a failure, or a kill,
// leaves a failed row saying how far it got and a hash of each statement that ran. A resumed
// file continues after them, if they are unchanged. The session decides how many statements
// travel per round trip; the row is the server's record either way.
void apply_statements(engine::TargetSession& session, const targets::Target& target,
                      const MigrationFile& file, const std::string& sql, engine::HistoryRow row,
                      const std::optional<engine::HistoryRow>& resume, const util::Interrupt* interrupt,
                      NoticeLog& notices) {
  std::vector<engine::SqlStatement> statements = session.split(sql);
  std::size_t start = 0;
  auto began = Clock::now();
  if (resume) {
    start = static_cast<std::size_t>(*resume->statements_done);
    if (start > statements.size() || hashes_of(statements, start) != resume->statement_hashes) {
      throw DbError(prefix(target) + file.script + " failed at statement " + std::to_string(start + 1) +
                    ", and the statements before it have changed since; run dbctl repair, then "
                    "migrate runs the whole file again");
    }
    spdlog::info("{}resuming {} at statement {} of {}", prefix(target), file.script, start + 1,
                 statements.size());
    row.rank = resume->rank;
    row.statement_hashes = resume->statement_hashes;
  }
  engine::ProgressReport report = session.run_with_progress(statements, start, row, interrupt);
  for (const auto& [index, notice] : report.notices) {
    notices.add(statements[index].line, notice);
  }
  if (!report.failure) {
    return;
  }
  std::size_t done = report.done;
  auto record_failure = [&] {
    if (report.rank == 0) {
      throw DbError("the progress row was not written");
    }
    row.rank = report.rank;
    row.success = done == statements.size(); // stopped after its last statement: applied
    row.statements_done = static_cast<int>(done);
    row.statement_hashes = hashes_of(statements, done);
    row.execution_ms = elapsed_ms(began);
    session.update_history(row);
  };
  std::string n = std::to_string(done + 1);
  // The statement that failed, or that the run stopped before (none past the last).
  auto next = [&]() -> const engine::SqlStatement& { return statements.at(std::min(done, statements.size() - 1)); };
  try {
    std::rethrow_exception(report.failure);
  } catch (const InterruptedError& e) {
    std::string where = prefix(target) + file.script + ": " + e.what();
    if (report.rank != 0) {
      record_failure();
    }
    if (done == statements.size()) {
      throw InterruptedError(where + " after its last statement; it is applied");
    }
    std::string maybe = report.maybe_more ? " (it may have completed: the server stopped before saying so)" : "";
    throw InterruptedError(where + " before statement " + n + " (line " + std::to_string(next().code_line) + ")" +
                           maybe + "; migrate resumes there");
  } catch (const DbError& e) {
    if (report.row_failed) {
      throw;
    }
    Place place{next().line, next().code_line, "statement " + n + " of " + std::to_string(statements.size()) + ": ", ""};
    place.advice = "; fix the file and run dbctl migrate (it resumes at statement " + n +
                   "); dbctl repair if you changed statements before it";
    record_or_note(record_failure, e, target, file, place);
  }
}

// Apply one file; return how many distinct notices the server raised while it ran.
std::size_t apply(engine::TargetSession& session, const targets::Target& target, const MigrationFile& file,
                  const std::optional<engine::HistoryRow>& resume, const MigrateOptions& options) {
  const util::Interrupt* interrupt = options.interrupt;
  Runnable runnable = read_runnable(file);
  const std::string& sql = runnable.sql;
  if (runnable.checksum != file.checksum) {
    throw DbError(prefix(target) + file.script + " changed while dbctl was running; run again");
  }
  spdlog::info("{}{}applying {}", options.progress, prefix(target), file.script);
  auto start = Clock::now();
  engine::HistoryRow row = row_for(file, target, session);
  NoticeLog notices(session, target, file);
  if (!session.transactional_ddl()) {
    apply_statements(session, target, file, sql, row, resume, interrupt, notices);
  } else if (file.no_transaction) {
    apply_alone(session, target, file, sql, row, interrupt, notices);
  } else {
    try {
      session.run_in_transaction(sql, row);
      notices.take(0);
    } catch (const DbError& e) {
      notices.take(0);
      fail_in_file(target, file, e, Place{});
    }
  }
  long long ms = elapsed_ms(start);
  spdlog::info("{}{}applied {} in {} ms", options.progress, prefix(target), file.script, ms);
  return notices.count();
}

std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) {
    out += "\n  " + line;
  }
  return out;
}

} // namespace

void record_schema(engine::TargetSession& session, const targets::Target& target,
                   const std::optional<std::string>& version) {
  try {
    // The token before the model: a change made in between moves the live token away from the
    // recorded one, so that status reads the model again instead of trusting this record.
    std::string token = session.schema_token();
    engine::SchemaModel model = session.read_schema();
    std::string sha256 = engine::fingerprint(model);
    std::size_t objects = model.objects.size();
    session.record_schema({target.service, version.value_or(""), sha256, std::move(model), std::move(token)});
    spdlog::debug("{}recorded schema {} ({} objects)", prefix(target), sha256.substr(0, 12), objects);
  } catch (const DbError& e) {
    spdlog::warn("{}the schema was not recorded ({}); status --schema cannot compare it until a migrate "
                 "or dbctl repair records it", prefix(target), e.what());
  }
}

MigrationPlan inspect(engine::TargetSession& session, const targets::Target& target,
                      const FilesSource& files) {
  bool exists = session.exists();
  std::vector<engine::HistoryRow> history;
  if (exists) {
    history = session.read_history();
  }
  PlanOptions options;
  options.resumable = !session.transactional_ddl();
  return plan_migrations(files(), history, target.service, exists, options);
}

MigrateResult migrate(engine::TargetSession& session, const targets::Target& target,
                      const FilesSource& files_source, const MigrateOptions& options) {
  if (!session.exists()) {
    throw missing_target(target);
  }
  // A run with nothing to do needs no lock (and no lock connection): read first, and only
  // when there is work take the lock and read again, so concurrent runs apply each file once.
  PlanOptions plan_options = options.plan;
  plan_options.resume_failed = !session.transactional_ddl();
  std::vector<engine::HistoryRow> history = session.read_history();
  const MigrationSet& files = files_source();
  MigrationPlan plan = plan_migrations(files, history, target.service, true, plan_options);
  std::unique_ptr<engine::Lock> lock;
  long long lock_wait_ms = 0;
  if (!plan.pending.empty() && !options.dry_run) {
    auto asked = Clock::now();
    lock = session.lock(options.lock_timeout);
    lock_wait_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - asked).count();
    plan = plan_migrations(files, session.read_history(), target.service, true, plan_options);
  }
  if (options.refuse) {
    for (const MigrationFile* file : plan.pending) {
      std::vector<std::string> reasons = options.refuse(*file);
      plan.problems.insert(plan.problems.end(), reasons.begin(), reasons.end());
    }
  }
  if (!plan.problems.empty()) {
    throw DbError(prefix(target) + "nothing was applied:" + join(plan.problems));
  }
  MigrateResult result;
  result.lock_wait_ms = lock_wait_ms;
  if (options.dry_run) {
    for (const MigrationFile* file : plan.pending) {
      result.would_apply.push_back(file->script);
    }
    result.version = plan.current_version;
    return result;
  }
  if (!plan.pending.empty()) {
    session.ensure_history();
  }
  result.version = plan.current_version;
  for (const MigrationFile* file : plan.pending) {
    util::throw_if_interrupted(options.interrupt);
    if (lock) {
      lock->check();
    }
    auto resume = plan.resume.find(file->script);
    result.notices += apply(session, target, *file,
                            resume == plan.resume.end() ? std::nullopt : std::optional(resume->second), options);
    ++result.applied;
    if (options.applied) {
      options.applied(*file);
    }
    if (file->version) {
      result.version = file->version->text();
    }
  }
  if (result.applied > 0) {
    record_schema(session, target, result.version);
  }
  return result;
}

RepairResult repair(engine::TargetSession& session, const targets::Target& target,
                    const MigrationSet& files, std::chrono::seconds lock_timeout) {
  RepairResult result;
  if (!session.exists()) {
    return result;
  }
  auto lock = session.lock(lock_timeout);
  std::vector<engine::HistoryRow> history = session.read_history();
  result.failed_removed = session.delete_failed(target.service);
  // The history as it is now, without reading it again: the failed rows deleted, the
  // checksums realigned below.
  history.erase(std::remove_if(history.begin(), history.end(),
                               [&](const engine::HistoryRow& row) { return row.service == target.service && !row.success; }),
                history.end());
  for (auto& row : history) {
    if (row.service != target.service || row.type != RowType::versioned) {
      continue;
    }
    auto version = Version::parse(row.version);
    if (!version) {
      continue;
    }
    // Files are sorted by version: one binary search per row, never a scan of every file.
    auto file = std::lower_bound(files.versioned.begin(), files.versioned.end(), *version,
                                 [](const MigrationFile& f, const Version& v) { return *f.version < v; });
    for (; file != files.versioned.end() && *file->version == *version; ++file) {
      if (file->checksum != row.checksum) {
        session.update_checksum(row.rank, file->checksum);
        row.checksum = file->checksum;
        result.realigned.push_back(file->script);
      }
    }
  }
  // repair accepts the database as it is: its schema too.
  if (!history.empty()) {
    record_schema(session, target, plan_migrations(files, history, target.service, true, PlanOptions{}).current_version);
  }
  return result;
}

namespace {
// Take the target's lock for a baseline, refusing a target without a database or with history.
std::unique_ptr<engine::Lock> lock_for_baseline(engine::TargetSession& session, const targets::Target& target,
                                                std::chrono::seconds lock_timeout) {
  if (!session.exists()) {
    throw DbError(prefix(target) + "database " + target.database + " does not exist; run dbctl init first");
  }
  auto lock = session.lock(lock_timeout);
  for (const auto& row : session.read_history()) {
    if (row.service == target.service) {
      throw UsageError(prefix(target) + "already has migration history; baseline is for a "
                                         "database that has none");
    }
  }
  return lock;
}
} // namespace

FlywayImportResult import_flyway(engine::TargetSession& session, const targets::Target& target,
                                 const MigrationSet& files, const std::string& table,
                                 std::chrono::seconds lock_timeout) {
  auto lock = lock_for_baseline(session, target, lock_timeout);
  std::optional<std::vector<engine::FlywayRow>> flyway = session.read_flyway_history(table);
  if (!flyway) {
    throw DbError(prefix(target) + "no table " + table + " in " + target.database +
                  (target.schema ? "." + *target.schema : std::string()) +
                  "; name Flyway's history table with --flyway-table");
  }
  FlywayImport plan = plan_flyway_import(*flyway, files, target.service,
                                         [](const MigrationFile& file) { return read_sql(file.path); });
  if (!plan.problems.empty()) {
    throw DbError(prefix(target) + "cannot take over Flyway's history; nothing was written:" + join(plan.problems));
  }
  session.ensure_history();
  session.import_history(plan.rows);
  FlywayImportResult result;
  result.imported = plan.rows.size();
  result.rerun = plan.skipped;
  for (const auto& row : plan.rows) {
    std::optional<Version> version = Version::parse(row.version);
    if (version && (!result.version || *version > *Version::parse(*result.version))) {
      result.version = version->text();
    }
  }
  return result;
}

FlywayImportResult import_tool(engine::TargetSession& session, const targets::Target& target, const MigrationSet& files,
                               Tool tool, const std::string& table, std::chrono::seconds lock_timeout) {
  auto lock = lock_for_baseline(session, target, lock_timeout);
  auto rows = session.read_tool_table(table, tool_table(tool).columns);
  if (!rows) {
    throw DbError(prefix(target) + "no table " + table + " in " + target.database +
                  (target.schema ? "." + *target.schema : std::string()) + "; name " + to_string(tool) +
                  "'s table with --table");
  }
  ToolImport plan = plan_tool_import(tool, *rows, files, target.service, session.installed_by());
  if (!plan.problems.empty()) {
    throw DbError(prefix(target) + "cannot take over " + to_string(tool) + "'s history; nothing was written:" +
                  join(plan.problems));
  }
  FlywayImportResult result;
  if (!plan.rows.empty()) {
    session.ensure_history();
    session.import_history(plan.rows);
    result.imported = plan.rows.size();
    result.version = plan.rows.back().version;
  }
  return result;
}

void baseline(engine::TargetSession& session, const targets::Target& target,
              const Version& version, std::chrono::seconds lock_timeout) {
  auto lock = lock_for_baseline(session, target, lock_timeout);
  session.ensure_history();
  engine::HistoryRow row;
  row.service = target.service;
  row.version = version.text();
  row.description = "<< baseline >>";
  row.type = RowType::baseline;
  row.script = "<< baseline >>";
  row.installed_by = session.installed_by();
  session.insert_history(row);
}

} // namespace dbctl::migration

#include "dbctl/migration/command.hpp"

#include "messages.hpp"

#include "dbctl/engine/error.hpp"
#include "dbctl/targets/url.hpp"
#include "dbctl/util/error.hpp"
#include "dbctl/util/hash.hpp"
#include "dbctl/util/process.hpp"
#include "dbctl/util/secret.hpp"
#include "dbctl/util/text.hpp"
#include "dbctl/util/url.hpp"

#include <algorithm>
#include <chrono>
#include <deque>

#include <spdlog/spdlog.h>

namespace dbctl::migration {

namespace {

using util::join;

using Clock = std::chrono::steady_clock;

constexpr std::size_t k_tail_lines = 20; // of a failed run's output, in its error

const topology::CommandRunner& runner_of(const targets::Target& target) {
  if (target.command == nullptr) {
    throw UsageError(target.key() + " is not a format: command service");
  }
  return *target.command;
}

// The passwords a target's program could print: the owner's, as is and percent-encoded.
std::vector<std::string> secrets_of(const targets::Target& target) {
  std::vector<std::string> out;
  if (target.owner.password && !target.owner.password->empty()) {
    out.push_back(target.owner.password->reveal());
    out.push_back(util::percent_encode(target.owner.password->reveal()));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  return out;
}

// One program of the service's, run in its folder.
struct Program {
  const targets::Target& target;
  std::vector<std::string> argv;
  std::string key; ///< the topology key it came from, for messages (run, current, heads)
  bool with_database = true; ///< give it the target's DATABASE_URL and names
};

struct Ran {
  util::ProcessResult result;
  std::vector<std::string> out;   ///< stdout lines, when collected
  std::deque<std::string> tail;   ///< the last lines of both streams
  long long ms = 0;
};

// Run it; stdout lines are collected (`collect`) or logged at info, stderr lines logged (at
// debug when collecting). Every line has the target's passwords masked first.
Ran run_program(const Program& program, bool collect, const util::Interrupt* interrupt,
                std::optional<std::chrono::seconds> timeout) {
  std::optional<std::filesystem::path> found = util::find_program(program.argv.front(), program.target.command_cwd);
  if (!found) {
    throw ConfigError("services." + program.target.service + "." + program.key + ": " +
                      util::missing_program(program.argv.front(), program.target.command_cwd));
  }
  std::vector<std::string> secrets = secrets_of(program.target);
  Ran ran;
  util::ProcessSpec spec;
  spec.argv = program.argv;
  spec.argv.front() = found->string();
  spec.cwd = program.target.command_cwd;
  if (program.with_database) {
    spec.env = command_environment(program.target);
  } else {
    spec.unset = {"DATABASE_URL"};
  }
  spec.interrupt = interrupt;
  if (timeout && timeout->count() > 0) {
    spec.timeout = *timeout;
  }
  std::string name = program.target.key();
  spec.on_line = [&](util::Stream stream, std::string_view raw) {
    std::string line = util::mask_secrets(std::string(raw), secrets);
    ran.tail.push_back(line);
    if (ran.tail.size() > k_tail_lines) {
      ran.tail.pop_front();
    }
    if (collect && stream == util::Stream::out) {
      ran.out.push_back(std::move(line));
    } else if (collect) {
      spdlog::debug("{}: {}: {}", name, program.argv.front(), line);
    } else {
      spdlog::info("{}: {}", name, line);
    }
  };
  auto began = Clock::now();
  ran.result = util::run_process(spec);
  ran.ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - began).count();
  if (!ran.result.started) {
    throw DbError(prefix(program.target) + program.key + ": " + ran.result.error);
  }
  return ran;
}

// Why a program failed, with its last lines.
std::string failure(const Program& program, const Ran& ran, std::optional<std::chrono::seconds> timeout) {
  std::string out = "`" + util::command_line(program.argv) + "` ";
  if (ran.result.timed_out) {
    out += "was stopped after " + std::to_string(timeout ? timeout->count() : 0) + " s (--statement-timeout)";
  } else {
    out += "exited " + std::to_string(ran.result.exit_code);
  }
  if (ran.tail.empty()) {
    return out + " and printed nothing";
  }
  out += "; its last lines:";
  for (const auto& line : ran.tail) {
    out += "\n    " + line;
  }
  return out;
}

// The first word of each non-empty line: revisions, one a line (`alembic heads` adds "(head)").
// A lone `none` stands for no revision.
std::vector<std::string> revisions_in(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  for (const auto& line : lines) {
    std::size_t begin = line.find_first_not_of(" \t");
    if (begin == std::string::npos) {
      continue;
    }
    std::string word = line.substr(begin, line.find_first_of(" \t", begin) - begin);
    if (word != "none") {
      out.push_back(word);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The revisions the target is at: alembic_version's rows, or what current: prints.
std::vector<std::string> applied_revisions(engine::TargetSession& session, const targets::Target& target,
                                           const util::Interrupt* interrupt) {
  const topology::CommandRunner& runner = runner_of(target);
  if (runner.alembic) {
    std::vector<std::string> out;
    if (auto rows = session.read_tool_table(runner.alembic_table(), {"version_num"})) {
      for (const auto& row : *rows) {
        if (!row.empty() && row.front()) {
          out.push_back(*row.front());
        }
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  if (!runner.current) {
    return {};
  }
  Program program{target, runner.current->value, "current", true};
  Ran ran = run_program(program, true, interrupt, std::nullopt);
  if (ran.result.exit_code != 0) {
    throw DbError(prefix(target) + "current: " + failure(program, ran, std::nullopt));
  }
  bool printed = std::any_of(ran.out.begin(), ran.out.end(),
                             [](const std::string& line) { return line.find_first_not_of(" \t") != std::string::npos; });
  if (!printed) {
    throw ConfigError(std::vector<util::Diagnostic>{
        {runner.current->where, "services." + target.service + ".current: `" +
                                    util::command_line(runner.current->value) + "` printed nothing for " +
                                    target.key() + "; it must print the applied revision (a line each), or none"}});
  }
  return revisions_in(ran.out);
}

// The service's last command row, if any.
std::optional<engine::HistoryRow> last_run(const std::vector<engine::HistoryRow>& history, const std::string& service,
                                           std::size_t* successes = nullptr) {
  std::optional<engine::HistoryRow> last;
  for (const auto& row : history) {
    if (row.service != service || row.type != engine::RowType::command) {
      continue;
    }
    if (successes != nullptr && row.success) {
      ++*successes;
    }
    if (!last || row.rank > last->rank) {
      last = row;
    }
  }
  return last;
}

bool run_due(const std::optional<std::vector<std::string>>& heads, const std::vector<std::string>& current,
             const std::optional<engine::HistoryRow>& last) {
  return !heads || current != *heads || (last && !last->success);
}

} // namespace

std::vector<std::pair<std::string, std::string>> command_environment(const targets::Target& target) {
  std::string url = targets::connection_url(target, targets::RoleKind::owner);
  if (target.command != nullptr) {
    if (const auto* scheme = target.command->scheme_for(target.engine())) {
      url = scheme->value + url.substr(url.find("://"));
    }
  }
  std::vector<std::pair<std::string, std::string>> env{{"DATABASE_URL", url},
                                                       {"DBCTL_SERVICE", target.service},
                                                       {"DBCTL_DATABASE", target.database}};
  if (target.tenant) {
    env.emplace_back("DBCTL_TENANT", *target.tenant);
  }
  if (target.schema) {
    env.emplace_back("DBCTL_SCHEMA", *target.schema);
  }
  if (target.command != nullptr && target.command->alembic) {
    env.emplace_back("ALEMBIC_VERSION_TABLE", target.command->alembic_table());
  }
  return env;
}

MigrationSet command_set(const targets::Target& target) {
  MigrationSet set;
  set.format = Format::command;
  MigrationFile run;
  run.kind = Kind::repeatable;
  run.script = util::command_line(runner_of(target).run ? runner_of(target).run->value : std::vector<std::string>{});
  run.description = "the service's program";
  run.format = Format::command;
  run.checksum = util::sha256_hex(run.script);
  set.repeatable.push_back(std::move(run));
  return set;
}

std::optional<std::vector<std::string>> read_heads(const targets::Target& target, const util::Interrupt* interrupt) {
  const topology::CommandRunner& runner = runner_of(target);
  std::vector<std::string> argv;
  std::string key = "heads";
  if (runner.alembic) {
    argv = {"alembic", "heads"};
    key = "current";
  } else if (runner.heads) {
    argv = runner.heads->value;
  } else {
    return std::nullopt;
  }
  Program program{target, argv, key, false}; // reads the scripts only: no database
  Ran ran = run_program(program, true, interrupt, std::nullopt);
  util::throw_if_interrupted(interrupt);
  std::vector<std::string> heads = revisions_in(ran.out);
  if (ran.result.exit_code != 0 || heads.empty()) {
    throw ConfigError("services." + target.service + "." + key + ": " +
                      (ran.result.exit_code != 0 ? failure(program, ran, std::nullopt)
                                                 : "`" + util::command_line(argv) + "` printed no revision") +
                      " (in " + target.command_cwd.string() + ")");
  }
  return heads;
}

MigrateResult run_command(engine::TargetSession& session, const targets::Target& target,
                          const std::optional<std::vector<std::string>>& heads, const MigrationSet& set,
                          const MigrateOptions& options, std::optional<std::chrono::seconds> timeout) {
  const topology::CommandRunner& runner = runner_of(target);
  if (!session.exists()) {
    throw missing_target(target);
  }
  MigrateResult result;
  // Without heads every run is due: nothing to read before the lock.
  std::vector<std::string> current;
  if (heads) {
    current = applied_revisions(session, target, options.interrupt);
    result.version = current.empty() ? std::nullopt : std::optional(join(current, ", "));
    if (!run_due(heads, current, last_run(session.read_history(), target.service))) {
      return result;
    }
  }
  if (options.dry_run) {
    result.would_apply.push_back(set.repeatable.front().script);
    return result;
  }
  auto asked = Clock::now();
  auto lock = session.lock(options.lock_timeout);
  result.lock_wait_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - asked).count();
  std::vector<engine::HistoryRow> history = session.read_history();
  std::optional<engine::HistoryRow> last = last_run(history, target.service);
  if (heads) {
    // Another run may have brought it to its heads while this one waited for the lock.
    current = applied_revisions(session, target, options.interrupt);
    if (!run_due(heads, current, last)) {
      result.version = current.empty() ? std::nullopt : std::optional(join(current, ", "));
      return result;
    }
  }
  if (!last) {
    session.ensure_history(); // a command row of the service's proves the table takes them
  }
  util::throw_if_interrupted(options.interrupt);
  Program program{target, runner.run->value, "run", true};
  std::string line = util::command_line(program.argv);
  spdlog::info("{}{}: running {}", options.progress, target.key(), line);
  Ran ran = run_program(program, false, options.interrupt, timeout);
  bool ok = ran.result.exit_code == 0 && !ran.result.interrupted && !ran.result.timed_out;
  std::vector<std::string> after;
  try {
    after = applied_revisions(session, target, nullptr);
  } catch (const Error&) {
    if (ok) {
      throw;
    }
    // the run's own failure is the one to report
  }
  engine::HistoryRow row;
  row.service = target.service;
  row.version = join(after, ", ");
  row.description = "the service's program";
  row.type = engine::RowType::command;
  row.script = line;
  row.checksum = util::sha256_hex(line);
  row.installed_by = session.installed_by();
  row.execution_ms = ran.ms;
  row.success = ok;
  session.insert_history(row);
  if (ran.result.interrupted) {
    util::throw_if_interrupted(options.interrupt);
  }
  if (!ok) {
    throw DbError(prefix(target) + failure(program, ran, timeout));
  }
  spdlog::info("{}{}: ran {} in {} ms{}", options.progress, target.key(), line, ran.ms,
               after.empty() ? "" : " (at " + row.version + ")");
  result.applied = 1;
  result.ran = line;
  result.version = after.empty() ? std::nullopt : std::optional(row.version);
  record_schema(session, target, result.version);
  return result;
}

MigrationPlan inspect_command(engine::TargetSession& session, const targets::Target& target,
                              const std::optional<std::vector<std::string>>& heads, const MigrationSet& set,
                              const util::Interrupt* interrupt) {
  MigrationPlan plan;
  if (!session.exists()) {
    plan.state = State::missing;
    return plan;
  }
  std::vector<std::string> current = applied_revisions(session, target, interrupt);
  std::vector<engine::HistoryRow> history = session.read_history();
  std::optional<engine::HistoryRow> last = last_run(history, target.service, &plan.applied);
  if (!current.empty()) {
    plan.current_version = join(current, ", ");
  }
  if (current.size() > 1) {
    plan.issues.push_back("at several heads: " + join(current, ", "));
  }
  if (last && !last->success) {
    plan.state = State::failed;
    plan.issues.push_back("the last run of `" + last->script + "` failed" +
                          (last->installed_at.empty() ? "" : " (" + last->installed_at + ")") +
                          "; its output is in that run's log; migrate runs it again");
    plan.pending.push_back(&set.repeatable.front());
    return plan;
  }
  bool due = heads ? current != *heads : !last;
  if (due) {
    plan.state = State::pending;
    plan.pending.push_back(&set.repeatable.front());
    if (heads) {
      plan.issues.push_back("at " + (current.empty() ? std::string("no revision") : join(current, ", ")) +
                            "; the scripts' head" + (heads->size() == 1 ? " is " : "s are ") + join(*heads, ", "));
    }
  } else {
    plan.state = State::up_to_date;
  }
  return plan;
}

AlembicImport import_alembic(engine::TargetSession& session, const targets::Target& target,
                             std::chrono::seconds lock_timeout, const util::Interrupt* interrupt) {
  if (target.command == nullptr || !target.command->alembic) {
    throw UsageError(target.key() + ": baseline --from alembic serves services with format: command and "
                                    "current: alembic");
  }
  if (!session.exists()) {
    throw DbError(prefix(target) + "database " + target.database + " does not exist; nothing to take over");
  }
  auto lock = session.lock(lock_timeout);
  std::vector<engine::HistoryRow> history = session.read_history();
  if (std::any_of(history.begin(), history.end(),
                  [&](const engine::HistoryRow& row) { return row.service == target.service; })) {
    throw UsageError(prefix(target) + "has dbctl history already; baseline only starts one");
  }
  std::string table = target.command->alembic_table();
  auto rows = session.read_tool_table(table, {"version_num"});
  if (!rows || rows->empty()) {
    throw DbError(prefix(target) + (rows ? table + " is empty" : "has no " + table + " table") +
                  ": Alembic has not migrated it; run dbctl migrate instead");
  }
  // Every revision Alembic recorded must be one of the service's scripts.
  Program program{target, {"alembic", "history"}, "current", false};
  Ran ran = run_program(program, true, interrupt, std::nullopt);
  if (ran.result.exit_code != 0) {
    throw DbError(prefix(target) + failure(program, ran, std::nullopt));
  }
  std::vector<std::string> known;
  for (const auto& line : ran.out) {
    std::size_t arrow = line.find("-> ");
    if (arrow != std::string::npos) {
      std::size_t begin = arrow + 3;
      known.push_back(line.substr(begin, line.find_first_of(" ,", begin) - begin));
    }
  }
  AlembicImport out;
  std::vector<std::string> unknown;
  for (const auto& row : *rows) {
    if (!row.empty() && row.front()) {
      out.revisions.push_back(*row.front());
      if (std::find(known.begin(), known.end(), *row.front()) == known.end()) {
        unknown.push_back(*row.front());
      }
    }
  }
  std::sort(out.revisions.begin(), out.revisions.end());
  if (!unknown.empty()) {
    throw DbError(prefix(target) + "nothing was written: " + table + " names " + join(unknown, ", ") +
                  ", which no script in " + target.command_cwd.string() + " has (`alembic history` lists them)");
  }
  engine::HistoryRow row;
  row.service = target.service;
  row.version = join(out.revisions, ", ");
  row.description = "taken over from " + table;
  row.type = engine::RowType::baseline;
  row.script = table;
  row.checksum = util::sha256_hex(row.version);
  row.installed_by = session.installed_by();
  session.ensure_history();
  session.import_history({row});
  return out;
}

} // namespace dbctl::migration

#include "dbctl/ops/migrate.hpp"

#include "dbctl/engine/error.hpp"
#include "dbctl/util/error.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <map>
#include <set>
#include <thread>

#include <spdlog/spdlog.h>

namespace dbctl::ops {

namespace {

using Clock = std::chrono::steady_clock;

FanoutOptions fanout_of(const RunOptions& run) {
  FanoutOptions fanout;
  fanout.jobs = run.jobs;
  fanout.interrupt = run.interrupt;
  fanout.finished = run.finished;
  return fanout;
}

Outcome outcome_of(const migration::MigrateResult& result, bool dry_run) {
  Outcome outcome;
  outcome.result = dry_run ? Result::checked : result.applied > 0 ? Result::migrated : Result::up_to_date;
  outcome.applied = result.applied;
  outcome.notices = result.notices;
  outcome.version = result.version;
  outcome.would_apply = result.would_apply;
  outcome.ran = result.ran;
  outcome.lock_wait_ms = result.lock_wait_ms;
  return outcome;
}

// What runs after wave k (from 1) and before the next: the pause, then the check. Returns
// false when the check failed (logged) or the run was interrupted.
bool between_waves(const MigrateFlags& flags, std::size_t k, std::size_t waves, const util::Interrupt* interrupt) {
  auto until = Clock::now() + flags.wave_pause;
  while (Clock::now() < until && !util::interrupted(interrupt)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (util::interrupted(interrupt)) {
    return false;
  }
  if (flags.wave_check.empty()) {
    return true;
  }
  int status = run_wave_check(flags.wave_check, k, waves);
  if (status != 0) {
    spdlog::warn("wave {}/{} and after not started: the wave check exited {} after wave {}", k + 1, waves,
                 status, k);
    return false;
  }
  spdlog::info("wave check passed after wave {}/{}", k, waves);
  return true;
}

// Run `job` wave after wave; a wave starts only while the failures so far are within
// flags.max_failures (or keep_going), and not after an interruption.
std::vector<std::optional<Outcome>> in_waves(const std::vector<targets::Target>& selected, const MigrateFlags& flags,
                                             const RunOptions& run, FanoutOptions fanout, const Job& job) {
  std::vector<std::vector<std::size_t>> waves = plan_waves(selected, flags.waves);
  std::vector<std::optional<Outcome>> outcomes(selected.size());
  std::size_t failed = 0;
  for (std::size_t k = 0; k < waves.size(); ++k) {
    if (util::interrupted(fanout.interrupt)) {
      break; // the run says how it was stopped
    }
    if (failed > flags.max_failures && !flags.keep_going) {
      spdlog::warn("wave {}/{} and after not started: {} target{} failed (--max-failures {})", k + 1,
                   waves.size(), failed, failed == 1 ? "" : "s", flags.max_failures);
      break;
    }
    if (k > 0 && !between_waves(flags, k, waves.size(), fanout.interrupt)) {
      break;
    }
    std::vector<targets::Target> wave;
    for (std::size_t index : waves[k]) {
      wave.push_back(selected[index]);
    }
    spdlog::info("wave {}/{}: {} target{}", k + 1, waves.size(), wave.size(), wave.size() == 1 ? "" : "s");
    if (run.wave_started) {
      run.wave_started(k + 1, waves.size());
    }
    fanout.max_failures = flags.max_failures - std::min(failed, flags.max_failures);
    std::vector<std::optional<Outcome>> done = fan_out(wave, fanout, job);
    for (std::size_t i = 0; i < done.size(); ++i) {
      failed += done[i] && done[i]->result == Result::failed ? 1 : 0;
      outcomes[waves[k][i]] = std::move(done[i]);
    }
  }
  return outcomes;
}

// The heads each selected format: command service's runs reach (`alembic heads`), read once
// per service on threads of their own while the targets are being opened.
using Heads = std::optional<std::vector<std::string>>;
class CommandHeads {
public:
  CommandHeads(const Project& project, const util::Interrupt* interrupt) {
    for (const auto& target : project.selected()) {
      if (target.command != nullptr && m_heads.count(target.service) == 0) {
        const targets::Target* first = &target;
        m_heads.emplace(target.service, std::async(std::launch::async, [first, interrupt] {
                                          return migration::read_heads(*first, interrupt);
                                        }).share());
      }
    }
  }
  ~CommandHeads() {
    for (auto& [service, heads] : m_heads) {
      heads.wait(); // a run that stopped early still waits for its programs
    }
  }
  CommandHeads(const CommandHeads&) = delete;
  CommandHeads& operator=(const CommandHeads&) = delete;

  /// Return the heads of a target's service (throws what reading them threw).
  const Heads& of(const targets::Target& target) const { return m_heads.at(target.service).get(); }

private:
  std::map<std::string, std::shared_future<Heads>> m_heads;
};

bool any_command(const std::vector<targets::Target>& selected) {
  return std::any_of(selected.begin(), selected.end(), [](const auto& target) { return target.command != nullptr; });
}

// Open each selected target in turn and hand it to `edit`.
void each_session(const Project& project, const engine::Registry& registry,
                  const std::function<void(const targets::Target&, engine::TargetSession&)>& edit) {
  for (const auto& target : project.selected()) {
    auto session = registry.get(target.engine()).target(target);
    edit(target, *session);
  }
}

} // namespace

MigrateRun migrate_targets(const Project& project, const engine::Registry& registry,
                           const MigrateFlags& flags, const RunOptions& run) {
  bool commands = any_command(project.selected());
  if (flags.options.plan.target && commands) {
    throw UsageError("--target: a format: command service's program decides how far it goes; select the other "
                     "services with --service");
  }
  FanoutOptions fanout = fanout_of(run);
  // The work connection, and the lock's own connection when there is work; a service's program
  // opens its own too.
  fanout.cost = commands ? 3 : 2;
  CommandHeads heads(project, run.interrupt);
  fanout.keep_going = flags.keep_going;
  const std::size_t total = project.selected().size();
  std::atomic<std::size_t> started{0};
  PendingLint pending_lint(project.topology);
  FailoverWatch failover(flags.failover_timeout, run.interrupt);
  Job job = [&](std::size_t, const targets::Target& target, engine::Keep& keep) {
    migration::MigrateOptions options = flags.options;
    options.interrupt = run.interrupt;
    if (flags.lint) {
      options.refuse = [&](const migration::MigrationFile& file) {
        return pending_lint.refusals(target, files_of(project, target), file);
      };
    }
    if (total > 1) {
      options.progress = "[" + std::to_string(++started) + "/" + std::to_string(total) + "] ";
    }
    auto session = registry.get(target.engine()).target(target, &keep);
    if (target.command != nullptr) {
      std::optional<std::chrono::seconds> timeout;
      if (flags.command_timeout.count() > 0) {
        timeout = flags.command_timeout;
      }
      return outcome_of(migration::run_command(*session, target, heads.of(target), files_of(project, target),
                                               options, timeout),
                        options.dry_run);
    }
    session->connect_ahead(); // log in and read history while the migration files are still being read
    auto files = [&]() -> const migration::MigrationSet& { return files_of(project, target); };
    // Each attempt after a failover opens a new session (through the primary now) and migrates
    // from the history it reads; the files applied before the loss still count.
    std::size_t applied = 0;
    options.applied = [&applied](const migration::MigrationFile&) { ++applied; };
    migration::MigrateResult result;
    std::vector<Failover> failovers;
    failover.run(*target.server, target.key() + ": ", failovers, [&] {
      if (!session) {
        keep.reset(); // a kept connection went with the server that was lost
        session = registry.get(target.engine()).target(target, &keep);
      }
      auto attempt = std::move(session);
      result = migration::migrate(*attempt, target, files, options);
    });
    result.applied = applied; // every attempt's
    Outcome outcome = outcome_of(result, options.dry_run);
    outcome.failovers = std::move(failovers);
    return outcome;
  };
  auto began = Clock::now();
  MigrateRun out;
  if (flags.waves.empty()) {
    fanout.max_failures = flags.max_failures;
    out.outcomes = fan_out(project.selected(), fanout, job);
  } else {
    out.outcomes = in_waves(project.selected(), flags, run, fanout, job);
  }
  out.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - began).count();
  await_files(project); // when every target failed to connect, a bad file still decides: exit 2
  return out;
}

namespace {

// The schema checks of the targets status_targets deferred until their database's states were
// read: a target whose token is its record's is as recorded once the model of its fingerprint
// is kept; the others (a token that moved, a record header the states could not say), and the
// first target of each fingerprint not kept yet (which reads its record's model), go through
// check_schema, in parallel.
void check_deferred(const Project& project, const engine::Registry& registry, const FanoutOptions& fanout,
                    const SchemaTokens& tokens, const std::vector<char>& deferred, SchemaModels& models,
                    StatusRun& out) {
  std::vector<std::size_t> pending;
  for (std::size_t i = 0; i < deferred.size(); ++i) {
    if (deferred[i] && out.outcomes[i] && out.outcomes[i]->result == Result::inspected) {
      pending.push_back(i);
    }
  }
  std::size_t together = pending.size();
  std::size_t queried = 0; // targets that needed a query of their own
  for (int round = 0; round < 2 && !pending.empty(); ++round) {
    std::vector<std::size_t> checked;
    std::set<std::string> fetching; // fingerprints whose model a target of this round reads
    std::vector<std::size_t> later;
    for (std::size_t i : pending) {
      const targets::Target& target = project.selected()[i];
      std::optional<engine::SchemaState> state = tokens.of(target);
      if (!state || !state->record_read) {
        checked.push_back(i);
        continue;
      }
      const auto& record = state->record;
      bool stands = token_stands(state->token, record);
      if (auto trusted = trusted_check(target, out.plans[i]->current_version, state->token, record, models)) {
        out.schemas[i] = std::move(*trusted);
      } else if (stands && round == 0 && !fetching.insert(record->sha256).second) {
        later.push_back(i); // as recorded: once a target of its fingerprint has read the model
      } else {
        checked.push_back(i);
      }
    }
    std::vector<targets::Target> again;
    for (std::size_t i : checked) {
      again.push_back(project.selected()[i]);
    }
    auto outcomes = fan_out(again, fanout, [&](std::size_t k, const targets::Target& target, engine::Keep& keep) {
      std::size_t i = checked[k];
      auto session = registry.get(target.engine()).target(target, &keep);
      std::optional<engine::SchemaState> state = tokens.of(target);
      out.schemas[i] = check_schema(*session, target, out.plans[i]->current_version,
                                    state ? state->token : session->schema_token(), models);
      Outcome inspected;
      inspected.result = Result::inspected;
      return inspected;
    });
    for (std::size_t k = 0; k < checked.size(); ++k) {
      if (outcomes[k] && outcomes[k]->result != Result::inspected) {
        out.outcomes[checked[k]] = outcomes[k]; // it failed now: say why, as for any target
      }
    }
    queried += checked.size();
    pending = std::move(later);
  }
  if (together > 0) {
    spdlog::debug("schema: {} of {} targets whose states were read with their database's needed no query of "
                  "their own", together - queried, together);
  }
}

} // namespace

StatusRun status_targets(const Project& project, const engine::Registry& registry, const RunOptions& run,
                         Schemas schemas) {
  StatusRun out;
  std::size_t count = project.selected().size();
  out.plans.resize(count);
  out.schemas.resize(count);
  SchemaModels models;
  // With --schema, the states (tokens, record headers) of a database of many tenant schemas are
  // read in the background while the targets are inspected; its targets are checked once they
  // are in.
  std::optional<SchemaTokens> tokens;
  if (schemas == Schemas::compare) {
    tokens.emplace(project.selected(), registry);
  }
  std::vector<char> deferred(count, 0);
  FanoutOptions fanout = fanout_of(run);
  fanout.keep_going = true; // report every target that can be reached
  FanoutOptions after = fanout; // once the background reads are done
  if (tokens) {
    fanout.held = tokens->held();
  }
  CommandHeads heads(project, run.interrupt);
  out.outcomes = fan_out(project.selected(), fanout, [&](std::size_t index, const targets::Target& target, engine::Keep& keep) {
    auto session = registry.get(target.engine()).target(target, &keep);
    session->connect_ahead(); // log in and read history while the migration files are still being read
    if (target.command != nullptr) {
      out.plans[index] =
          migration::inspect_command(*session, target, heads.of(target), files_of(project, target), run.interrupt);
    } else {
      out.plans[index] = migration::inspect(
          *session, target, [&]() -> const migration::MigrationSet& { return files_of(project, target); });
    }
    if (schemas == Schemas::compare && out.plans[index]->state != migration::State::missing &&
        out.plans[index]->state != migration::State::empty) {
      if (tokens->together(target)) {
        deferred[index] = 1;
      } else {
        out.schemas[index] = check_schema(*session, target, out.plans[index]->current_version,
                                          session->schema_token(), models);
      }
    }
    Outcome inspected; // each job writes only its own slot
    inspected.result = Result::inspected;
    return inspected;
  });
  if (schemas == Schemas::compare) {
    check_deferred(project, registry, after, *tokens, deferred, models, out);
    std::vector<FleetMember> members;
    std::vector<SchemaCheck*> checks;
    for (std::size_t i = 0; i < count; ++i) {
      if (out.schemas[i] && out.outcomes[i] && out.outcomes[i]->result == Result::inspected) {
        members.push_back({&project.selected()[i], out.plans[i]->current_version, out.schemas[i]->sha256});
        checks.push_back(&*out.schemas[i]);
      }
    }
    compare_fleet(members, models, checks);
  }
  return out;
}

DumpRun dump_targets(const Project& project, const engine::Registry& registry, const RunOptions& run) {
  DumpRun out;
  out.ddl.resize(project.selected().size());
  out.sha256.resize(project.selected().size());
  FanoutOptions fanout = fanout_of(run);
  fanout.keep_going = true;
  out.outcomes = fan_out(project.selected(), fanout, [&](std::size_t index, const targets::Target& target, engine::Keep& keep) {
    auto session = registry.get(target.engine()).target(target, &keep);
    if (!session->exists()) {
      bool own_schema = target.schema && *target.schema != "public";
      throw DbError(target.key() + ": " + (own_schema ? "schema " + *target.schema + " of database " : "database ") +
                    target.database + " does not exist; nothing to dump (dbctl init creates it)");
    }
    engine::SchemaModel model = session->read_schema();
    out.sha256[index] = engine::fingerprint(model);
    out.ddl[index] = engine::render_ddl(model);
    Outcome read;
    read.result = Result::inspected;
    return read;
  });
  return out;
}

std::vector<Inspected> inspect_targets(const Project& project, const engine::Registry& registry) {
  std::vector<Inspected> out;
  CommandHeads heads(project, nullptr);
  for (const auto& target : project.selected()) {
    auto session = registry.get(target.engine()).target(target);
    if (target.command != nullptr) {
      out.push_back({&target, migration::inspect_command(*session, target, heads.of(target), files_of(project, target),
                                                         nullptr)});
      continue;
    }
    if (!target.migrations) {
      continue; // migrations: none
    }
    out.push_back({&target, migration::inspect(*session, target, [&]() -> const migration::MigrationSet& {
                     return files_of(project, target);
                   })});
  }
  return out;
}

std::vector<PendingSql> pending_sql(const Inspected& inspected) {
  std::vector<PendingSql> out;
  for (const auto* file : inspected.plan.pending) {
    PendingSql item;
    item.script = file->script;
    item.no_transaction = file->no_transaction;
    if (file->format == migration::Format::command) {
      item.command = true;
      item.sql = file->script;
    } else {
      item.sql = migration::read_runnable(*file).sql;
    }
    out.push_back(std::move(item));
  }
  return out;
}

void repair_targets(const Project& project, const engine::Registry& registry, std::chrono::seconds lock_timeout,
                    const std::function<void(const targets::Target&, const migration::RepairResult&)>& each) {
  each_session(project, registry, [&](const targets::Target& target, engine::TargetSession& session) {
    each(target, migration::repair(session, target, files_of(project, target), lock_timeout));
  });
}

void baseline_targets(const Project& project, const engine::Registry& registry,
                      const migration::Version& version, std::chrono::seconds lock_timeout,
                      const std::function<void(const targets::Target&)>& each) {
  each_session(project, registry, [&](const targets::Target& target, engine::TargetSession& session) {
    migration::baseline(session, target, version, lock_timeout);
    each(target);
  });
}

void import_flyway_targets(const Project& project, const engine::Registry& registry, const std::string& table,
                           std::chrono::seconds lock_timeout,
                           const std::function<void(const targets::Target&, const migration::FlywayImportResult&)>& each) {
  each_session(project, registry, [&](const targets::Target& target, engine::TargetSession& session) {
    migration::FlywayImportResult result =
        migration::import_flyway(session, target, files_of(project, target), table, lock_timeout);
    for (const auto& script : result.rerun) {
      spdlog::warn("{}: {} changed since Flyway last ran it; migrate runs it again", target.key(), script);
    }
    each(target, result);
  });
}

void import_alembic_targets(const Project& project, const engine::Registry& registry, std::chrono::seconds lock_timeout,
                            const util::Interrupt* interrupt,
                            const std::function<void(const targets::Target&, const migration::AlembicImport&)>& each) {
  each_session(project, registry, [&](const targets::Target& target, engine::TargetSession& session) {
    each(target, migration::import_alembic(session, target, lock_timeout, interrupt));
  });
}

void import_tool_targets(const Project& project, const engine::Registry& registry, migration::Tool tool,
                         const std::string& table, std::chrono::seconds lock_timeout,
                         const std::function<void(const targets::Target&, const migration::FlywayImportResult&)>& each) {
  each_session(project, registry, [&](const targets::Target& target, engine::TargetSession& session) {
    each(target, migration::import_tool(session, target, files_of(project, target), tool, table, lock_timeout));
  });
}

} // namespace dbctl::ops

#include "dbctl/ops/migrate.hpp"

#include <atomic>
#include <chrono>

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
  return outcome;
}

// Open each selected target in turn and hand it to `edit`.
void each_session(const Project& project, const engine::Registry& registry,
                  const std::function<void(const targets::Target&, engine::TargetSession&)>& edit) {
  for (const auto& target : project.selected) {
    auto session = registry.get(target.engine()).target(target);
    edit(target, *session);
  }
}

} // namespace

MigrateRun migrate_targets(const Project& project, const engine::Registry& registry,
                           const MigrateFlags& flags, const RunOptions& run) {
  FanoutOptions fanout = fanout_of(run);
  fanout.cost = 2; // the work connection, and the lock's own connection when there is work
  fanout.keep_going = flags.keep_going;
  const std::size_t total = project.selected.size();
  std::atomic<std::size_t> started{0};
  auto began = Clock::now();
  MigrateRun out;
  out.outcomes = fan_out(project.selected, fanout, [&](std::size_t, const targets::Target& target, engine::Keep& keep) {
    migration::MigrateOptions options = flags.options;
    options.interrupt = run.interrupt;
    if (total > 1) {
      options.progress = "[" + std::to_string(++started) + "/" + std::to_string(total) + "] ";
    }
    auto session = registry.get(target.engine()).target(target, &keep);
    session->connect_ahead(); // log in and read history while the migration files are still being read
    auto files = [&]() -> const migration::MigrationSet& { return files_of(project, target); };
    return outcome_of(migration::migrate(*session, target, files, options), options.dry_run);
  });
  out.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - began).count();
  await_files(project); // when every target failed to connect, a bad file still decides: exit 2
  return out;
}

StatusRun status_targets(const Project& project, const engine::Registry& registry, const RunOptions& run) {
  StatusRun out;
  out.plans.resize(project.selected.size());
  FanoutOptions fanout = fanout_of(run);
  fanout.keep_going = true; // report every target that can be reached
  out.outcomes = fan_out(project.selected, fanout, [&](std::size_t index, const targets::Target& target, engine::Keep& keep) {
    auto session = registry.get(target.engine()).target(target, &keep);
    session->connect_ahead(); // log in and read history while the migration files are still being read
    out.plans[index] = migration::inspect(
        *session, target, [&]() -> const migration::MigrationSet& { return files_of(project, target); });
    Outcome inspected; // each job writes only its own slot
    inspected.result = Result::inspected;
    return inspected;
  });
  return out;
}

std::vector<Inspected> inspect_targets(const Project& project, const engine::Registry& registry) {
  std::vector<Inspected> out;
  for (const auto& target : project.selected) {
    if (!target.migrations) {
      continue; // migrations: none
    }
    auto session = registry.get(target.engine()).target(target);
    out.push_back({&target, migration::inspect(*session, target, [&]() -> const migration::MigrationSet& {
                     return files_of(project, target);
                   })});
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

} // namespace dbctl::ops

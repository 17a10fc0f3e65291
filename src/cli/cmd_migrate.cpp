// `dbctl migrate`: apply pending migrations to every selected target.
#include "commands.hpp"
#include "project.hpp"
#include "fanout.hpp"
#include "steps.hpp"

#include "dbctl/engine/error.hpp"
#include "dbctl/util/error.hpp"

#include <atomic>
#include <chrono>
#include <iostream>
#include <map>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace dbctl::cli {

namespace {

struct MigrateCommandOptions {
  std::string target;
  bool dry_run = false;
  bool out_of_order = false;
  bool keep_going = false;
  int lock_timeout = 60;
};

std::string describe(const migration::MigrateResult& result, bool dry_run) {
  std::string at = result.version ? " (at version " + *result.version + ")" : "";
  if (dry_run) {
    if (result.would_apply.empty()) {
      return "up to date" + at;
    }
    std::string list;
    for (const auto& script : result.would_apply) {
      list += (list.empty() ? "" : ", ") + script;
    }
    return "would apply " + list;
  }
  if (result.applied == 0) {
    return "up to date" + at;
  }
  return "applied " + std::to_string(result.applied) + " migration" +
         (result.applied == 1 ? "" : "s") + at;
}

ExitCode run_migrate(const Context& context, const MigrateCommandOptions& options) {
  MigrateFlags flags;
  if (!options.target.empty()) {
    flags.options.plan.target = migration::Version::parse(options.target);
    if (!flags.options.plan.target) {
      throw UsageError("--target " + options.target + " is not a version (digits separated by . or _)");
    }
  }
  flags.options.plan.out_of_order = options.out_of_order;
  flags.options.dry_run = options.dry_run;
  flags.options.lock_timeout = std::chrono::seconds(options.lock_timeout);
  flags.keep_going = options.keep_going;
  std::unique_ptr<Project> project = load_project(context, Scan::read_ahead);
  return report_migrate(context, *project, migrate_targets(context, *project, registry_for(context), flags));
}

} // namespace

const migration::MigrationSet& files_of(const Project& project, const targets::Target& target) {
  await_files(project);
  static const migration::MigrationSet k_none;
  if (!target.migrations) {
    return k_none;
  }
  auto found = project.migrations.find(*target.migrations);
  return found == project.migrations.end() ? k_none : found->second;
}

MigrateRun migrate_targets(const Context& context, const Project& project,
                           const engine::Registry& registry, const MigrateFlags& flags) {
  FanoutOptions fanout;
  fanout.cost = 2; // the work connection, and the lock's own connection when there is work
  fanout.keep_going = flags.keep_going;
  fanout.lines = context.global.output == OutputFormat::text;
  const std::size_t total = project.selected.size();
  std::atomic<std::size_t> started{0};
  auto began = std::chrono::steady_clock::now();
  MigrateRun run;
  run.outcomes = fan_out(context, project, fanout, [&](std::size_t, const targets::Target& target, engine::Keep& keep) {
    migration::MigrateOptions options = flags.options;
    options.interrupt = context.interrupt;
    if (total > 1) {
      options.progress = "[" + std::to_string(++started) + "/" + std::to_string(total) + "] ";
    }
    auto session = registry.get(target.engine()).target(target, &keep);
    session->connect_ahead(); // log in and read history while the migration files are still being read
    auto files = [&]() -> const migration::MigrationSet& { return files_of(project, target); };
    migration::MigrateResult result = migration::migrate(*session, target, files, options);
    Outcome outcome;
    outcome.text = describe(result, options.dry_run);
    outcome.state = options.dry_run ? "checked" : result.applied > 0 ? "migrated" : "up to date";
    outcome.applied = result.applied;
    outcome.notices = result.notices;
    outcome.version = result.version;
    return outcome;
  });
  run.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - began).count();
  await_files(project); // when every target failed to connect, a bad file still decides: exit 2
  return run;
}

ExitCode report_migrate(const Context& context, const Project& project, const MigrateRun& run) {
  if (context.global.output == OutputFormat::json) {
    print_json(outcomes_json(project, run.outcomes));
    return any_failed(run.outcomes) ? ExitCode::failed : ExitCode::ok;
  }
  return summarize(context, "migrate", project, run.outcomes, run.duration_ms);
}

Command migrate_command() {
  auto options = std::make_shared<MigrateCommandOptions>();
  return {"migrate", "Apply pending migrations to every selected target",
          [options](CLI::App& app) {
            app.add_option("--target", options->target, "Apply versioned migrations up to this version");
            app.add_flag("--dry-run", options->dry_run, "Print what would run; change nothing");
            app.add_flag("--out-of-order", options->out_of_order,
                         "Apply pending versions older than the newest applied one");
            app.add_flag("--keep-going", options->keep_going,
                         "Go on with the other targets after one fails");
            add_lock_timeout(app, options->lock_timeout, "Seconds to wait for another run migrating the same target");
          },
          [options](const Context& context) { return run_migrate(context, *options); }};
}

} // namespace dbctl::cli

// `dbctl repair` and `dbctl baseline`: the two commands that edit history by hand.
#include "commands.hpp"
#include "project.hpp"
#include "steps.hpp"

#include "dbctl/util/error.hpp"

#include <iostream>

#include <CLI/CLI.hpp>

namespace dbctl::cli {

namespace {

struct RepairOptions {
  int lock_timeout = 60;
};

struct BaselineOptions {
  std::string version;
  int lock_timeout = 60;
};

ExitCode run_repair(const Context& context, const RepairOptions& options) {
  std::unique_ptr<Project> project = load_project(context, Scan::with_migrations);
  engine::Registry registry = registry_for(context);
  for (const auto& target : project->selected) {
    auto session = registry.get(target.engine()).target(target);
    migration::RepairResult result = migration::repair(*session, target, files_of(*project, target),
                                                       std::chrono::seconds(options.lock_timeout));
    std::string done;
    if (result.failed_removed > 0) {
      done = "removed " + std::to_string(result.failed_removed) + " failed row" +
             (result.failed_removed == 1 ? "" : "s");
    }
    for (const auto& script : result.realigned) {
      done += (done.empty() ? "" : ", ") + std::string("accepted the checksum of ") + script;
    }
    std::cout << target.key() << ": " << (done.empty() ? "nothing to repair" : done) << "\n";
  }
  return ExitCode::ok;
}

ExitCode run_baseline(const Context& context, const BaselineOptions& options) {
  std::optional<migration::Version> version = migration::Version::parse(options.version);
  if (!version) {
    throw UsageError("--version " + options.version + " is not a version (digits separated by . or _)");
  }
  std::unique_ptr<Project> project = load_project(context, Scan::with_migrations);
  engine::Registry registry = registry_for(context);
  for (const auto& target : project->selected) {
    auto session = registry.get(target.engine()).target(target);
    migration::baseline(*session, target, *version, std::chrono::seconds(options.lock_timeout));
    std::cout << target.key() << ": baselined at version " << version->text() << "\n";
  }
  return ExitCode::ok;
}

} // namespace

Command repair_command() {
  auto options = std::make_shared<RepairOptions>();
  return {"repair", "Remove failed history rows and accept the current checksums of applied files",
          [options](CLI::App& app) {
            add_lock_timeout(app, options->lock_timeout, "Seconds to wait for the target's lock");
          },
          [options](const Context& context) { return run_repair(context, *options); }};
}

Command baseline_command() {
  auto options = std::make_shared<BaselineOptions>();
  return {"baseline", "Mark targets as migrated up to --version without running anything",
          [options](CLI::App& app) {
            app.add_option("--version", options->version, "The version the database already has")
                ->required();
            add_lock_timeout(app, options->lock_timeout, "Seconds to wait for the target's lock");
          },
          [options](const Context& context) { return run_baseline(context, *options); }};
}

} // namespace dbctl::cli

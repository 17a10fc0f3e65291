// `dbctl repair` and `dbctl baseline`: the two commands that edit history by hand.
#include "commands.hpp"
#include "project.hpp"
#include "steps.hpp"

#include "dbctl/migration/runner.hpp"
#include "dbctl/util/error.hpp"

#include <functional>
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace dbctl::cli {

namespace {

struct RepairOptions {
  int lock_timeout = 60;
};

struct BaselineOptions {
  std::string version;
  std::string from;
  std::string flyway_table = "flyway_schema_history";
  int lock_timeout = 60;
};

// What one target's history edit reports: JSON fields beside the target's, and its text line.
struct Edited {
  nlohmann::ordered_json fields;
  std::string text;
};

using Edit = std::function<Edited(const Project&, const targets::Target&, engine::TargetSession&)>;

// Edit each selected target's history in turn; print a line per target, or one JSON array.
ExitCode edit_each(const Context& context, const Edit& edit) {
  std::unique_ptr<Project> project = load_project(context, Scan::with_migrations);
  engine::Registry registry = registry_for(context);
  bool json = context.global.output == OutputFormat::json;
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& target : project->selected) {
    auto session = registry.get(target.engine()).target(target);
    Edited edited = edit(*project, target, *session);
    if (json) {
      out.push_back(target_json(target));
      out.back().update(edited.fields);
    } else {
      std::cout << target.key() << ": " << edited.text << "\n";
    }
  }
  if (json) {
    print_json(out);
  }
  return ExitCode::ok;
}

ExitCode run_repair(const Context& context, const RepairOptions& options) {
  return edit_each(context, [&](const Project& project, const targets::Target& target, engine::TargetSession& session) {
    migration::RepairResult result = migration::repair(session, target, files_of(project, target),
                                                       std::chrono::seconds(options.lock_timeout));
    std::string done;
    if (result.failed_removed > 0) {
      done = "removed " + std::to_string(result.failed_removed) + " failed row" +
             (result.failed_removed == 1 ? "" : "s");
    }
    for (const auto& script : result.realigned) {
      done += (done.empty() ? "" : ", ") + std::string("accepted the checksum of ") + script;
    }
    return Edited{{{"failed_removed", result.failed_removed}, {"realigned", result.realigned}},
                  done.empty() ? "nothing to repair" : done};
  });
}

// `baseline --from flyway`: take over each target's Flyway history.
ExitCode import_from_flyway(const Context& context, const BaselineOptions& options) {
  return edit_each(context, [&](const Project& project, const targets::Target& target, engine::TargetSession& session) {
    migration::FlywayImportResult result =
        migration::import_flyway(session, target, files_of(project, target), options.flyway_table,
                                 std::chrono::seconds(options.lock_timeout));
    for (const auto& script : result.rerun) {
      spdlog::warn("{}: {} changed since Flyway last ran it; migrate runs it again", target.key(), script);
    }
    std::string text = "imported " + std::to_string(result.imported) + " row" + (result.imported == 1 ? "" : "s") +
                       " from " + options.flyway_table +
                       (result.version ? " (at version " + *result.version + ")" : "");
    return Edited{{{"version", result.version ? nlohmann::ordered_json(*result.version) : nlohmann::ordered_json()},
                   {"imported", result.imported}},
                  text};
  });
}

ExitCode run_baseline(const Context& context, const BaselineOptions& options) {
  if (!options.from.empty()) {
    return import_from_flyway(context, options);
  }
  if (options.version.empty()) {
    throw UsageError("baseline needs --version V (or --from flyway)");
  }
  std::optional<migration::Version> version = migration::Version::parse(options.version);
  if (!version) {
    throw UsageError("--version " + options.version + " is not a version (digits separated by . or _)");
  }
  return edit_each(context, [&](const Project&, const targets::Target& target, engine::TargetSession& session) {
    migration::baseline(session, target, *version, std::chrono::seconds(options.lock_timeout));
    return Edited{{{"version", version->text()}}, "baselined at version " + version->text()};
  });
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
  return {"baseline", "Mark targets as migrated up to --version, or take over Flyway's history, without running anything",
          [options](CLI::App& app) {
            CLI::Option* version =
                app.add_option("--version", options->version, "The version the database already has");
            app.add_option("--from", options->from,
                           "Import the history another tool wrote instead: flyway (checksums "
                           "recomputed from the files)")
                ->check(CLI::IsMember({"flyway"}))
                ->excludes(version);
            app.add_option("--flyway-table", options->flyway_table,
                           "Flyway's history table in the target's schema (default flyway_schema_history)");
            add_lock_timeout(app, options->lock_timeout, "Seconds to wait for the target's lock");
          },
          [options](const Context& context) { return run_baseline(context, *options); }};
}

} // namespace dbctl::cli

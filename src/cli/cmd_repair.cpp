// `dbctl repair` and `dbctl baseline`: the two commands that edit history by hand.
#include "commands.hpp"
#include "project.hpp"

#include "dbctl/ops/migrate.hpp"
#include "dbctl/report/history.hpp"
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
  std::string from;
  std::string table; ///< the tool's table; empty: its default
  int lock_timeout = 60;
};

// Print each target's line as it is done (text), or the JSON array of them all at the end.
class Printer {
public:
  explicit Printer(const Context& context) : m_json(context.global.output == OutputFormat::json) {}

  void line(const targets::Target& target, const std::string& text) const {
    if (!m_json) {
      std::cout << target.key() << ": " << text << "\n";
    }
  }

  ExitCode end(const report::HistoryEdits& edits) const {
    if (m_json) {
      std::cout << edits.json();
    }
    return ExitCode::ok;
  }

private:
  bool m_json;
};

ExitCode run_repair(const Context& context, const RepairOptions& options) {
  std::unique_ptr<Project> project = load_project(context, Scan::with_migrations);
  Printer printer(context);
  report::HistoryEdits edits;
  ops::repair_targets(*project, registry_for(context), std::chrono::seconds(options.lock_timeout),
                      [&](const targets::Target& target, const migration::RepairResult& result) {
                        printer.line(target, edits.repaired(target, result));
                      });
  return printer.end(edits);
}

ExitCode run_baseline(const Context& context, const BaselineOptions& options) {
  if (options.from.empty() && options.version.empty()) {
    throw UsageError("baseline needs --version V (or --from flyway|golang-migrate|dbmate|goose|alembic)");
  }
  std::optional<migration::Version> version;
  if (options.from.empty()) {
    version = migration::Version::parse(options.version);
    if (!version) {
      throw UsageError("--version " + options.version + " is not a version (digits separated by . or _)");
    }
  }
  std::unique_ptr<Project> project = load_project(context, Scan::with_migrations);
  engine::Registry registry = registry_for(context);
  auto lock_timeout = std::chrono::seconds(options.lock_timeout);
  Printer printer(context);
  report::HistoryEdits edits;
  if (version) {
    ops::baseline_targets(*project, registry, *version, lock_timeout, [&](const targets::Target& target) {
      printer.line(target, edits.baselined(target, *version));
    });
  } else if (options.from == "flyway") { // take over each target's Flyway history
    std::string table = options.table.empty() ? "flyway_schema_history" : options.table;
    ops::import_flyway_targets(*project, registry, table, lock_timeout,
                               [&](const targets::Target& target, const migration::FlywayImportResult& result) {
                                 printer.line(target, edits.imported(target, result, table));
                               });
  } else if (options.from == "alembic") { // the revision in alembic_version, checked against the scripts
    ops::import_alembic_targets(*project, registry, lock_timeout, context.interrupt,
                                [&](const targets::Target& target, const migration::AlembicImport& result) {
                                  migration::FlywayImportResult imported;
                                  imported.imported = 1;
                                  for (const auto& revision : result.revisions) {
                                    imported.version = (imported.version ? *imported.version + ", " : "") + revision;
                                  }
                                  printer.line(target, edits.imported(target, imported, "alembic_version"));
                                });
  } else { // golang-migrate, dbmate, goose
    migration::Tool tool = *migration::tool_of(options.from);
    std::string table = options.table.empty() ? migration::tool_table(tool).table : options.table;
    ops::import_tool_targets(*project, registry, tool, table, lock_timeout,
                             [&](const targets::Target& target, const migration::FlywayImportResult& result) {
                               printer.line(target, edits.imported(target, result, table));
                             });
  }
  return printer.end(edits);
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
  return {"baseline",
          "Mark targets as migrated up to --version, or take over Flyway's, golang-migrate's, dbmate's, goose's or "
          "Alembic's history, without running anything",
          [options](CLI::App& app) {
            CLI::Option* version =
                app.add_option("--version", options->version, "The version the database already has");
            app.add_option("--from", options->from,
                           "Import the history another tool wrote instead: flyway, golang-migrate, dbmate or goose "
                           "(checksums computed from the files), or alembic (format: command services: the "
                           "revision in alembic_version, checked with `alembic history`)")
                ->check(CLI::IsMember({"flyway", "golang-migrate", "dbmate", "goose", "alembic"}))
                ->excludes(version);
            app.add_option("--table,--flyway-table", options->table,
                           "That tool's history table in the target's schema (default flyway_schema_history, "
                           "schema_migrations for golang-migrate and dbmate, goose_db_version)");
            add_lock_timeout(app, options->lock_timeout, "Seconds to wait for the target's lock");
          },
          [options](const Context& context) { return run_baseline(context, *options); }};
}

} // namespace dbctl::cli

// `dbctl lint [FILE...]`: check migration SQL offline for changes that lock, rewrite, break the
// running service or fail.
#include "commands.hpp"
#include "project.hpp"

#include "dbctl/ops/lint.hpp"
#include "dbctl/report/lint.hpp"
#include "dbctl/util/error.hpp"

#include <iostream>
#include <memory>
#include <optional>

#include <CLI/CLI.hpp>

namespace dbctl::cli {

namespace {

struct LintOptions {
  std::vector<std::string> files;
  std::string engine;
  std::string server_version;
};

// The PostgreSQL major version of --server-version ("10", "9.6", "15.4").
std::optional<int> postgres_major(const std::string& text) {
  if (text.empty()) {
    return std::nullopt;
  }
  std::string major = text.substr(0, text.find('.'));
  if (major.empty() || major.size() > 3 || major.find_first_not_of("0123456789") != std::string::npos) {
    throw UsageError("--server-version " + text + " is not a version such as 10, 9.6 or 15.4");
  }
  return std::stoi(major);
}

// The files given on the command line, each checked to be one of the linted migrations.
report::LintFilter filter_of(const std::vector<std::string>& files, const ops::LintReport& report) {
  if (files.empty()) {
    return {}; // every file: no path is resolved
  }
  report::LintFilter linted;
  std::error_code ec;
  for (const auto& folder : report.folders) {
    for (const auto* file : folder.files) {
      linted.insert(std::filesystem::weakly_canonical(file->path, ec).string());
    }
  }
  report::LintFilter only;
  for (const auto& file : files) {
    std::string path = std::filesystem::weakly_canonical(file, ec).string();
    if (linted.count(path) == 0) {
      throw UsageError(file + " is not a migration file of the selected services (V<version>__<name>.sql or "
                              "R__<name>.sql in a service's migrations folder)");
    }
    only.insert(path);
  }
  return only;
}

ExitCode run_lint(const Context& context, const LintOptions& options) {
  const GlobalOptions& global = context.global;
  bool dir_mode = !global.dir.empty() && !global.file_given;
  std::unique_ptr<Project> project;
  ops::LintReport folder_report;
  migration::MigrationSet folder_files; // what folder_report points into
  const ops::LintReport* report = nullptr;
  if (dir_mode && !options.engine.empty()) {
    lint::Settings settings;
    settings.engine = options.engine == "postgres" ? topology::Engine::postgres : topology::Engine::mysql;
    settings.postgres_major = postgres_major(options.server_version);
    util::Diagnostics diagnostics;
    ops::Source source = source_of(context);
    folder_report = ops::lint_folder(global.dir, source.format.value_or(migration::Format::flyway), settings,
                                     folder_files, diagnostics);
    if (diagnostics.has_errors()) {
      throw ConfigError(diagnostics.errors());
    }
    report = &folder_report;
  } else if (dir_mode && global.url.empty()) {
    throw UsageError("lint --dir needs --engine postgres|mysql (or --url, whose scheme names it)");
  } else {
    if (!dir_mode && !options.engine.empty()) {
      throw UsageError("--engine and --server-version serve lint --dir; with a topology each service's server "
                       "names the engine and its manifest the oldest version");
    }
    if (!options.server_version.empty()) {
      throw UsageError("--server-version goes with --dir and --engine");
    }
    project = load_project(context, Scan::with_migrations, ops::LintFiles::yes);
    report = &project->lint;
  }
  report::LintFilter only = filter_of(options.files, *report);
  bool json = global.output == OutputFormat::json;
  std::cout << (json ? report::lint_json(*report, only) : report::lint_text(*report, only));
  report::LintTotals totals = report::lint_totals(*report, only);
  if (totals.problems > 0) {
    return ExitCode::invalid;
  }
  return totals.errors > 0 ? ExitCode::check : ExitCode::ok;
}

} // namespace

Command lint_command() {
  auto options = std::make_shared<LintOptions>();
  return {"lint",
          "Check migration SQL offline for changes that lock or rewrite tables, break the running service or fail "
          "(exit 3 on error-level findings)",
          [options](CLI::App& app) {
            app.add_option("files", options->files, "Only report these migration files (all are read for context)");
            app.add_option("--engine", options->engine, "With --dir: the SQL's engine")
                ->check(CLI::IsMember({"postgres", "mysql", "mariadb"}));
            app.add_option("--server-version", options->server_version,
                           "With --dir: the oldest PostgreSQL version the SQL runs on (e.g. 10)");
          },
          [options](const Context& context) { return run_lint(context, *options); }};
}

} // namespace dbctl::cli

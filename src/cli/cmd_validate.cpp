// `dbctl validate`: the offline check of topology, names, env and migration folders.
#include "commands.hpp"
#include "project.hpp"

#include "dbctl/report/validation.hpp"
#include "dbctl/util/error.hpp"

#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

namespace dbctl::cli {

namespace {

struct ValidateOptions {
  bool no_lint = false;
};

report::ValidationSummary summarize(const Context& context, const Project* project,
                                    const util::Diagnostics& diagnostics) {
  report::ValidationSummary summary;
  summary.file = context.global.file;
  summary.errors = diagnostics.errors();
  summary.warnings = diagnostics.warnings();
  if (project == nullptr) {
    return summary;
  }
  const topology::Topology& topology = project->topology;
  summary.mode = topology.mode ? std::string(topology::to_string(topology.mode->value)) : "";
  summary.services = topology.services.size();
  summary.servers = topology.servers.size();
  summary.targets = project->selected().size();
  summary.redis_namespaces = project->selected_stores.size();
  for (const auto& [folder, set] : project->migrations) {
    summary.migrations += set.versioned.size() + set.repeatable.size();
  }
  summary.lint_warnings = project->lint.count(lint::Level::warning);
  return summary;
}

// Lint's problems and error-level findings are validation errors (exit 2); warnings are counted.
void add_lint_errors(const Project& project, util::Diagnostics& diagnostics) {
  for (const auto& problem : project.lint.problems()) {
    diagnostics.error(problem.where, problem.message);
  }
  for (const auto& folder : project.lint.folders) {
    for (const auto& result : folder.results) {
      for (const auto& finding : result.findings) {
        if (finding.level == lint::Level::error) {
          diagnostics.error(finding.where, "lint " + finding.rule + ": " + finding.message + " (fix: " + finding.fix + ")");
        }
      }
    }
  }
}

ExitCode run_validate(const Context& context, const ValidateOptions& options) {
  require_topology(context, "validate");
  ops::LintFiles lint = options.no_lint ? ops::LintFiles::no : ops::LintFiles::yes;
  if (context.global.output == OutputFormat::text) {
    std::unique_ptr<Project> project = load_project(context, Scan::with_migrations, lint);
    util::Diagnostics found;
    add_lint_errors(*project, found);
    if (found.has_errors()) {
      throw ConfigError(found.errors());
    }
    std::cout << report::validation_text(summarize(context, project.get(), found));
    return ExitCode::ok;
  }
  // JSON: every problem goes to stdout as data, so the checks run without throwing.
  util::Diagnostics diagnostics;
  std::unique_ptr<Project> project;
  try {
    project = ops::check_project(source_of(context), Scan::with_migrations, diagnostics, lint);
    if (project) {
      context.logging->add_secrets(ops::secrets_of(*project));
      add_lint_errors(*project, diagnostics);
    }
  } catch (const UsageError& e) {
    diagnostics.error({}, e.what());
  }
  report::ValidationSummary summary = summarize(context, project.get(), diagnostics);
  std::cout << context.logging->redact(report::validation_json(summary));
  return summary.errors.empty() ? ExitCode::ok : ExitCode::invalid;
}

} // namespace

Command validate_command() {
  auto options = std::make_shared<ValidateOptions>();
  return {"validate",
          "Check the topology, names, variables and migration folders offline (no server "
          "contacted), and lint the migrations (error-level findings are errors)",
          [options](CLI::App& app) {
            app.add_flag("--no-lint", options->no_lint, "Do not lint the migration files");
          },
          [options](const Context& context) { return run_validate(context, *options); }};
}

} // namespace dbctl::cli

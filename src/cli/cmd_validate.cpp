// `dbctl validate`: the offline check of topology, names, env and migration folders.
#include "commands.hpp"
#include "project.hpp"

#include "dbctl/report/validation.hpp"
#include "dbctl/util/error.hpp"

#include <iostream>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

namespace dbctl::cli {

namespace {

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
  summary.targets = project->selected.size();
  for (const auto& [folder, set] : project->migrations) {
    summary.migrations += set.versioned.size() + set.repeatable.size();
  }
  return summary;
}

ExitCode run_validate(const Context& context) {
  require_topology(context, "validate");
  if (context.global.output == OutputFormat::text) {
    std::unique_ptr<Project> project = load_project(context, Scan::with_migrations);
    util::Diagnostics none;
    std::cout << report::validation_text(summarize(context, project.get(), none));
    return ExitCode::ok;
  }
  // JSON: every problem goes to stdout as data, so the checks run without throwing.
  util::Diagnostics diagnostics;
  std::unique_ptr<Project> project;
  try {
    project = ops::check_project(source_of(context), Scan::with_migrations, diagnostics);
    if (project) {
      context.logging->add_secrets(ops::secrets_of(*project));
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
  return {"validate",
          "Check the topology, names, variables and migration folders offline (no server "
          "contacted)",
          [](CLI::App&) {}, run_validate};
}

} // namespace dbctl::cli

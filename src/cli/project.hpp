#pragma once
// Loading the project the global options name, with its secrets registered for redaction.
#include "context.hpp"

#include "dbctl/ops/project.hpp"
#include "dbctl/report/status.hpp"

#include <memory>
#include <string>

namespace dbctl::cli {

using ops::Project;
using ops::Scan;

/// Return where the global options say the project comes from, and the selection.
ops::Source source_of(const Context& context);

/// Load and check the project (ops::check_project), register its secrets with logging and log
/// its warnings. Throws ConfigError listing every problem, or UsageError for a bad selection;
/// nothing is contacted.
std::unique_ptr<Project> load_project(const Context& context, Scan scan, ops::LintFiles lint = ops::LintFiles::no);

/// Inspect the selected Redis namespaces (ops::inspect_stores; none: nothing contacted) and
/// return their status rows; set `failed` when one could not be read.
std::vector<report::StatusRow> redis_rows(const Context& context, const Project& project, bool& failed);

/// Throw UsageError when --url/--dir were given to a command that needs a topology.
void require_topology(const Context& context, const std::string& command);

} // namespace dbctl::cli

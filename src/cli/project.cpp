#include "project.hpp"

#include "dbctl/topology/load.hpp"
#include "dbctl/topology/validate.hpp"
#include "dbctl/util/error.hpp"

#include <spdlog/spdlog.h>

namespace dbctl::cli {

namespace {

void scan_migrations(Project& project, util::Diagnostics& diagnostics) {
  for (const auto& target : project.selected) {
    if (!target.migrations || project.migrations.count(*target.migrations) != 0) {
      continue;
    }
    const topology::Service* service = project.topology.find_service(target.service);
    util::Location where = service != nullptr && service->migrations ? service->migrations->where
                                                                     : util::Location{};
    project.migrations.emplace(*target.migrations,
                               migration::scan(*target.migrations, where, diagnostics));
  }
}

} // namespace

void require_topology(const Context& context, const std::string& command) {
  if (!context.global.url.empty() || (!context.global.dir.empty() && !context.global.file_given)) {
    throw UsageError(command + " needs a topology file (-f); --url and --dir serve migrate, "
                               "status, repair, baseline and new");
  }
}

std::unique_ptr<Project> check_project(const Context& context, Scan scan,
                                       util::Diagnostics& diagnostics) {
  topology::LoadResult loaded = topology::load(context.global.file, util::process_environment());
  diagnostics.merge(loaded.diagnostics);
  if (!loaded.topology) {
    return nullptr;
  }
  auto project = std::make_unique<Project>();
  project->topology = std::move(*loaded.topology);
  if (context.logging != nullptr) {
    context.logging->add_secrets(project->topology.secrets);
  }
  topology::validate(project->topology, diagnostics);
  targets::Expansion expansion = targets::expand(project->topology);
  diagnostics.merge(expansion.diagnostics);
  project->all = std::move(expansion.targets);
  if (context.logging != nullptr) {
    for (const auto& target : project->all) {
      std::vector<const targets::Role*> roles{&target.owner};
      if (target.app) {
        roles.push_back(&*target.app);
      }
      for (const auto& grant : target.grants) {
        roles.push_back(&grant.role);
      }
      for (const auto* role : roles) {
        if (role->password) {
          context.logging->add_secrets({*role->password});
        }
      }
    }
  }
  if (diagnostics.has_errors()) {
    // Selection of a broken topology would only add noise; scan every folder for the report.
    project->selected = project->all;
  } else {
    targets::Selection selection{context.global.services, context.global.tenants,
                                 context.global.servers};
    project->selected = targets::select(project->all, selection, project->topology);
  }
  if (scan == Scan::with_migrations) {
    scan_migrations(*project, diagnostics);
  }
  project->warnings = diagnostics.warnings();
  return project;
}

std::unique_ptr<Project> load_project(const Context& context, Scan scan) {
  util::Diagnostics diagnostics;
  std::unique_ptr<Project> project = check_project(context, scan, diagnostics);
  for (const auto& warning : diagnostics.warnings()) {
    spdlog::warn("{}", util::to_string(util::Diagnostic{warning.where, warning.message,
                                                        util::Severity::error}));
  }
  if (diagnostics.has_errors()) {
    throw ConfigError(diagnostics.errors());
  }
  return project;
}

} // namespace dbctl::cli

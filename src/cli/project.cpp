#include "project.hpp"

#include "dbctl/ops/provision.hpp"

#include "dbctl/util/error.hpp"

#include <map>

#include <spdlog/spdlog.h>

namespace dbctl::cli {

ops::Source source_of(const Context& context) {
  ops::Source source;
  source.file = context.global.file;
  source.file_given = context.global.file_given;
  source.url = context.global.url;
  source.dir = context.global.dir;
  const std::map<std::string, topology::MigrationFormat> formats{
      {"flyway", topology::MigrationFormat::flyway},   {"golang-migrate", topology::MigrationFormat::golang_migrate},
      {"dbmate", topology::MigrationFormat::dbmate},   {"goose", topology::MigrationFormat::goose},
      {"auto", topology::MigrationFormat::automatic}};
  if (auto found = formats.find(context.global.format); found != formats.end()) {
    source.format = found->second;
  }
  source.selection = {context.global.services, context.global.tenants, context.global.servers};
  return source;
}

void require_topology(const Context& context, const std::string& command) {
  if (!context.global.url.empty() || (!context.global.dir.empty() && !context.global.file_given)) {
    throw UsageError(command + " needs a topology file (-f); --url and --dir serve migrate, "
                               "status, repair, baseline and new");
  }
}

std::unique_ptr<Project> load_project(const Context& context, Scan scan, ops::LintFiles lint) {
  util::Diagnostics diagnostics;
  std::unique_ptr<Project> project = ops::check_project(source_of(context), scan, diagnostics, lint);
  if (project && context.logging != nullptr) {
    context.logging->add_secrets(ops::secrets_of(*project));
  }
  for (const auto& warning : diagnostics.warnings()) {
    spdlog::warn("{}", util::to_string(util::Diagnostic{warning.where, warning.message,
                                                        util::Severity::error}));
  }
  if (diagnostics.has_errors()) {
    throw ConfigError(diagnostics.errors());
  }
  return project;
}

std::vector<report::StatusRow> redis_rows(const Context& context, const Project& project, bool& failed) {
  if (project.selected_stores.empty()) {
    return {};
  }
  std::vector<ops::StoreStatus> stores = ops::inspect_stores(project, registry_for(context));
  for (const auto& store : stores) {
    failed = failed || !store.state;
  }
  return report::store_rows(project.selected_stores, stores);
}

} // namespace dbctl::cli

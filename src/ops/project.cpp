#include "dbctl/ops/project.hpp"

#include "dbctl/ops/rollout.hpp"

#include "dbctl/topology/load.hpp"
#include "dbctl/topology/validate.hpp"
#include "dbctl/migration/command.hpp"
#include "dbctl/util/error.hpp"
#include "dbctl/util/process.hpp"
#include "dbctl/util/text.hpp"

#include <set>

namespace dbctl::ops {

namespace {

// The folders to lint: each folder once per engine its selected targets are on.
void plan_lint(Project& project) {
  std::set<std::pair<std::filesystem::path, topology::Engine>> seen;
  for (const auto& target : project.selected()) {
    if (!target.migrations || !seen.insert({*target.migrations, target.engine()}).second) {
      continue;
    }
    auto found = project.migrations.find(*target.migrations);
    if (found != project.migrations.end()) {
      const topology::Service* service = project.topology.find_service(target.service);
      add_lint_folder(project.lint, found->first, target.service, found->second,
                      lint_settings(project.topology, service, target.engine()));
    }
  }
}

// Read (and lint) every file, then settle the lint.
std::vector<util::Diagnostic> read_all(Project& project, const std::vector<migration::MigrationSet*>& sets,
                                       const migration::FileVisitor& visit) {
  std::vector<util::Diagnostic> problems = migration::read_files(sets, visit);
  if (visit) {
    finish_lint(project.lint);
  }
  return problems;
}

// format: command: the folder and every program a service names must be there, and the owner
// must be able to log in (its program connects as the owner); each service's run is its one entry.
void check_commands(Project& project, util::Diagnostics& diagnostics) {
  for (const auto& target : project.selected()) {
    const topology::Service* service = project.topology.find_service(target.service);
    if (target.command == nullptr || service == nullptr || project.commands.count(target.service) != 0) {
      continue;
    }
    const topology::CommandRunner& command = *target.command;
    std::string path = "services." + target.service + ".";
    project.commands.emplace(target.service, migration::command_set(target));
    if (!target.owner.password) {
      diagnostics.error(service->owner.where, path + "owner: format: command runs its program as the owner " +
                                                  target.owner.name + ", which has no password; give owner.password "
                                                  "or passwords.derive_from");
    }
    util::Location where = command.cwd ? command.cwd->where : service->path ? service->path->where : service->where;
    std::error_code ec;
    if (target.command_cwd.empty() || !std::filesystem::is_directory(target.command_cwd, ec)) {
      diagnostics.error(where, path + "cwd: " + (target.command_cwd.empty() ? std::string("no folder to run in (give cwd:)")
                                                                            : target.command_cwd.string() +
                                                                                  " is not a folder"));
      continue;
    }
    std::vector<std::pair<const char*, topology::Located<std::vector<std::string>>>> programs;
    if (command.run) {
      programs.emplace_back("run", *command.run);
    }
    if (command.current) {
      programs.emplace_back("current", *command.current);
    } else if (command.alembic) {
      programs.emplace_back("current", topology::Located<std::vector<std::string>>{{"alembic"}, command.current_where});
    }
    if (command.heads) {
      programs.emplace_back("heads", *command.heads);
    }
    for (const auto& [key, argv] : programs) {
      const std::string& program = argv.value.front();
      if (!util::find_program(program, target.command_cwd)) {
        bool alembic = command.alembic && std::string(key) == "current";
        diagnostics.error(argv.where, path + key + ": " + util::missing_program(program, target.command_cwd) +
                                          (alembic ? " (current: alembic runs `alembic heads`; Debian: apt-get "
                                                     "install alembic)"
                                                   : ""));
      }
    }
  }
}

// List every selected target's migration folder, then read the files now or in the background.
void scan_migrations(Project& project, Scan scan, LintFiles lint, util::Diagnostics& diagnostics) {
  check_commands(project, diagnostics);
  for (const auto& target : project.selected()) {
    if (!target.migrations || target.command != nullptr || project.migrations.count(*target.migrations) != 0) {
      continue;
    }
    const topology::Service* service = project.topology.find_service(target.service);
    util::Location where = service != nullptr && service->migrations ? service->migrations->where
                                                                     : util::Location{};
    migration::Format format = service != nullptr && service->format ? service->format->value
                                                                     : migration::Format::flyway;
    project.migrations.emplace(*target.migrations,
                               migration::list(*target.migrations, where, diagnostics, format));
  }
  std::vector<migration::MigrationSet*> sets;
  for (auto& [folder, set] : project.migrations) {
    sets.push_back(&set);
  }
  migration::FileVisitor visit;
  if (lint == LintFiles::yes) {
    plan_lint(project);
    visit = lint_visitor(project.lint);
  }
  if (scan == Scan::read_ahead && !diagnostics.has_errors()) {
    // The map's nodes and the lint report stay put, and nothing else touches them, until the
    // read is awaited; the project is not moved (it lives behind a unique_ptr).
    Project* reading = &project;
    project.reading = std::async(std::launch::async, [reading, sets, visit] {
                        return read_all(*reading, sets, visit);
                      }).share();
    return;
  }
  for (const auto& problem : read_all(project, sets, visit)) {
    diagnostics.error(problem.where, problem.message); // every problem at once
  }
}

// An unknown rule in `lint:` is an error at its line, with the closest rule suggested.
void check_lint_rules(const topology::Topology& topology, util::Diagnostics& diagnostics) {
  for (const auto& entry : topology.lint) {
    if (lint::find_rule(entry.rule.value) == nullptr) {
      std::string message = "lint: no rule '" + util::printable(entry.rule.value) + "'";
      if (auto suggestion = util::closest(entry.rule.value, lint::rule_ids())) {
        message += " (did you mean '" + *suggestion + "'?)";
      }
      diagnostics.error(entry.rule.where, message);
    }
  }
}

} // namespace

std::vector<util::Secret> secrets_of(const Project& project) {
  std::vector<util::Secret> secrets = project.topology.secrets;
  for (const auto& target : project.all) {
    std::vector<const targets::Role*> roles{&target.owner};
    if (target.app) {
      roles.push_back(&*target.app);
    }
    for (const auto& grant : target.grants) {
      roles.push_back(&grant.role);
    }
    for (const auto* role : roles) {
      if (role->password) {
        secrets.push_back(*role->password);
      }
    }
  }
  for (const auto& store : project.stores) {
    if (store.owner.password) {
      secrets.push_back(*store.owner.password);
    }
  }
  return secrets;
}

const migration::MigrationSet& files_of(const Project& project, const targets::Target& target) {
  await_files(project);
  static const migration::MigrationSet k_none;
  if (target.command != nullptr) {
    auto found = project.commands.find(target.service);
    return found == project.commands.end() ? k_none : found->second;
  }
  if (!target.migrations) {
    return k_none;
  }
  auto found = project.migrations.find(*target.migrations);
  return found == project.migrations.end() ? k_none : found->second;
}

std::filesystem::path migrations_folder(const Project& project, const std::string& name) {
  const topology::Service* service = project.topology.find_service(name);
  if (service == nullptr) {
    std::vector<std::string> names;
    for (const auto& known : project.topology.services) {
      names.push_back(known.name);
    }
    std::string message = "the topology has no service '" + util::printable(name) + "'";
    if (auto suggestion = util::closest(name, names)) {
      message += " (did you mean '" + *suggestion + "'?)";
    }
    throw UsageError(message);
  }
  if (service->runs_command()) {
    throw UsageError("service '" + name + "' is format: command: its own tool writes its migrations (e.g. alembic "
                     "revision -m ...)");
  }
  if (!service->migrations) {
    throw UsageError("service '" + name + "' has migrations: none");
  }
  return service->migrations->value;
}

void await_files(const Project& project) {
  if (project.reading.valid() && !project.reading.get().empty()) {
    throw ConfigError(project.reading.get());
  }
}

std::unique_ptr<Project> check_project(const Source& source, Scan scan, util::Diagnostics& diagnostics,
                                       LintFiles lint) {
  std::optional<std::string> service;
  if (source.selection.services.size() == 1) {
    service = source.selection.services.front(); // names the URL's one service
  }
  if (source.format && !source.from_url()) {
    throw UsageError("--format serves --url/--dir without a topology; in a topology set services.<name>.format");
  }
  topology::LoadResult loaded = source.from_url() ? topology::load_url(source.url, source.dir, service)
                                                  : topology::load(source.file, util::process_environment());
  diagnostics.merge(loaded.diagnostics);
  if (!loaded.topology) {
    return nullptr;
  }
  auto project = std::make_unique<Project>();
  project->topology = std::move(*loaded.topology);
  if (source.from_url() && source.format) {
    for (auto& each : project->topology.services) {
      each.format = topology::Located<topology::MigrationFormat>{*source.format, {"--format", 0, 0}};
    }
  }
  topology::validate(project->topology, diagnostics);
  if (const auto& waves = project->topology.rollout.waves) {
    std::string problem;
    if (!parse_waves(waves->value, problem)) {
      diagnostics.error(waves->where, "rollout.waves: " + problem);
    }
  }
  check_lint_rules(project->topology, diagnostics);
  targets::Expansion expansion = targets::expand(project->topology);
  diagnostics.merge(expansion.diagnostics);
  project->all = std::move(expansion.targets);
  project->stores = std::move(expansion.stores);
  if (diagnostics.has_errors()) {
    // Selection of a broken topology would only add noise; scan every folder for the report.
    project->selected_stores = project->stores;
  } else {
    std::vector<targets::Target> chosen = targets::select(project->all, source.selection, project->topology);
    if (chosen.size() != project->all.size()) {
      project->narrowed = std::move(chosen);
    }
    project->selected_stores = targets::select(project->stores, source.selection, project->topology);
  }
  if (scan != Scan::topology_only) {
    scan_migrations(*project, scan, lint, diagnostics);
  }
  project->warnings = diagnostics.warnings();
  return project;
}

} // namespace dbctl::ops

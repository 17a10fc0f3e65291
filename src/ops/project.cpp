#include "dbctl/ops/project.hpp"

#include "dbctl/topology/load.hpp"
#include "dbctl/topology/validate.hpp"
#include "dbctl/util/error.hpp"
#include "dbctl/util/url.hpp"

namespace dbctl::ops {

namespace {

// List every selected target's migration folder, then read the files now or in the background.
void scan_migrations(Project& project, Scan scan, util::Diagnostics& diagnostics) {
  for (const auto& target : project.selected) {
    if (!target.migrations || project.migrations.count(*target.migrations) != 0) {
      continue;
    }
    const topology::Service* service = project.topology.find_service(target.service);
    util::Location where = service != nullptr && service->migrations ? service->migrations->where
                                                                     : util::Location{};
    project.migrations.emplace(*target.migrations,
                               migration::list(*target.migrations, where, diagnostics));
  }
  std::vector<migration::MigrationSet*> sets;
  for (auto& [folder, set] : project.migrations) {
    sets.push_back(&set);
  }
  if (scan == Scan::read_ahead && !diagnostics.has_errors()) {
    // The map's nodes stay put and nothing else touches them until the read is awaited.
    project.reading = std::async(std::launch::async, [sets] { return migration::read_files(sets); }).share();
    return;
  }
  for (const auto& problem : migration::read_files(sets)) {
    diagnostics.error(problem.where, problem.message); // every problem at once
  }
}

// `-csearch_path=acme` (or `-c search_path=acme`) in a libpq options parameter.
std::optional<std::string> search_path_of(const std::vector<std::pair<std::string, std::string>>& query) {
  for (const auto& [key, value] : query) {
    std::size_t at = key == "options" ? value.find("search_path=") : std::string::npos;
    if (at != std::string::npos) {
      std::string path = value.substr(at + 12);
      return path.substr(0, path.find_first_of(", "));
    }
  }
  return std::nullopt;
}

// With --url (or DATABASE_URL) and no topology: one target, acting as the URL's user.
std::unique_ptr<Project> url_project(const Source& source, Scan scan, util::Diagnostics& diagnostics) {
  util::ParsedUrl parsed = util::parse_url(source.url);
  auto fail = [](const std::string& why) { throw ConfigError("--url (or DATABASE_URL) " + why); };
  if (!parsed.url) {
    fail("is not a valid database URL: " + parsed.error);
  }
  const util::Url& url = *parsed.url;
  auto project = std::make_unique<Project>();
  topology::Topology& topology = project->topology;
  topology.file = "--url";
  topology.dir = ".";
  topology::Server server;
  server.name = "db";
  std::optional<topology::Engine> engine = topology::engine_of_scheme(url.scheme);
  if (!engine) {
    fail("has scheme '" + url.scheme + "'; expected postgres://, postgresql://, mysql:// or mariadb://");
  }
  server.engine = topology::Located<topology::Engine>{*engine, {}};
  if (url.path.empty() || url.user.empty()) {
    fail("must name a user and a database: scheme://user:password@host:port/database");
  }
  bool postgres = server.engine->value == topology::Engine::postgres;
  server.host = url.host.empty() ? "127.0.0.1" : url.host;
  server.port = url.port.value_or(postgres ? 5432 : 3306);
  server.admin_database = url.path;
  server.options = url.query; // no admin user: dbctl acts as the URL's user, the owner
  std::string service_name = source.selection.services.size() == 1 ? source.selection.services[0] : url.path;
  server.application_name = "dbctl:" + service_name;
  topology.servers.push_back(server);
  if (url.password) {
    topology.secrets.emplace_back(*url.password);
  }
  targets::Target target;
  target.service = service_name;
  target.server = &topology.servers.front();
  target.database = url.path;
  if (postgres) {
    target.schema = search_path_of(url.query).value_or("public");
  }
  target.owner = {url.user, url.password ? std::optional(util::Secret(*url.password)) : std::nullopt};
  target.migrations = std::filesystem::path(source.dir.empty() ? "migrations" : source.dir);
  topology::Service service;
  service.name = target.service;
  service.migrations = topology::Located<std::filesystem::path>{*target.migrations, {"--dir", 0, 0}};
  topology.services.push_back(service);
  project->all = {target};
  project->selected = project->all;
  if (scan != Scan::topology_only) {
    scan_migrations(*project, scan, diagnostics);
  }
  return project;
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
  return secrets;
}

const migration::MigrationSet& files_of(const Project& project, const targets::Target& target) {
  await_files(project);
  static const migration::MigrationSet k_none;
  if (!target.migrations) {
    return k_none;
  }
  auto found = project.migrations.find(*target.migrations);
  return found == project.migrations.end() ? k_none : found->second;
}

void await_files(const Project& project) {
  if (project.reading.valid() && !project.reading.get().empty()) {
    throw ConfigError(project.reading.get());
  }
}

std::unique_ptr<Project> check_project(const Source& source, Scan scan, util::Diagnostics& diagnostics) {
  if (source.from_url()) {
    return url_project(source, scan, diagnostics);
  }
  topology::LoadResult loaded = topology::load(source.file, util::process_environment());
  diagnostics.merge(loaded.diagnostics);
  if (!loaded.topology) {
    return nullptr;
  }
  auto project = std::make_unique<Project>();
  project->topology = std::move(*loaded.topology);
  topology::validate(project->topology, diagnostics);
  targets::Expansion expansion = targets::expand(project->topology);
  diagnostics.merge(expansion.diagnostics);
  project->all = std::move(expansion.targets);
  if (diagnostics.has_errors()) {
    // Selection of a broken topology would only add noise; scan every folder for the report.
    project->selected = project->all;
  } else {
    project->selected = targets::select(project->all, source.selection, project->topology);
  }
  if (scan != Scan::topology_only) {
    scan_migrations(*project, scan, diagnostics);
  }
  project->warnings = diagnostics.warnings();
  return project;
}

} // namespace dbctl::ops

#include "dbctl/ops/new_service.hpp"

#include "dbctl/targets/expand.hpp"
#include "dbctl/topology/edit.hpp"
#include "dbctl/topology/load.hpp"
#include "dbctl/topology/validate.hpp"
#include "dbctl/util/error.hpp"
#include "dbctl/util/file.hpp"
#include "dbctl/util/interpolate.hpp"
#include "dbctl/util/text.hpp"

#include <fstream>
#include <set>

namespace dbctl::ops {

namespace {

// The engines a new service supports: those given, else its server's, else every server's.
std::vector<topology::Engine> engines_for(const topology::Topology& topology,
                                          const NewService& options) {
  std::set<topology::Engine> out;
  for (const auto& word : options.engines) {
    auto engine = topology::engine_of_scheme(word);
    if (!engine) {
      throw UsageError("--engine " + util::printable(word) + ": expected postgres or mysql");
    }
    out.insert(*engine);
  }
  if (out.empty()) {
    for (const auto& server : topology.servers) {
      if (server.engine && (options.server.empty() || server.name == options.server)) {
        out.insert(server.engine->value);
      }
    }
  }
  return {out.begin(), out.end()};
}

void check_placement(const topology::Topology& topology, const NewService& options) {
  if (!util::is_identifier(options.name)) {
    throw UsageError("service name '" + util::printable(options.name) +
                     "' is not valid: use letters, digits and _, starting with a letter or _");
  }
  if (topology.find_service(options.name) != nullptr) {
    throw UsageError("the topology already has a service '" + options.name + "'");
  }
  if (!options.server.empty() && topology.find_server(options.server) == nullptr) {
    throw UsageError("--server " + util::printable(options.server) + ": the topology has no such server");
  }
  bool placed = !options.server.empty() || topology.servers.size() == 1 ||
                (topology.mode && topology.mode->value == topology::Mode::shared && topology.shared_server);
  if (!placed) {
    throw UsageError("the topology has several servers: say which one holds '" + options.name +
                     "' with --server");
  }
}

// Write a new file; never replaces one.
void write_new(const std::filesystem::path& file, const std::string& text) {
  if (std::filesystem::exists(file)) {
    throw UsageError(file.string() + " exists already; dbctl does not overwrite it");
  }
  std::ofstream out(file, std::ios::binary);
  out << text;
  out.close();
  if (!out) {
    throw Error("cannot write " + file.string());
  }
}

// Replace a file's text through a temporary file beside it, keeping its permissions.
void replace_text(const std::filesystem::path& file, const std::string& text) {
  std::filesystem::path temporary = file;
  temporary += ".dbctl-new";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
      std::filesystem::remove(temporary);
      throw Error("cannot write " + temporary.string());
    }
  }
  std::error_code ec;
  std::filesystem::permissions(temporary, std::filesystem::status(file).permissions(), ec);
  std::filesystem::rename(temporary, file, ec);
  if (ec) {
    std::filesystem::remove(temporary);
    throw Error("cannot replace " + file.string() + ": " + ec.message());
  }
}

bool has_migrations(const std::filesystem::path& folder) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    std::string name = entry.path().filename().string();
    if ((name.rfind("V", 0) == 0 || name.rfind("R__", 0) == 0) && entry.path().extension() == ".sql") {
      return true;
    }
  }
  return false;
}

// What is wrong with the edited topology text (empty when nothing): it must load and check
// as cleanly as the file did.
std::string problems_of(const std::string& text, const topology::Topology& before) {
  topology::LoadResult loaded = topology::load_text(text, before.file, before.dir, util::process_environment());
  util::Diagnostics& diagnostics = loaded.diagnostics;
  if (loaded.topology) {
    topology::validate(*loaded.topology, diagnostics);
    diagnostics.merge(targets::expand(*loaded.topology).diagnostics);
  }
  std::vector<util::Diagnostic> errors = diagnostics.errors();
  return errors.empty() ? "" : "the edited text would not check: " + util::to_string(errors.front());
}

// Write the service's manifest and, unless its folder holds migrations already, a first one.
void scaffold(const std::filesystem::path& folder, const topology::Topology& topology,
              const NewService& options, AddedService& added) {
  std::filesystem::path manifest = folder / topology::k_manifest_file;
  if (std::filesystem::exists(manifest)) {
    throw UsageError(manifest.string() + " exists already: reference it from the topology with "
                     "services: { " + options.name + ": { path: ... } }");
  }
  std::filesystem::path migrations = folder / "migrations";
  std::filesystem::create_directories(migrations);
  write_new(manifest, topology::manifest_text(options.name, engines_for(topology, options), options.app));
  added.written.push_back(manifest);
  if (!has_migrations(migrations)) {
    std::filesystem::path first = migrations / "V1__init.sql";
    write_new(first, "-- The first migration of " + options.name +
                         ". It runs as the service's owner, in its own database (or schema).\n"
                         "-- CREATE TABLE example (id bigint PRIMARY KEY, created_at timestamp NOT NULL);\n");
    added.written.push_back(first);
  }
}

// Add the entry under the topology's services:, or print it when that cannot be done safely.
void add_to_topology(const std::filesystem::path& file, const topology::Topology& topology,
                     const std::string& name, AddedService& added) {
  std::string message;
  std::optional<std::string> text = util::read_text_file(file, topology::k_max_topology_bytes, message);
  if (!text) {
    throw Error(file.string() + ": " + message);
  }
  std::optional<std::string> edited = topology::add_service_entry(*text, name, added.entry);
  added.left_as_is = edited ? problems_of(*edited, topology) : "its services: is not a block mapping of entries";
  if (added.left_as_is.empty()) {
    replace_text(file, *edited);
    added.topology_edited = true;
  }
}

} // namespace

AddedService add_service(const Project& project, const std::filesystem::path& file, const NewService& options) {
  AddedService added;
  const topology::Topology& topology = project.topology;
  check_placement(topology, options);
  std::filesystem::path dir = topology.dir;
  // The folder: --path as the user typed it (relative to here), else services/NAME beside the
  // topology; the topology names it relative to its own folder.
  std::filesystem::path folder = options.path.empty() ? dir / "services" / options.name
                                                      : std::filesystem::path(options.path);
  scaffold(folder, topology, options, added);
  std::string relative = std::filesystem::absolute(folder).lexically_normal()
                             .lexically_relative(std::filesystem::absolute(dir).lexically_normal())
                             .generic_string();
  added.entry = topology::service_entry(options.name, relative.empty() ? "." : relative,
                                              topology.servers.size() == 1 ? "" : options.server);
  add_to_topology(file, topology, options.name, added);
  return added;
}

} // namespace dbctl::ops

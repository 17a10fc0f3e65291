#pragma once
// The pipeline every command starts with: load -> validate -> expand -> select.
#include "context.hpp"

#include "dbctl/migration/discovery.hpp"
#include "dbctl/targets/expand.hpp"
#include "dbctl/topology/model.hpp"

#include <future>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace dbctl::cli {

/// A checked topology, its targets and (when asked for) its migrations.
struct Project {
  topology::Topology topology;
  std::vector<targets::Target> all;      ///< every target, in topology order
  std::vector<targets::Target> selected; ///< those chosen by --service/--tenant/--server
  /// Migrations per service folder, read and checksummed once however many targets share it.
  std::map<std::filesystem::path, migration::MigrationSet> migrations;
  std::vector<util::Diagnostic> warnings;
  /// With Scan::read_ahead: the files of `migrations` being read in the background, and the
  /// files that could not be. Declared last, so a destroyed Project first waits for the read.
  std::shared_future<std::vector<util::Diagnostic>> reading;
};

enum class Scan {
  topology_only,
  with_migrations, ///< list and read every migration file before returning
  /// List the migration folders (every name checked) before returning, and read the files in
  /// the background: the caller may log in and read meanwhile (a login costs as much as
  /// reading thousands of files), but must change nothing before files_of or await_files
  /// returned, so a file that cannot be read still means exit 2 with nothing touched.
  read_ahead,
};

/// Load the topology named by the global options, check it (and, with Scan::with_migrations,
/// every selected target's migration folder), expand and select. Registers the topology's
/// secrets with logging and logs warnings. Throws ConfigError listing every problem, or
/// UsageError for a bad selection; nothing is contacted.
std::unique_ptr<Project> load_project(const Context& context, Scan scan);

/// Check a loaded topology the same way without logging (for validate's JSON output).
/// Problems land in diagnostics; returns nullptr when the file could not be parsed.
std::unique_ptr<Project> check_project(const Context& context, Scan scan,
                                       util::Diagnostics& diagnostics);

/// Wait until every migration file has been read (Scan::read_ahead); throw ConfigError naming
/// each file that could not be. Returns at once otherwise.
void await_files(const Project& project);

/// Throw UsageError when --url/--dir were given to a command that needs a topology.
void require_topology(const Context& context, const std::string& command);

} // namespace dbctl::cli

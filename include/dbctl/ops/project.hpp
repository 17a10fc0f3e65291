#pragma once
// The pipeline every operation starts with: load -> validate -> expand -> select, and the
// migration files of the selected targets.
#include "dbctl/migration/discovery.hpp"
#include "dbctl/ops/lint.hpp"
#include "dbctl/targets/expand.hpp"
#include "dbctl/topology/model.hpp"
#include "dbctl/util/diagnostics.hpp"

#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace dbctl::ops {

/// Where the project comes from: a topology file, or (without one) a database URL and its
/// migrations folder; and which of its targets are chosen.
struct Source {
  std::string file;        ///< the topology file
  bool file_given = false; ///< -f or DBCTL_FILE, as opposed to the ./topology.yaml default
  std::string url;         ///< --url or DATABASE_URL
  std::string dir;         ///< --dir
  /// --format: how the folder's migrations are written (a topology says it per service)
  std::optional<topology::MigrationFormat> format;
  targets::Selection selection;

  /// Tell whether the project is the one database of `url` (no topology file given).
  bool from_url() const { return !url.empty() && !file_given; }
};

/// A checked topology, its targets and (when asked for) its migrations.
struct Project {
  topology::Topology topology;
  std::vector<targets::Target> all; ///< every target, in topology order
  /// The targets chosen by --service/--tenant/--server when they are fewer than all (in `all`'s
  /// order); unset when every target is, so that a fleet's targets are held once.
  std::optional<std::vector<targets::Target>> narrowed;
  /// Return the targets chosen by --service/--tenant/--server: `narrowed`, or `all`.
  const std::vector<targets::Target>& selected() const { return narrowed ? *narrowed : all; }
  /// The services' Redis namespaces (`redis:`; targets::Expansion::stores): init, plan,
  /// destroy, status, env and wait cover them; migrations never do.
  std::vector<targets::Target> stores;
  std::vector<targets::Target> selected_stores; ///< chosen by the same selection
  /// Migrations per service folder, read and checksummed once however many targets share it.
  std::map<std::filesystem::path, migration::MigrationSet> migrations;
  /// format: command services' one entry each (migration::command_set), by service.
  std::map<std::string, migration::MigrationSet> commands;
  std::vector<util::Diagnostic> warnings;
  /// With LintFiles::yes: every file's lint, complete once the files were read (files_of,
  /// await_files).
  LintReport lint;
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

/// Whether the migration files are linted as they are read (for each engine their targets use).
enum class LintFiles { no, yes };

/// Load the topology (or build it from the URL), check it (and, unless Scan::topology_only,
/// every selected target's migration folder), expand and select. Every problem lands in
/// `diagnostics` (an unknown rule in `lint:` too); returns nullptr when nothing could be parsed.
/// Nothing is contacted. Throws UsageError for a selection naming what the topology does not have.
std::unique_ptr<Project> check_project(const Source& source, Scan scan, util::Diagnostics& diagnostics,
                                       LintFiles lint = LintFiles::no);

/// Return every secret the project holds (the file's, the URL's password, every role's), for
/// redaction.
std::vector<util::Secret> secrets_of(const Project& project);

/// Wait until every migration file has been read (Scan::read_ahead); throw ConfigError naming
/// each file that could not be. Returns at once otherwise.
void await_files(const Project& project);

/// Return the migrations found for a target (none for `migrations: none`; a format: command
/// service's run), once read.
const migration::MigrationSet& files_of(const Project& project, const targets::Target& target);

/// Return the migrations folder of the topology's service `name` (which need not exist yet).
/// Throws UsageError for a service the topology does not have (naming a close one) or one
/// with `migrations: none`.
std::filesystem::path migrations_folder(const Project& project, const std::string& name);

} // namespace dbctl::ops

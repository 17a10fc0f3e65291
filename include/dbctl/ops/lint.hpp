#pragma once
// Linting the migration folders of a project (or one folder) while their files are read.
#include "dbctl/lint/lint.hpp"
#include "dbctl/migration/discovery.hpp"
#include "dbctl/topology/model.hpp"

#include "dbctl/targets/target.hpp"

#include <filesystem>
#include <map>
#include <mutex>
#include <utility>
#include <string>
#include <vector>

namespace dbctl::ops {

/// One migrations folder linted for one engine: its files in the order they apply (versioned,
/// then repeatable) and each one's lint.
struct LintedFolder {
  std::filesystem::path folder;
  std::string service; ///< the service whose folder it is (empty in --dir mode)
  lint::Settings settings;
  std::vector<migration::MigrationFile*> files;
  std::vector<lint::FileLint> results; ///< one per file, same order
};

/// Every folder's lint, with totals.
struct LintReport {
  std::vector<LintedFolder> folders;

  /// Return how many files were linted (a file linted for two engines counts twice).
  std::size_t files() const;
  /// Return how many findings have `level`.
  std::size_t count(lint::Level level) const;
  /// Return how many findings dbctl:lint-ignore lines silenced.
  std::size_t suppressed() const;
  /// Return every problem that kept a file from being linted (unreadable SQL, bad directives).
  std::vector<util::Diagnostic> problems() const;
};

/// Lint settings for a folder of `service` on `engine`: the topology's `lint:` levels and the
/// oldest PostgreSQL the service's manifest supports.
lint::Settings lint_settings(const topology::Topology& topology, const topology::Service* service,
                             topology::Engine engine);

/// Add to `report` the folder whose files are `set`, to be linted with `settings`.
void add_lint_folder(LintReport& report, const std::filesystem::path& folder, const std::string& service,
                     migration::MigrationSet& set, lint::Settings settings);

/// Return the visitor that lints each file into its slot(s) as read_files reads it. Call it after
/// every add_lint_folder; `report` must outlive the reading and not change meanwhile.
migration::FileVisitor lint_visitor(LintReport& report);

/// Once every file was read: settle each folder's findings across its files (in order).
void finish_lint(LintReport& report);

/// Lint of the files `migrate` is about to run: each file linted once per engine however many
/// targets it is pending on, the earlier files of its folder only when a finding depends on
/// them (set-not-null). Safe to ask from every worker of the fan-out at once.
class PendingLint {
public:
  /// Lint with the topology's levels (which must outlive this).
  explicit PendingLint(const topology::Topology& topology) : m_topology(topology) {}

  /// Return why `file` (one of `files`, the target's folder) must not run on `target`: its
  /// error-level findings, each with how to proceed. SQL lint cannot read is logged, not refused.
  std::vector<std::string> refusals(const targets::Target& target, const migration::MigrationSet& files,
                                    const migration::MigrationFile& file);

private:
  lint::FileLint lint_one(const migration::MigrationFile& file, const lint::Settings& settings);

  const topology::Topology& m_topology;
  std::mutex m_mutex;
  std::map<std::pair<const migration::MigrationFile*, topology::Engine>, lint::FileLint> m_cache;
};

/// Lint one folder for an engine, with no topology (`lint --dir`): list it (in `format`), read
/// its files and lint them. Problems listing or reading it land in `diagnostics`.
LintReport lint_folder(const std::filesystem::path& folder, migration::Format format, lint::Settings settings,
                       migration::MigrationSet& set, util::Diagnostics& diagnostics);

} // namespace dbctl::ops

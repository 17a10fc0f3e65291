#pragma once
// Linting the migration folders of a project (or one folder) while their files are read.
#include "dbctl/lint/lint.hpp"
#include "dbctl/migration/discovery.hpp"
#include "dbctl/topology/model.hpp"

#include <filesystem>
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

/// Once every file was read: settle each folder's findings across its files (in order), and
/// give each file with an error-level finding a refusal, so `migrate` will not run it.
void finish_lint(LintReport& report);

/// Lint one folder for an engine, with no topology (`lint --dir`): list it (in `format`), read
/// its files and lint them. Problems listing or reading it land in `diagnostics`.
LintReport lint_folder(const std::filesystem::path& folder, migration::Format format, lint::Settings settings,
                       migration::MigrationSet& set, util::Diagnostics& diagnostics);

} // namespace dbctl::ops

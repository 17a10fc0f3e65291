#pragma once
// Finding a service's migration files and checksumming them.
#include "dbctl/migration/version.hpp"
#include "dbctl/topology/model.hpp"
#include "dbctl/util/diagnostics.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dbctl::migration {

enum class Kind { versioned, repeatable };

/// The tool whose files a folder holds (`automatic` only as asked for: list() resolves it).
using Format = topology::MigrationFormat;

/// The directive that, on a file's first line, runs it outside a transaction.
inline constexpr std::string_view k_no_transaction_directive = "-- dbctl:no-transaction";

/// One migration file as found on disk.
struct MigrationFile {
  Kind kind = Kind::versioned;
  std::optional<Version> version; ///< versioned files only
  std::string description;        ///< from the file name, `_` read as a space
  std::string script;             ///< the file name
  std::string path;               ///< a plain string: thousands are held at once
  std::string checksum; ///< SHA-256 hex of the contents with CRLF folded to LF
  bool no_transaction = false;
  Format format = Format::flyway; ///< how its up part is found (the folder's format)
  /// golang-migrate: its .down.sql file (dbmate, goose: the down part of the file itself), kept
  /// for an undo command; `migrate` never runs it.
  std::string down_path;
};

/// A folder's migrations: versioned ones by version, repeatable ones by description.
struct MigrationSet {
  std::vector<MigrationFile> versioned;
  std::vector<MigrationFile> repeatable;
  Format format = Format::flyway; ///< never automatic once listed
};

/// What a file name says, when it is a migration's name.
struct ParsedName {
  Kind kind = Kind::versioned;
  std::optional<Version> version;
  std::string description;
};

/// Parse `V<version>__<description>.sql` or `R__<description>.sql`; nullopt for other names.
std::optional<ParsedName> parse_file_name(std::string_view name);

/// Return text with every CRLF turned into LF, as checksums and execution see it.
std::string fold_line_endings(std::string_view text);

/// Return the checksum of file contents: SHA-256 hex of the text with CRLF folded to LF.
std::string checksum(std::string_view contents);

/// Read a migration file's SQL (CRLF folded); throws ConfigError if it cannot be read.
std::string read_sql(const std::string& path);

/// A migration's SQL as it runs and its checksum.
struct Runnable {
  std::string sql;      ///< the up part, the rest blanked (lines kept), CRLF folded
  std::string checksum; ///< of the up part, as read_files computed it
};

/// Read a migration file as it runs; throws ConfigError if it cannot be read or is not a
/// migration of its format.
Runnable read_runnable(const MigrationFile& file);

/// List a folder's migrations (not its subfolders) without reading them: names, order and
/// paths, with checksums left empty, in `format` (automatic: the one the names are written in;
/// dbmate and goose told apart by the first file's markers). A missing folder, an entry that is
/// not a regular file, two files with one version, two formats in one folder and names the
/// format uses wrongly are errors at `referenced_at`/the file; names close to Flyway's pattern
/// are warnings.
MigrationSet list(const std::filesystem::path& folder, const util::Location& referenced_at,
                  util::Diagnostics& diagnostics, Format format = Format::flyway);

/// Called with each file and its contents (CRLF not folded) while they are read, on the
/// reading thread: it must be safe to call for different files at once.
using FileVisitor = std::function<void(const MigrationFile&, std::string_view contents)>;

/// Read and checksum every file of the listed sets (the up part of each, as its format says),
/// on every core, showing each one's SQL as it runs to `visit` (when given); return one error
/// per file that could not be read or is not a migration of its format.
std::vector<util::Diagnostic> read_files(const std::vector<MigrationSet*>& sets, const FileVisitor& visit = {});

/// List a folder and read its files: list() then read_files(), every problem in diagnostics.
MigrationSet scan(const std::filesystem::path& folder, const util::Location& referenced_at,
                  util::Diagnostics& diagnostics);

} // namespace dbctl::migration

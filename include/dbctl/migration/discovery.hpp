#pragma once
// Finding a service's migration files and checksumming them.
#include "dbctl/migration/version.hpp"
#include "dbctl/util/diagnostics.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dbctl::migration {

enum class Kind { versioned, repeatable };

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
  /// Why the file must not run (a lint error, set by whoever checked it); a pending file with
  /// refusals stops `migrate` for its target before anything runs.
  std::vector<std::string> refusals;
};

/// A folder's migrations: versioned ones by version, repeatable ones by description.
struct MigrationSet {
  std::vector<MigrationFile> versioned;
  std::vector<MigrationFile> repeatable;
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

/// List a folder's migrations (not its subfolders) without reading them: names, order and
/// paths, with checksums left empty. A missing folder, an entry that is not a regular file and
/// two files with one version are errors at `referenced_at`/the file; names close to the
/// pattern are warnings.
MigrationSet list(const std::filesystem::path& folder, const util::Location& referenced_at,
                  util::Diagnostics& diagnostics);

/// Called with each file and its contents (CRLF not folded) while they are read, on the
/// reading thread: it must be safe to call for different files at once.
using FileVisitor = std::function<void(const MigrationFile&, std::string_view contents)>;

/// Read and checksum every file of the listed sets, on every core, showing each one's
/// contents to `visit` (when given); return one error per file that could not be read.
std::vector<util::Diagnostic> read_files(const std::vector<MigrationSet*>& sets, const FileVisitor& visit = {});

/// List a folder and read its files: list() then read_files(), every problem in diagnostics.
MigrationSet scan(const std::filesystem::path& folder, const util::Location& referenced_at,
                  util::Diagnostics& diagnostics);

} // namespace dbctl::migration

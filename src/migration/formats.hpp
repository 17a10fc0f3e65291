#pragma once
// The other tools' migration files, read natively: how each names its files and where a file's
// up part is (golang-migrate, dbmate, goose beside Flyway's own names in discovery.cpp).
#include "dbctl/migration/discovery.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dbctl::migration::formats {

/// Tell whether text ends with suffix.
bool ends_with(std::string_view text, std::string_view suffix);
/// Return a migration's description from its file name's words: `_` read as a space.
std::string describe(std::string_view raw);
/// Return text in lower case (ASCII).
std::string lower(std::string_view text);
/// Tell whether a file name ends in .sql, in any case.
bool is_sql_name(std::string_view name);

/// What a file name is in a format.
struct NameMatch {
  ParsedName parsed;
  bool down = false; ///< golang-migrate: the .down.sql half
};

/// What a name says in `format` (not flyway): a match, nullopt for a name the format does not
/// use (ignored), or a `problem` for a name that is the format's but wrong (exit 2).
std::optional<NameMatch> parse_name(Format format, std::string_view name, std::string& problem);

/// Tell which format a folder's names are written in: flyway, golang-migrate, or (for
/// `<digits>_name.sql`) dbmate or goose as `peek` (the first such file's contents) says. Two
/// formats in one folder, or SQL files that match none, are problems naming the files.
Format detect(const std::vector<std::string>& names, const std::string& prefix,
              const std::function<std::string(const std::string&)>& peek, std::vector<std::string>& problems);

/// Where a file's up part is, whether it runs outside a transaction, or why it is not a
/// migration of its format.
struct UpPart {
  std::size_t begin = 0;
  std::size_t end = std::string_view::npos;
  bool no_transaction = false;
  std::string problem;
};

/// Find the up part of a file's contents in `format` (flyway: the whole file).
UpPart up_part(Format format, std::string_view contents);

/// Return the SQL that runs: the contents with everything outside the up part blanked (line
/// breaks kept, so lines are the file's), CRLF folded.
std::string runnable(std::string_view contents, const UpPart& up);

} // namespace dbctl::migration::formats

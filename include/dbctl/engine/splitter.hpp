#pragma once
// Splitting a SQL script into statements, for scripts that must run one statement at a time.
#include <string>
#include <string_view>
#include <vector>

namespace dbctl::engine {

/// One statement of a script, the line it starts on (1-based, its leading comments included:
/// a server's line counts from there) and where its text starts in the script (0-based byte
/// offset); `code_line` is the line of its first code after those comments, where a failure
/// the server gives no line for is reported.
struct SqlStatement {
  std::string text;
  int line = 1;
  std::size_t offset = 0;
  int code_line = 1;
};

/// Split PostgreSQL SQL at top-level semicolons, respecting '...' and E'...' strings,
/// "..." identifiers, -- and nested /* */ comments and $tag$ dollar quotes. Statements holding
/// only blanks and comments are dropped; nothing else is lost.
std::vector<SqlStatement> split_postgres(std::string_view sql);

/// Split MySQL/MariaDB SQL as the mysql client does: at the current delimiter (`;` until a
/// `DELIMITER xx` line changes it, for trigger and procedure bodies with BEGIN ... END),
/// respecting '...' and "..." strings (backslash escapes, doubled quotes), `...` identifiers,
/// `-- `, `#` and /* */ comments, and /*! ... */ version comments (kept as code, never split).
/// Statements come without their delimiter; DELIMITER lines and blank or comment-only
/// statements are dropped.
std::vector<SqlStatement> split_mysql(std::string_view sql);

} // namespace dbctl::engine

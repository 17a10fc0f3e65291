#pragma once
// Reading dotenv files (--env-file): KEY=VALUE lines, as docker compose and dbmate read them.
#include "dbctl/util/diagnostics.hpp"

#include <string>
#include <utility>
#include <vector>

namespace dbctl::util {

/// The variables of a dotenv text, in order, and its problems.
struct Dotenv {
  std::vector<std::pair<std::string, std::string>> variables;
  Diagnostics diagnostics;
};

/// Parse dotenv text (named `file` in messages): `KEY=VALUE` per line, an optional leading
/// `export `, `#` comments on their own line or after an unquoted value (after a space), blank
/// lines. A value may be single-quoted (taken as is), double-quoted (`\n`, `\"`, `\\` and `\$`
/// escaped; may span lines) or bare (trimmed). Keys are `[A-Za-z_][A-Za-z0-9_]*`. Values are
/// never substituted (no `${...}` here: the topology does that) and never appear in a message.
Dotenv parse_dotenv(const std::string& text, const std::string& file);

} // namespace dbctl::util

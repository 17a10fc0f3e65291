#pragma once
// What the runners (runner.cpp, command.cpp) say about a target: the prefix of their messages,
// and the error for a target init has not created yet.
#include "dbctl/engine/error.hpp"
#include "dbctl/targets/target.hpp"

#include <string>

namespace dbctl::migration {

/// Return "service[tenant]@server: ", which every message about a target starts with.
inline std::string prefix(const targets::Target& target) { return target.key() + ": "; }

/// Return the error for a target whose database (or schema) does not exist yet.
inline DbError missing_target(const targets::Target& target) {
  return DbError(prefix(target) + "database " + target.database +
                 (target.schema && *target.schema != "public" ? " schema " + *target.schema : "") +
                 " does not exist; run dbctl init first (or dbctl up)");
}

} // namespace dbctl::migration

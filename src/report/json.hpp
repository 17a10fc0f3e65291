#pragma once
// The JSON pieces several outputs share (docs/schemas/output.schema.json).
#include "dbctl/ops/fanout.hpp"
#include "dbctl/ops/servers.hpp"
#include "dbctl/ops/wait.hpp"
#include "dbctl/targets/target.hpp"

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace dbctl::report::detail {

using Json = nlohmann::ordered_json;

/// Return a document as every `-o json` prints it: indented, invalid UTF-8 replaced, a newline.
inline std::string dump(const Json& doc) {
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

template <typename T> Json or_null(const std::optional<T>& value) {
  return value ? Json(*value) : Json(nullptr);
}

/// Return the fields that name a target in every per-target object: target, service, tenant,
/// server, database, schema (null when none).
Json target_doc(const targets::Target& target);

/// Return the failovers a target or server rode out, as `failovers` in every document.
Json failovers_doc(const std::vector<ops::Failover>& failovers);

/// Return {"changes": N, "servers": [...]} (report/provision.hpp, statements_json).
Json statements_doc(const std::vector<ops::ServerStatements>& plans);

/// Return the servers as `wait -o json` lists them.
Json wait_doc(const std::vector<ops::ServerReady>& ready);

/// Return one object per selected target as `migrate -o json` lists them.
Json outcomes_doc(const std::vector<targets::Target>& selected,
                  const std::vector<std::optional<ops::Outcome>>& outcomes);

} // namespace dbctl::report::detail

#pragma once
// Printing `migrate` and `up`.
#include "dbctl/ops/fanout.hpp"
#include "dbctl/ops/servers.hpp"
#include "dbctl/ops/wait.hpp"

#include <optional>
#include <string>
#include <vector>

namespace dbctl::report {

/// Return the name output gives a result: "migrated", "up to date", "checked", "inspected",
/// "failed", "interrupted".
std::string result_name(ops::Result result);

/// Return " (after a failover of pg: 2.3 s without a primary)" for the failovers a target or
/// server rode out, "" for none.
std::string failovers_note(const std::vector<ops::Failover>& failovers);

/// Return the line after "<target>: " for a finished target: "applied 2 migrations (at
/// version 3)", "up to date (at version 3)", "would apply V4__x.sql", "failed", ...
std::string outcome_line(const ops::Outcome& outcome);

/// Return one summary line per result ("migrate: 2 migrated"; failed targets listed, in red
/// with `color`), then how long the run took and its slowest target. Nothing for one target
/// that did not fail.
std::string migrate_summary(const std::string& verb, const std::vector<targets::Target>& selected,
                            const std::vector<std::optional<ops::Outcome>>& outcomes, long long total_ms,
                            bool color);

/// Return the JSON array `migrate -o json` prints: one object per selected target, "result"
/// "not started" for those never started.
std::string migrate_json(const std::vector<targets::Target>& selected,
                         const std::vector<std::optional<ops::Outcome>>& outcomes);

/// Return `up -o json`: {"wait", "init", "migrate", "duration_ms"}.
std::string up_json(const std::vector<ops::ServerReady>& ready, const std::vector<ops::ServerStatements>& applied,
                    const std::vector<targets::Target>& selected,
                    const std::vector<std::optional<ops::Outcome>>& outcomes, long long duration_ms);

} // namespace dbctl::report

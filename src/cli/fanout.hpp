#pragma once
// Running one job per selected target in parallel, within every server's max_connections,
// with progress and a per-target result.
#include "context.hpp"
#include "project.hpp"

#include "dbctl/engine/driver.hpp"

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace dbctl::cli {

/// What one target's job ended with.
struct Outcome {
  std::string state;  ///< the summary key: "migrated", "up to date", "failed", ...
  std::string text;   ///< the per-target line after "<target>: "
  std::string error;  ///< the message, when failed
  std::size_t applied = 0;
  std::size_t notices = 0; ///< distinct server notices and warnings the target's files raised
  std::optional<std::string> version;
  long long duration_ms = 0; ///< the job's wall time (set by fan_out)
};

struct FanoutOptions {
  int cost = 1;            ///< the most connections one target's job holds at once
  bool keep_going = false; ///< after a failure, go on starting targets
  bool lines = true;       ///< print a line per finished target (else only progress)
};

/// A target's job: its index in project.selected, the target, and its worker's kept connection
/// (for engine::Driver::target).
using Job = std::function<Outcome(std::size_t, const targets::Target&, engine::Keep&)>;

/// Run `job` for every selected target on -j threads (default from the servers'
/// max_connections), never holding more connections on a server than its max_connections.
/// A job that throws dbctl::Error is a failed target (logged); after one, no new target starts
/// unless keep_going. On a terminal a live progress line replaces the per-target lines when
/// there is more than one target. Returns the outcomes by target index; nullopt for targets
/// never started. A ConfigError (or any other exception) from a job stops the run and is
/// rethrown once every running job has finished.
std::vector<std::optional<Outcome>> fan_out(const Context& context, const Project& project,
                                            const FanoutOptions& options,
                                            const Job& job);

/// Tell whether a target failed or never started (a run that stopped).
bool any_failed(const std::vector<std::optional<Outcome>>& outcomes);

/// Return a duration for people: "340 ms", "12.4 s", "3 min 05 s".
std::string format_duration(long long ms);

/// Print one summary line per state ("migrate: 2 migrated"), failed targets listed (in red
/// with context.color), then how long the run took and its slowest target; return failed when
/// any target failed.
ExitCode summarize(const Context& context, const std::string& verb, const Project& project,
                   const std::vector<std::optional<Outcome>>& outcomes, long long total_ms);

/// Return the fields that name a target in every per-target JSON object: target, service,
/// tenant, server, database, schema (null when none).
nlohmann::ordered_json target_json(const targets::Target& target);

/// Return the outcomes as the JSON array `-o json` prints: one object per selected target
/// (docs/schemas/migrate.schema.json).
nlohmann::ordered_json outcomes_json(const Project& project, const std::vector<std::optional<Outcome>>& outcomes);

} // namespace dbctl::cli

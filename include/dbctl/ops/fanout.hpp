#pragma once
// Running one job per selected target in parallel, within every server's max_connections.
#include "dbctl/engine/driver.hpp"
#include "dbctl/ops/failover.hpp"
#include "dbctl/targets/target.hpp"
#include "dbctl/util/interrupt.hpp"

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dbctl::ops {

/// How one target's job ended (a target never started has no Outcome at all).
enum class Result {
  migrated,    ///< migrate applied at least one migration
  up_to_date,  ///< migrate had nothing to apply
  checked,     ///< migrate --dry-run looked
  inspected,   ///< status read it
  failed,      ///< the job threw dbctl::Error
  interrupted, ///< SIGINT/SIGTERM stopped it (not a failure: run again to go on)
};

/// What one target's job ended with.
struct Outcome {
  Result result = Result::failed;
  std::string error; ///< the message, when failed or interrupted
  std::size_t applied = 0;
  std::size_t notices = 0; ///< distinct server notices and warnings the target's files raised
  std::optional<std::string> version;
  std::vector<std::string> would_apply; ///< migrate --dry-run: the scripts it would run
  std::string ran;                      ///< format: command: the command line migrate ran
  long long lock_wait_ms = 0;           ///< migrate: time spent waiting for the target's lock
  long long duration_ms = 0;            ///< the job's wall time (set by fan_out)
  std::vector<Failover> failovers;      ///< the failovers its server had that the job rode out
};

/// A target's job: its index in the selection, the target, and its worker's kept connection
/// (for engine::Driver::target).
using Job = std::function<Outcome(std::size_t, const targets::Target&, engine::Keep&)>;

struct FanoutOptions {
  int cost = 1;            ///< the most connections one target's job holds at once
  int jobs = 0;            ///< threads; 0: from the servers' max_connections
  /// Connections the caller holds on a server while the run goes on, which its jobs leave free.
  std::map<const topology::Server*, int> held;
  bool keep_going = false; ///< after a failure, go on starting targets
  /// Without keep_going: the failed targets a run may have and still start new ones.
  std::size_t max_failures = 0;
  const util::Interrupt* interrupt = nullptr;
  /// Told of each finished target (failed and interrupted ones included), one call at a time.
  std::function<void(const targets::Target&, const Outcome&)> finished;
};

/// Run `job` for every target on `jobs` threads, never holding more connections on a server
/// than its max_connections; each worker goes on with targets of the server it is on, keeping
/// its connection. A job that throws dbctl::Error is a failed target; once more than
/// max_failures failed, no new target starts unless keep_going. Returns the outcomes by target index; nullopt for targets never
/// started. A ConfigError (or any other exception) from a job stops the run and is rethrown
/// once every running job has finished.
std::vector<std::optional<Outcome>> fan_out(const std::vector<targets::Target>& selected,
                                            const FanoutOptions& options, const Job& job);

/// Tell whether a target failed or never started (a run that stopped).
bool any_failed(const std::vector<std::optional<Outcome>>& outcomes);

} // namespace dbctl::ops

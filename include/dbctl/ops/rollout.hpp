#pragma once
// Canary waves: a fleet migrated in stages, each starting only while the failures so far stay
// within a budget.
#include "dbctl/targets/target.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dbctl::ops {

/// Where one wave ends: a number of targets, or a percentage of them (rounded up), counted
/// from the first target of the rollout.
struct WaveSize {
  double value = 0;
  bool percent = false;
};

/// Parse `1,5%,25%,100%`: counts (whole numbers >= 1) and percentages (0 < p <= 100), each
/// reaching further than the one before. Returns nullopt with `error` set otherwise.
std::optional<std::vector<WaveSize>> parse_waves(std::string_view text, std::string& error);

/// Order the targets for a rollout (by index into `targets`): canaries (Target::canary) first,
/// then the servers taken in turn, so each wave spreads over the shards, each server's targets
/// in their own order. Then cut that order
/// into waves at the given sizes; a last wave takes whatever the sizes leave, and no wave is
/// empty. Pure.
std::vector<std::vector<std::size_t>> plan_waves(const std::vector<targets::Target>& targets,
                                                 const std::vector<WaveSize>& sizes);

/// Run a rollout's check between waves: `sh -c command` with DBCTL_WAVE (the wave that just
/// finished, from 1) and DBCTL_WAVES in its environment, its stdout sent to stderr (dbctl's
/// stdout holds results). Returns its exit status (127 when it could not start, 128 + N when
/// killed by signal N).
int run_wave_check(const std::string& command, std::size_t wave, std::size_t waves);

} // namespace dbctl::ops

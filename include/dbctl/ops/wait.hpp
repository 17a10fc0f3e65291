#pragma once
// Waiting until servers accept connections.
#include "dbctl/engine/driver.hpp"
#include "dbctl/ops/project.hpp"
#include "dbctl/util/interrupt.hpp"

#include <vector>

namespace dbctl::ops {

/// A server that answered.
struct ServerReady {
  const topology::Server* server = nullptr;
  int attempts = 0;
  long long duration_ms = 0;
};

/// Wait until every server holding a selected target accepts connections, retrying with
/// backoff (each attempt's connect timeout bounded by the time left); throws DbError with the
/// last error once `timeout_seconds` have passed, and InterruptedError once `interrupt` (may
/// be null) was requested.
std::vector<ServerReady> wait_for_servers(const Project& project, const engine::Registry& registry,
                                          double timeout_seconds, const util::Interrupt* interrupt);

} // namespace dbctl::ops

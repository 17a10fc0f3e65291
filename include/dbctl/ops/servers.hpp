#pragma once
// A project's targets grouped by the server they live on, and running statements on one.
#include "dbctl/engine/driver.hpp"
#include "dbctl/ops/failover.hpp"
#include "dbctl/ops/project.hpp"
#include "dbctl/util/interrupt.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace dbctl::ops {

/// The targets one server holds: the selected ones and all of them.
struct ServerGroup {
  const topology::Server* server = nullptr;
  /// The project's targets on this server (Project::selected and Project::all, which outlive
  /// the group).
  targets::TargetRefs selected;
  targets::TargetRefs all;
  /// Every target of every entry that reaches the same physical server (set once the servers'
  /// identities are known; empty: `all`): what pruning keeps.
  targets::TargetRefs same_server;
};

/// Return one group per server that holds a selected target, in topology order.
std::vector<ServerGroup> group_by_server(const Project& project);

/// The statements planned for one server.
struct ServerStatements {
  const topology::Server* server = nullptr;
  std::vector<engine::Statement> statements;
  std::optional<long long> duration_ms; ///< how long executing them took, once they ran
  std::size_t ran = 0;                  ///< how many of them ran, in order
  std::vector<Failover> failovers;      ///< the failovers init rode out on this server
  /// What the server holds of the project's that the topology no longer asks for, one line
  /// each (provision::describe); pruned only by `init --prune`.
  std::vector<std::string> unwanted;
};

/// One more admin session on a plan's server (for lanes of `init -j` beside the first), and a
/// lock it holds while it lives (may be null; released before the session closes).
struct LaneSession {
  std::unique_ptr<engine::AdminSession> session;
  std::unique_ptr<engine::Lock> lock;
};
/// Open the `helper`th (from 1) LaneSession of a plan's run.
using OpenSession = std::function<LaneSession(std::size_t helper)>;

/// Log and run one server's statements from plan.ran on: each of lane 0 alone on `session`, and
/// the lanes between two of them (engine::Statement::lane) on up to `jobs` sessions at once,
/// `session` and helpers from `open` (opened when first needed, each closing a lane's database
/// connections when the lane is done), every lane's statements in order. A failing lane stops
/// the others before their next statement. plan.statements[0, plan.ran) are the statements that
/// ran: after a failure amid lanes, those that ran are moved before those that did not, each
/// part in plan order. Sets plan.duration_ms. A permission error says what the admin lacks;
/// throws DbError (the first to fail, once every lane stopped), and InterruptedError between
/// statements once `interrupt` (may be null) was requested.
void execute_logged(engine::AdminSession& session, ServerStatements& plan, const util::Interrupt* interrupt,
                    int jobs = 1, const OpenSession& open = {});

/// Return the total number of statements.
std::size_t count(const std::vector<ServerStatements>& plans);

} // namespace dbctl::ops

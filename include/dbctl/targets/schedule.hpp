#pragma once
// Handing targets to parallel workers without ever exceeding a server's max_connections.
#include "dbctl/topology/model.hpp"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

namespace dbctl::targets {

/// Hands out work items (targets, by index) to parallel workers so that the connections dbctl
/// holds on each server never exceed its max_connections: an item reserves `cost` connections
/// on its server from when it is handed out until done() is called for it. Items start in
/// order, except that an item whose server is full is passed over for the next item of a
/// server with room (shards progress independently), and that continue_with() hands a worker
/// the next item of the server it is on. Thread-safe.
class Scheduler {
public:
  /// `servers[i]` is item i's server; `cost` the most connections one item holds at once
  /// (at most 2, the lowest max_connections allowed).
  /// `held`: connections the run holds on a server outside its items, which its items leave
  /// free (never all of its max_connections).
  Scheduler(const std::vector<const topology::Server*>& servers, int cost,
            const std::map<const topology::Server*, int>& held = {});

  /// Block until an item may start and return it; nullopt once every item has been handed out
  /// or stop() was called.
  std::optional<std::size_t> next();
  /// When `finished` (handed out, not done) has a waiting item on the same server and nothing
  /// stopped the run, hand that item out in its place, passing its reserved connections on
  /// (a worker keeps a connection open between the two); else return nullopt and keep the
  /// reservation until done(finished).
  std::optional<std::size_t> continue_with(std::size_t finished);
  /// Release the connections of an item handed out by next() or continue_with().
  void done(std::size_t item);
  /// Hand out no further items (workers finish the ones they have).
  void stop();
  /// Return how many items were never handed out.
  std::size_t not_started() const;

private:
  struct Queue {
    std::deque<std::size_t> items; ///< waiting, in order
    int in_use = 0;                ///< connections reserved by running items
    int capacity = 0;              ///< the server's max_connections
    int cost = 0;                  ///< connections one item reserves (at most capacity)
  };

  mutable std::mutex m_mutex;
  std::condition_variable m_changed;
  std::map<const topology::Server*, Queue> m_queues;
  std::vector<const topology::Server*> m_servers;
  std::size_t m_waiting = 0;
  bool m_stopped = false;
};

/// Return the default number of parallel jobs for targets on these servers: what the servers'
/// max_connections allow at `cost` connections per target, at most 16 and at most `targets`.
int default_jobs(const std::vector<const topology::Server*>& servers, int cost, std::size_t targets);

} // namespace dbctl::targets

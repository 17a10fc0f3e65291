#pragma once
// `lock: table` on MySQL/MariaDB: a lease row in the target database's dbctl_lock. Unlike
// GET_LOCK, which each Galera node keeps to itself, a row is certified across the cluster: two
// runs on two nodes cannot both insert it.
#include "connection.hpp"

#include <chrono>
#include <memory>
#include <string>

namespace dbctl::engine::mysql {

/// Take the lease `key` in dbctl_lock (created when missing) on `connection`, which is in the
/// target's database and which the lease then owns: a thread renews it until the returned lock
/// goes, which deletes the row. An expired lease is taken over (with a warning naming the old
/// holder); a commit another node's insert beat (a deadlock or certification failure) is a
/// try lost, not an error. Throws DbError naming the holder at the deadline, InterruptedError
/// when interrupted; the lock's check() throws once a renewal found the lease taken over.
std::unique_ptr<Lock> take_lease(Connection connection, const std::string& key, std::chrono::seconds timeout,
                                 const std::string& context, const util::Interrupt* interrupt);

/// Tell whether the server is a Galera node (wsrep_on=ON), where GET_LOCK excludes nothing
/// beyond one node.
bool galera_node(sql::Connection& connection);

} // namespace dbctl::engine::mysql

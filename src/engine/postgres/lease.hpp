#pragma once
// `lock: table`: a lease row in the target's dbctl_lock, for servers reached through a
// transaction pooler (PgBouncer), where session advisory locks do not hold.
#include "connection.hpp"

#include "dbctl/engine/driver.hpp"

#include <chrono>
#include <memory>
#include <string>

namespace dbctl::engine::postgres {

/// Take the lease `key` in `table` (schema-qualified dbctl_lock, created when missing, as
/// `owner` when that is not the login) on `connection`, which the lease then owns: a thread
/// renews the lease on it until the returned lock goes, which deletes the row. A lease whose
/// holder stopped renewing it is taken over once expired (with a warning naming the holder).
/// Every statement is one transaction of its own, as a transaction pooler needs. Throws
/// DbError naming the holder at the deadline, InterruptedError when interrupted. The lock's
/// check() throws DbError once a renewal found the lease taken over.
std::unique_ptr<Lock> take_lease(Connection connection, const std::string& table, const std::string& owner,
                                 const std::string& key, std::chrono::seconds timeout,
                                 const std::string& context, const util::Interrupt* interrupt);

} // namespace dbctl::engine::postgres

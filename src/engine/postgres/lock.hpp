#pragma once
// Session advisory locks: waiting with a deadline and naming the holder.
#include "dbctl/engine/driver.hpp"

#include <chrono>
#include <memory>
#include <string>

#include <pqxx/connection>

namespace dbctl::engine::postgres {

/// Take pg_advisory_lock(key) on `connection`, retrying until `timeout`; the lock is released
/// when the returned object goes (or the connection closes). Throws DbError naming the holder
/// (pid, application_name, user, since when) at the deadline; `what` names the lock in it and
/// `context` prefixes messages. Throws InterruptedError when `interrupt` (may be null) is
/// requested while it waits.
std::unique_ptr<Lock> take_advisory_lock(pqxx::connection& connection, const std::string& key,
                                         std::chrono::seconds timeout, const std::string& what,
                                         const std::string& context, const util::Interrupt* interrupt);

} // namespace dbctl::engine::postgres

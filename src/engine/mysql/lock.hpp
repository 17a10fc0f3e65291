#pragma once
// GET_LOCK named locks: waiting with a deadline and naming the holder.
#include "dbctl/engine/driver.hpp"

#include <chrono>
#include <memory>
#include <string>

#include <cppconn/connection.h>

namespace dbctl::engine::mysql {

/// Take GET_LOCK(name) on `connection`, waiting up to `timeout`; released when the returned
/// object goes (or the connection closes). Throws DbError naming the holder at the deadline;
/// `what` names the lock in messages and `context` prefixes them. `name` must be at most 64
/// characters of [A-Za-z0-9:_].
/// Throws InterruptedError when `interrupt` (may be null) was requested while it waited.
std::unique_ptr<Lock> take_named_lock(sql::Connection& connection, const std::string& name,
                                      std::chrono::seconds timeout, const std::string& what,
                                      const std::string& context,
                                      const util::Interrupt* interrupt);

} // namespace dbctl::engine::mysql
